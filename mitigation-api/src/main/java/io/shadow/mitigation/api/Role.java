package io.shadow.mitigation.api;

import io.javalin.security.RouteRole;
import java.util.Locale;

/**
 * Who may call what. {@code agent}: ships events, pulls commands; {@code service}: the scorer and
 * gateways (assessments, decisions); {@code user}: sees and decides only incidents about
 * themselves; {@code operator}: sees and decides everything; {@code admin}: everything.
 */
public enum Role implements RouteRole {
    AGENT,
    SERVICE,
    USER,
    OPERATOR,
    ADMIN;

    public static Role fromWire(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown role '" + s + "'; expected agent, service, user, operator "
                    + "or admin");
        }
    }
}
