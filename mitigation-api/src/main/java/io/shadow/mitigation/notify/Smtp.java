package io.shadow.mitigation.notify;

import java.util.List;

/**
 * The SMTP server notifications are mailed through; an empty host turns e-mail off.
 *
 * @param domain a principal without {@code @} is mailed at {@code principal@domain} (empty: only
 *     principals that are addresses get mail)
 * @param operators addresses that receive every notification
 */
public record Smtp(String host, int port, String from, String username, String password, boolean startTls,
        String domain, List<String> operators) {
    public Smtp {
        operators = operators == null ? List.of() : List.copyOf(operators);
        if (host != null && !host.isBlank()) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("mitigation.channels.smtp.port " + port + " is not a port (1-65535)");
            }
            if (from == null || !from.contains("@")) {
                throw new IllegalArgumentException("mitigation.channels.smtp.from '" + from + "' is not an e-mail address");
            }
        }
    }

    public boolean enabled() {
        return host != null && !host.isBlank();
    }

    /** The address for a notification's recipient, or null when there is none. */
    public String addressOf(String recipient) {
        if (recipient == null) {
            return null;
        }
        if (recipient.contains("@")) {
            return recipient;
        }
        return domain == null || domain.isBlank() ? null : recipient + "@" + domain;
    }
}
