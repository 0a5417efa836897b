package io.shadow.mitigation.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Bearer tokens and who they stand for. Compared in constant time. */
public final class Tokens {
    private final Map<String, Caller> byToken;

    public Tokens(Map<String, Caller> byToken) {
        for (String t : byToken.keySet()) {
            if (t.length() < 16) {
                throw new IllegalArgumentException("auth token for '" + byToken.get(t).name()
                        + "' is shorter than 16 characters; use a long random token");
            }
            String why = unusable(t);
            if (why != null) {
                throw new IllegalArgumentException("auth token for '" + byToken.get(t).name() + "' " + why);
            }
        }
        this.byToken = Map.copyOf(byToken);
    }

    /**
     * Why {@code token} could never be presented, or null: the {@code Authorization} header is read
     * without the white space around its token, carries no control characters, and its bytes are not
     * read as UTF-8 (HTTP clients send non-ASCII characters as {@code ?} or as bytes the server reads as
     * ISO-8859-1), so a token with white space at either end, a control character or a character
     * beyond ASCII signs nobody in.
     */
    public static String unusable(String token) {
        if (!token.isEmpty() && (Character.isWhitespace(token.charAt(0))
                || Character.isWhitespace(token.charAt(token.length() - 1)))) {
            return "starts or ends with white space, which is dropped from an 'Authorization: Bearer' header "
                    + "before the token is compared";
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (Character.isISOControl(c) || c > 0x7E) {
                return "holds a control character or a character beyond ASCII (at character " + (i + 1) + "), "
                        + "which no 'Authorization: Bearer' header carries as written";
            }
        }
        return null;
    }

    public Optional<Caller> caller(String token) {
        if (token == null) {
            return Optional.empty();
        }
        byte[] given = token.getBytes(StandardCharsets.UTF_8);
        Caller found = null;
        for (var e : byToken.entrySet()) {
            if (MessageDigest.isEqual(given, e.getKey().getBytes(StandardCharsets.UTF_8))) {
                found = e.getValue();
            }
        }
        return Optional.ofNullable(found);
    }

    public static Tokens of(Object... tokenAndCaller) {
        Map<String, Caller> m = new HashMap<>();
        for (int i = 0; i < tokenAndCaller.length; i += 2) {
            m.put((String) tokenAndCaller[i], (Caller) tokenAndCaller[i + 1]);
        }
        return new Tokens(m);
    }
}
