package io.shadow.mitigation.api;

import io.javalin.http.Context;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of request bodies a service holds at once ({@code server.max-bodies-bytes}): each body is
 * read whole before its route works on it, so without a bound a few hundred agents flushing full
 * batches together fill the heap (the JVM then spends minutes in garbage collection, answering
 * nothing). A request takes its declared length, or {@code server.max-request-bytes} for a body of
 * unknown length, before a byte is read, and gives it back once answered; one that does not fit is
 * read past without being kept and answered 503 with {@code Retry-After}.
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

    /**
     * Takes the request's share; null when it has it, else the 503 to answer (with {@code Retry-After}
     * set) once the body has been read past without being kept ({@link #skip}).
     */
    ApiError take(Context ctx, long maxRequestBytes) {
        long want = ctx.contentLength() >= 0 ? ctx.contentLength() : maxRequestBytes;
        long now;
        do {
            now = held.get();
            // one body alone always fits: a budget below server.max-request-bytes must not refuse everything
            if (now > 0 && now + want > limit) {
                ctx.header("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
                return new ApiError(503, "the server is holding " + mb(now) + " of request bodies, its limit is "
                        + mb(limit) + " (server.max-bodies-bytes); this one (" + mb(want) + ") was not kept: retry "
                        + "after " + RETRY_AFTER_SECONDS + " s, or send smaller batches");
            }
        } while (!held.compareAndSet(now, now + want));
        ctx.attribute(HELD, want);
        return null;
    }

    /**
     * Reads a refused body through a small buffer, keeping nothing, so that its sender gets the 503
     * rather than a reset connection (closing on unread bytes resets it); past {@code maxRequestBytes}
     * the connection is closed instead.
     */
    static void skip(Context ctx, long maxRequestBytes) throws java.io.IOException {
        byte[] buf = new byte[8192];
        long read = 0;
        java.io.InputStream in = ctx.req().getInputStream();
        for (int n; (n = in.read(buf)) >= 0; ) {
            read += n;
            if (read > maxRequestBytes) {
                ctx.header("Connection", "close");
                return;
            }
        }
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
