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
        }
        this.byToken = Map.copyOf(byToken);
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
