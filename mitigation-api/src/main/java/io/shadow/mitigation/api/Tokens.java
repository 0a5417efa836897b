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
     * Why {@code token} could never be presented, or null: an {@code Authorization: Bearer} token is one
     * word (RFC 6750: letters, digits and {@code -._~+/=}), and white space around it is dropped when
     * the header is read, so a token holding white space or a control character signs nobody in.
     */
    public static String unusable(String token) {
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                return "holds white space or a control character (at character " + (i + 1) + "), so no "
                        + "'Authorization: Bearer' header can carry it; use a random token of letters and digits, "
                        + "e.g. from openssl rand -hex 24";
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
