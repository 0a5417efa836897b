package io.shadow.mitigation.api;

import io.javalin.http.Context;
import java.util.Map;

/**
 * Headers every answer of the HTTP shell carries, and those of the web UI's files. The UI holds a
 * signed-in operator's token: it may not be framed (a click on Reject or Release lifts a lock-out),
 * and a missed escape must not be able to run script. Set on every request, so kept to a few header sets.
 */
final class SecurityHeaders {
    /** The UI's pages load only their own files (no inline script or style), and nobody may frame them. */
    static final String UI_POLICY = "default-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'none'";

    private SecurityHeaders() {
    }

    /**
     * On every answer: no MIME sniffing, no framing, no referrer, and not stored by caches (API answers
     * name incidents and people); the UI's files replace Cache-Control with their own ({@link #uiFiles}).
     */
    static void set(Context ctx) {
        var res = ctx.res();
        res.setHeader("X-Content-Type-Options", "nosniff");
        res.setHeader("X-Frame-Options", "DENY");
        res.setHeader("Referrer-Policy", "no-referrer");
        res.setHeader("Cache-Control", "no-store");
    }

    /** The headers of the UI's static files: revalidated on each load (they change with an upgrade), and the policy. */
    static Map<String, String> uiFiles() {
        return Map.of("Cache-Control", "max-age=0", "Content-Security-Policy", UI_POLICY);
    }
}
