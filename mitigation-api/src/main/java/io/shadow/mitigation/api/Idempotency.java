package io.shadow.mitigation.api;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.shadow.mitigation.store.IdempotencyStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * {@code Idempotency-Key} on state-changing calls: the first request with a key acts and its
 * answer (2xx or 4xx) is stored; a repeat by the same caller with the same key and request gets
 * that answer again, marked {@code Idempotent-Replayed: true}, and acts no more. The same key with
 * a different request is 422; a repeat while the first is still running is 409; a 5xx frees the
 * key for a retry. A key left reserved by a request that could not free it (the store went away
 * mid-request) is taken over by a repeat of the same request after {@link #ABANDONED_AFTER}.
 */
public final class Idempotency {
    public static final String HEADER = "Idempotency-Key";
    /** How long a reservation may stay in progress before a repeat of its request takes it over. */
    public static final java.time.Duration ABANDONED_AFTER = java.time.Duration.ofMinutes(15);
    private final IdempotencyStore store;

    public Idempotency(IdempotencyStore store) {
        this.store = store;
    }

    public Handler wrap(Handler h) {
        return wrap(h, UnaryOperator.identity());
    }

    /**
     * As {@link #wrap(Handler)}, storing {@code stored} of the answer for replays: an answer that
     * shows a secret once is stored, and replayed, without it.
     */
    public Handler wrap(Handler h, UnaryOperator<String> stored) {
        return ctx -> {
            String key = ctx.header(HEADER);
            if (key == null) {
                h.handle(ctx);
                return;
            }
            if (key.isBlank() || key.length() > 255) {
                throw new ApiError(400, HEADER + " must be 1 to 255 characters; use a fresh UUID per operation");
            }
            String caller = ServiceApp.caller(ctx).name();
            String hash = sha256(ctx.method() + " " + ctx.path() + "\n" + ctx.body());
            Instant now = Instant.now();
            var existing = store.reserve(caller, key, hash, now, now.minus(ABANDONED_AFTER));
            if (existing.isPresent()) {
                replay(ctx, key, hash, existing.get());
                return;
            }
            try {
                h.handle(ctx);
            } catch (ApiError e) {
                if (e.status() < 500) {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("status", e.status());
                    body.put("error", e.getMessage());
                    store.complete(caller, key, e.status(), ServiceApp.JSON.writeValueAsString(body));
                } else {
                    store.release(caller, key);
                }
                throw e;
            } catch (Exception | Error e) {
                store.release(caller, key);
                throw e;
            }
            int status = ctx.status().getCode();
            if (status >= 500) {
                store.release(caller, key);
            } else {
                store.complete(caller, key, status, ctx.result() == null ? null : stored.apply(ctx.result()));
            }
        };
    }

    private static void replay(Context ctx, String key, String hash, IdempotencyStore.Entry e) {
        if (!e.requestSha256().equals(hash)) {
            throw new ApiError(422, HEADER + " '" + key + "' was used for a different request; use a new key for "
                    + "a new operation");
        }
        if (!IdempotencyStore.DONE.equals(e.state())) {
            throw new ApiError(409, "a request with " + HEADER + " '" + key + "' is still in progress; retry later");
        }
        ctx.header("Idempotent-Replayed", "true");
        ctx.status(e.statusCode()).contentType("application/json").result(e.response() == null ? "" : e.response());
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(
                    StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
