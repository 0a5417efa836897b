package io.shadow.mitigation.api;

import io.javalin.http.Context;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of request bodies a service holds at once ({@code server.max-bodies-bytes}): each body is
 * read whole before its route works on it, so without a bound a few hundred agents flushing full
 * batches together fill the heap (the JVM then spends minutes in garbage collection, answering
 * nothing). A request takes its declared length, or {@code server.max-request-bytes} for a body of
 * unknown length, before a byte is read, and gives it back once answered; one that does not fit is
 * answered 503 with {@code Retry-After} at once and its connection closed, unread.
 */
final class BodyBudget {
    /** Seconds a refused client is asked to wait. */
    static final int RETRY_AFTER_SECONDS = 1;
    private static final String HELD = "shadow.body-bytes-held";
    private final long limit;
    private final AtomicLong held = new AtomicLong();

    BodyBudget(long limit) {
        this.limit = limit;
    }

    /** Takes the request's share, or refuses the request with 503. */
    void take(Context ctx, long maxRequestBytes) {
        long want = ctx.contentLength() >= 0 ? ctx.contentLength() : maxRequestBytes;
        long now;
        do {
            now = held.get();
            // one body alone always fits: a budget below server.max-request-bytes must not refuse everything
            if (now > 0 && now + want > limit) {
                ctx.header("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
                ctx.header("Connection", "close");
                throw new ApiError(503, "the server is holding " + mb(now) + " of request bodies, its limit is "
                        + mb(limit) + " (server.max-bodies-bytes); this one (" + mb(want) + ") was not read: retry "
                        + "after " + RETRY_AFTER_SECONDS + " s, or send smaller batches");
            }
        } while (!held.compareAndSet(now, now + want));
        ctx.attribute(HELD, want);
    }

    /** Gives back what {@link #take} took for this request, if anything. */
    void release(Context ctx) {
        Long took = ctx.attribute(HELD);
        if (took != null) {
            ctx.attribute(HELD, null);
            held.addAndGet(-took);
        }
    }

    /** Bytes held now. */
    long held() {
        return held.get();
    }

    private static String mb(long bytes) {
        return bytes >= 1 << 20 ? String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1048576.0)
                : bytes >= 1 << 10 ? bytes / 1024 + " KB" : bytes + " bytes";
    }
}
