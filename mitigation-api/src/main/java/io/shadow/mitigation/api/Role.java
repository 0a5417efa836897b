package io.shadow.mitigation.api;

import io.javalin.security.RouteRole;
import java.util.Locale;

/**
 * Who may call what. {@code agent}: ships events, pulls commands; {@code gateway}: asks for gateway
 * decisions only (nginx, Envoy: a gateway's token must not be able to post the assessments that
 * decide them); {@code service}: the scorer in another process (assessments, decisions, events) and
 * older gateway set-ups; {@code user}: sees and decides only incidents about themselves;
 * {@code operator}: sees and decides everything; {@code admin}: everything.
 */
public enum Role implements RouteRole {
    AGENT,
    GATEWAY,
    SERVICE,
    USER,
    OPERATOR,
    ADMIN;

    public static Role fromWire(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown role '" + s + "'; expected agent, gateway, service, user, "
                    + "operator or admin");
        }
    }
}
