package io.shadow.features.json;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Event text is UTF-8, read strictly: a byte sequence that is not UTF-8 is refused naming where it is,
 * never replaced by U+FFFD (a principal {@code al\xffice} and {@code al\xfeice} would otherwise both
 * become {@code al\uFFFDice}, one entity, and nothing would tell the sender its mapping is broken). A
 * leading byte order mark (EF BB BF) is skipped: some Windows tools write one, and it is not part of
 * the JSON. Used by the scorer's intake and the agent's, so both refuse the same bodies.
 */
public final class Utf8Text {
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private Utf8Text() {
    }

    /** The length of a byte order mark at {@code off} (3), or 0 when there is none. */
    public static int bom(byte[] b, int off, int len) {
        return len >= 3 && b[off] == BOM[0] && b[off + 1] == BOM[1] && b[off + 2] == BOM[2] ? 3 : 0;
    }

    /**
     * {@code b} as text, a leading byte order mark skipped; invalid UTF-8 raises {@link EventFormatException}
     * (no field) naming the byte offset, line and column, {@code what} (e.g. "the body") and the fix. Costs
     * one decode, as {@code new String} does: the strict decoder runs only when the text holds U+FFFD.
     */
    public static String decode(byte[] b, int off, int len, String what) {
        int skip = bom(b, off, len);
        String s = new String(b, off + skip, len - skip, StandardCharsets.UTF_8);
        if (s.indexOf('\uFFFD') < 0) {
            return s; // the usual case: nothing was replaced (a Latin-1-only string answers this at once)
        }
        int bad = invalidAt(b, off + skip, len - skip);
        if (bad < 0) {
            return s; // a U+FFFD the sender sent as such (EF BF BD)
        }
        throw new EventFormatException(null, describe(b, off, bad, what));
    }

    /**
     * Whether {@code b[off, off+len)} is valid UTF-8; ASCII, the usual event line, is one cheap pass.
     * For checks that keep the bytes as sent (the agent's fast path).
     */
    public static boolean valid(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (b[i] < 0) {
                return invalidAt(b, i, off + len - i) < 0;
            }
        }
        return true;
    }

    /** The index of the first byte of the first malformed or truncated sequence, or -1 when there is none. */
    public static int invalidAt(byte[] b, int off, int len) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(b, off, len);
        CharBuffer out = CharBuffer.allocate(Math.min(len, 8192) + 2);
        while (true) {
            CoderResult r = d.decode(in, out, true);
            if (r.isError()) {
                return in.position();
            }
            if (r.isUnderflow()) {
                r = d.flush(out);
                return r.isError() ? in.position() : -1;
            }
            out.clear(); // overflow: only the errors matter
        }
    }

    /**
     * "the body is not valid UTF-8: byte 0xFF at byte offset 57 (line 1, column 40) …": the offset from
     * {@code start}, the line and the byte column in it, and the fix.
     */
    public static String describe(byte[] b, int start, int bad, String what) {
        int line = 1;
        int lineStart = start;
        for (int i = start; i < bad; i++) {
            if (b[i] == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return what + " is not valid UTF-8: byte " + String.format("0x%02X", b[bad] & 0xFF) + " at byte offset "
                + (bad - start) + " (line " + line + ", byte " + (bad - lineStart + 1) + " of the line) does not "
                + "begin or continue a UTF-8 character; send the events as UTF-8 text (a field holding other bytes "
                + "must be encoded, e.g. as base64 or hex)";
    }

    /**
     * The charset {@code contentType} names when it is neither UTF-8 nor its subset US-ASCII, else null
     * (also for no header or no charset). Shadow reads every request body as UTF-8: a body announced in
     * another charset would be read as something the sender did not mean (or, by a reader honouring the
     * header, differently by different routes), so it is refused with {@link #charsetRefusal}.
     */
    public static String foreignCharset(String contentType) {
        if (contentType == null) {
            return null;
        }
        for (String param : contentType.split(";")) {
            String p = param.trim();
            int eq = p.indexOf('=');
            if (eq < 0 || !p.substring(0, eq).trim().equalsIgnoreCase("charset")) {
                continue;
            }
            String cs = p.substring(eq + 1).trim();
            if (cs.length() >= 2 && cs.startsWith("\"") && cs.endsWith("\"")) {
                cs = cs.substring(1, cs.length() - 1);
            }
            String n = cs.toLowerCase(java.util.Locale.ROOT);
            return n.equals("utf-8") || n.equals("utf8") || n.equals("us-ascii") || n.equals("ascii") ? null : cs;
        }
        return null;
    }

    /** What a 415 says of a body announced in {@code charset} ({@link #foreignCharset}). */
    public static String charsetRefusal(String charset) {
        return "the Content-Type says charset=" + charset + ", but Shadow reads request bodies as UTF-8 only; "
                + "send the body in UTF-8 with charset=utf-8, or leave the charset out";
    }
}
