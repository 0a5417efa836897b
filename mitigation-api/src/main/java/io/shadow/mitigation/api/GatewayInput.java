package io.shadow.mitigation.api;

import io.javalin.http.Context;
import io.shadow.features.json.Utf8Text;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;

/**
 * What a gateway says about a request it asks a decision for ({@code X-Shadow-*} headers, or query
 * parameters), read so that it cannot be made to say something else:
 * <ul>
 *   <li>a header (or parameter) given more than once, or given both as a header and a parameter, is
 *       refused (400), never settled by taking one of
 *       the values: a gateway that copies client input into a header (nginx's decoded {@code $uri}
 *       holding {@code %0d%0a}) would otherwise let the client add a line of its own before the
 *       gateway's, and choose the host or key Shadow judges;</li>
 *   <li>a header value is read as UTF-8, as events are: HTTP carries header bytes, which the server
 *       hands over as ISO-8859-1 characters, so a locked-out {@code jürgen} sent by nginx as UTF-8 bytes
 *       would otherwise never equal the rule on {@code jürgen}. Bytes that are not UTF-8 stay as they
 *       came (ISO-8859-1).</li>
 * </ul>
 */
final class GatewayInput {
    private GatewayInput() {
    }

    /**
     * The value of {@code header}, else of the query parameter {@code param} (none when null); null when
     * neither is given.
     */
    static String value(Context ctx, String header, String param) {
        List<String> values = Collections.list(ctx.req().getHeaders(header));
        if (values.size() > 1) {
            throw new ApiError(400, header + " was sent " + values.size() + " times; a decision needs it once. "
                    + "A gateway that copies client input into it must not let a client add header lines: see "
                    + "docs/nginx-shadow.conf, which refuses control characters in the path");
        }
        List<String> params = param == null ? List.of() : ctx.queryParams(param);
        if (!values.isEmpty() && !params.isEmpty()) {
            throw new ApiError(400, header + " and the query parameter '" + param + "' were both given; a decision "
                    + "needs one of them");
        }
        if (!values.isEmpty()) {
            return utf8(values.get(0));
        }
        if (params.size() > 1) {
            throw new ApiError(400, "query parameter '" + param + "' was given " + params.size() + " times; a "
                    + "decision needs it once");
        }
        return params.isEmpty() ? null : params.get(0);
    }

    /** {@code latin1}'s characters taken as the bytes they came as, read as UTF-8 when they are UTF-8. */
    static String utf8(String latin1) {
        boolean high = false;
        for (int i = 0; i < latin1.length(); i++) {
            char c = latin1.charAt(i);
            if (c > 0xFF) {
                return latin1; // not bytes as ISO-8859-1 characters: the server decoded it already
            }
            high |= c > 0x7F;
        }
        if (!high) {
            return latin1;
        }
        byte[] b = latin1.getBytes(StandardCharsets.ISO_8859_1);
        return Utf8Text.valid(b, 0, b.length) ? new String(b, StandardCharsets.UTF_8) : latin1;
    }
}
