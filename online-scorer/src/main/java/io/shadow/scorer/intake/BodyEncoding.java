package io.shadow.scorer.intake;

import io.javalin.http.Context;
import io.shadow.mitigation.api.ApiError;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The scorer reads event bodies as sent: a compressed one would be read as text and refused as
 * "not valid JSON (Illegal character …)", which names neither the cause nor the fix.
 */
public final class BodyEncoding {
    private BodyEncoding() {
    }

    /** 415 naming the encoding when the body is sent with a {@code Content-Encoding} other than identity. */
    public static void requireIdentity(Context ctx) {
        String encoding = ctx.header("Content-Encoding");
        if (encoding == null || encoding.isBlank() || encoding.strip().equalsIgnoreCase("identity")) {
            return;
        }
        // read the refused body first (bounded by server.max-request-bytes): a connection closed on
        // unread bytes is reset, and the client would see no answer instead of this one
        try {
            ctx.req().getInputStream().transferTo(OutputStream.nullOutputStream());
        } catch (IOException | RuntimeException e) {
            // the client went away, or sent too much: the answer below is all it gets either way
        }
        throw new ApiError(415, "Content-Encoding " + encoding.strip() + " is not supported; send the body "
                + "uncompressed");
    }
}
