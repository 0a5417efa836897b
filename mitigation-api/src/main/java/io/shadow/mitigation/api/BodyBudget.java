package io.shadow.mitigation.api;

import io.javalin.http.Context;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of request bodies a service holds at once ({@code server.max-bodies-bytes}): each body is
 * read whole before its route works on it, so without a bound a few hundred agents flushing full
 * batches together fill the heap (the JVM then spends minutes in garbage collection, answering
 * nothing). A request takes its declared length, or {@code server.max-request-bytes} for a body of
 * unknown length, before a byte is read, and gives it back once answered; one that does not fit is
 * answered 503 with {@code Retry-After}, read past without being kept when at most 1 MiB (else its
 * connection is closed). One token holds at most a quarter of the budget.
 */
final class BodyBudget {
    /** Seconds a refused client is asked to wait. */
    static final int RETRY_AFTER_SECONDS = 1;
    private static final String HELD = "shadow.body-bytes-held";
    private static final String HOLDER = "shadow.body-bytes-holder";
    /** A caller (one token) holds at most this share of the budget, so that a few slow uploads of one
     * token cannot take it all from the others. */
    static final int CALLER_SHARE = 4;
    /** A refused body is read past (so its sender gets the 503) up to this size; a larger one is not read
     * and its connection closed, so that refusals cost no thread for long. */
    static final long SKIP_LIMIT = 1 << 20;
    private final long limit;
    private final AtomicLong held = new AtomicLong();
    private final java.util.concurrent.ConcurrentHashMap<String, AtomicLong> byCaller =
            new java.util.concurrent.ConcurrentHashMap<>();

    BodyBudget(long limit) {
        this.limit = limit;
    }

    /**
     * Takes the request's share; null when it has it, else the 503 to answer (with {@code Retry-After}
     * set) once the body has been read past without being kept ({@link #skip}).
     */
    ApiError take(Context ctx, long maxRequestBytes) {
        long want = ctx.contentLength() >= 0 ? ctx.contentLength() : maxRequestBytes;
        Caller caller = ctx.attribute(ServiceApp.CALLER);
        String who = caller == null ? "" : caller.name();
        AtomicLong mine = byCaller.computeIfAbsent(who, k -> new AtomicLong());
        long own = mine.get();
        if (own > 0 && own + want > limit / CALLER_SHARE) {
            ctx.header("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
            return new ApiError(503, "this token's requests hold " + mb(own) + " of request bodies, its share of "
                    + "the server's " + mb(limit) + " (server.max-bodies-bytes) is " + mb(limit / CALLER_SHARE)
                    + "; this one (" + mb(want) + ") was not kept: retry after " + RETRY_AFTER_SECONDS + " s, or "
                    + "send smaller batches");
        }
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
        mine.addAndGet(want);
        ctx.attribute(HELD, want);
        ctx.attribute(HOLDER, who);
        return null;
    }

    /**
     * Reads a refused body through a small buffer, keeping nothing, so that its sender gets the 503
     * rather than a reset connection (closing on unread bytes resets it); past {@code maxRequestBytes}
     * the connection is closed instead.
     */
    static void skip(Context ctx, long maxRequestBytes) throws java.io.IOException {
        long most = Math.min(maxRequestBytes, SKIP_LIMIT);
        if (ctx.contentLength() > most) {
            ctx.header("Connection", "close");
            return;
        }
        byte[] buf = new byte[8192];
        long read = 0;
        java.io.InputStream in = ctx.req().getInputStream();
        for (int n; (n = in.read(buf)) >= 0; ) {
            read += n;
            if (read > most) {
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
            String who = ctx.attribute(HOLDER);
            AtomicLong mine = byCaller.get(who == null ? "" : who);
            if (mine != null) {
                mine.addAndGet(-took);
            }
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
