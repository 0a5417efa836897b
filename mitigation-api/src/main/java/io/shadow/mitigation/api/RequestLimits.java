package io.shadow.mitigation.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.util.List;
import io.javalin.http.Handler;
import java.util.Locale;

/**
 * What a client may send the mitigation API. Free text is stored and shown back to everyone who
 * reads feedback, audit and history, so it is bounded; bodies are bounded far below the scorer's
 * event batches ({@code server.max-request-bytes}). Documented in {@code docs/api.md}.
 */
public final class RequestLimits {
    /** Characters of a decision's {@code comment} (approve, reject, modify). */
    public static final int MAX_COMMENT_CHARS = 2000;
    /** Characters of an agent acknowledgement's {@code detail} that are kept; the rest is cut, not refused. */
    public static final int MAX_ACK_DETAIL_CHARS = 2000;
    /** Actions of one modify. */
    public static final int MAX_ACTIONS = 20;
    /** Bytes of a JSON body: decisions, agent acknowledgements, assessments. */
    public static final int MAX_JSON_BYTES = 64 * 1024;
    /** Bytes of a profiles YAML upload. */
    public static final int MAX_PROFILES_BYTES = 1024 * 1024;
    /** Entries of a list answer ({@code limit} of incidents and history); {@link #DEFAULT_LIST} when not given. */
    public static final int MAX_LIST = 1000;
    public static final int DEFAULT_LIST = 100;

    private RequestLimits() {
    }

    /** {@code handler} behind a body size check: 413 naming the limit, before the body is read when its length is declared. */
    static Handler bodyAtMost(int maxBytes, Handler handler) {
        return ctx -> {
            long declared = ctx.contentLength();
            if (declared > maxBytes || (declared < 0 && ctx.bodyAsBytes().length > maxBytes)) {
                throw new ApiError(413, "request body larger than " + maxBytes + " bytes, the limit of "
                        + ctx.method() + " " + ctx.path() + "; see docs/api.md for the limits of each field");
            }
            handler.handle(ctx);
        };
    }

    /** The {@code limit} query parameter of a list: 1 to {@link #MAX_LIST}, {@link #DEFAULT_LIST} when absent. */
    static int listLimit(Context ctx) {
        String limit = ctx.queryParam("limit");
        return limit == null ? DEFAULT_LIST : wholeNumber("query parameter 'limit'", limit, 1, MAX_LIST);
    }

    /**
     * Refuses (400) a query parameter the route does not know (a misspelt {@code limt} would otherwise be ignored
     * and the answer taken for what was asked) and one given more than once (which of them would count?).
     */
    static void onlyQueryParams(Context ctx, String... known) {
        for (var p : ctx.queryParamMap().entrySet()) {
            if (!List.of(known).contains(p.getKey())) {
                throw new ApiError(400, "unknown query parameter '" + p.getKey() + "' on " + ctx.method() + " "
                        + ctx.path() + "; it takes " + (known.length == 0 ? "none" : String.join(", ", known)));
            }
            if (p.getValue().size() > 1) {
                throw new ApiError(400, "query parameter '" + p.getKey() + "' is given " + p.getValue().size()
                        + " times; give it once");
            }
        }
    }

    /** {@code value} as a number; 400 naming {@code what}, the value and the range unless it is one from min to max. */
    static int wholeNumber(String what, String value, int min, int max) {
        return (int) wholeNumber(what, value, min, (long) max);
    }

    /** As above, for a number that may not fit an int (an audit entry's seq). */
    static long wholeNumber(String what, String value, long min, long max) {
        try {
            long n = Long.parseLong(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below, as for a number out of range
        }
        throw new ApiError(400, what + " must be a whole number from " + min + " to " + max + " (got '" + value + "')");
    }

    /**
     * The optional text field {@code field} of a JSON object, at most {@code max} characters; null
     * when absent. 400 naming the field and the limit when it is not a string or too long.
     */
    static String optionalText(JsonNode body, String field, int max) {
        JsonNode v = body.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw notAString(field, max, v);
        }
        String s = v.asText();
        int n = s.codePointCount(0, s.length());
        if (n > max) {
            throw new ApiError(400, "'" + field + "' is " + n + " characters long; at most " + max
                    + " are allowed: shorten it (link to longer notes); nothing was changed");
        }
        return s;
    }

    /**
     * The required text field {@code field} of a JSON object, {@code what} the message calls it: 1
     * to {@code max} characters, no control characters, no white space at either end (it is an id
     * compared exactly). 400 naming the field, what is wrong and the limit otherwise.
     */
    static String requiredText(JsonNode body, String field, int max, String what) {
        JsonNode v = body.path(field);
        if (v.isMissingNode() || v.isNull() || (v.isTextual() && v.asText().isBlank())) {
            throw new ApiError(400, "'" + field + "' is required: " + what + ", a string of 1 to " + max
                    + " characters; nothing was changed");
        }
        if (!v.isTextual()) {
            throw notAString(field, max, v);
        }
        String s = v.asText();
        int n = s.codePointCount(0, s.length());
        if (n > max) {
            throw new ApiError(400, "'" + field + "' is " + n + " characters long; at most " + max + " are allowed; "
                    + "nothing was changed");
        }
        int control = s.codePoints().filter(Character::isISOControl).findFirst().orElse(-1);
        if (control >= 0) {
            throw new ApiError(400, "'" + field + "' contains the control character " + String.format("U+%04X", control)
                    + ": it must be plain text (" + what + "); nothing was changed");
        }
        if (!s.equals(s.strip())) {
            throw new ApiError(400, "'" + field + "' starts or ends with white space ('" + s + "'): it is compared "
                    + "exactly, so remove it; nothing was changed");
        }
        return s;
    }

    private static ApiError notAString(String field, int max, JsonNode v) {
        String kind = v.getNodeType().name().toLowerCase(Locale.ROOT);
        return new ApiError(400, "'" + field + "' must be a string of at most " + max + " characters, got "
                + ("aeiou".indexOf(kind.charAt(0)) >= 0 ? "an " : "a ") + kind);
    }

    /** {@code s} cut to {@code max} characters (code points), marked with an ellipsis when cut. */
    static String cut(String s, int max) {
        if (s.codePointCount(0, s.length()) <= max) {
            return s;
        }
        return s.substring(0, s.offsetByCodePoints(0, max - 1)) + "…";
    }
}
