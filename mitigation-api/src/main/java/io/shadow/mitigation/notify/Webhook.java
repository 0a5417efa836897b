package io.shadow.mitigation.notify;

import java.net.URI;
import java.util.Set;

/**
 * A receiver of signed webhooks.
 *
 * @param name how profiles ({@code notify_external} param {@code webhook}) and logs refer to it
 * @param secret the HMAC-SHA256 key both sides hold; at least 16 characters
 * @param uses {@code actions} (the {@code notify_external} action) and/or {@code notifications}
 *     (every notification is also posted here)
 */
public record Webhook(String name, URI url, String secret, Set<String> uses) {
    public static final String ACTIONS = "actions";
    public static final String NOTIFICATIONS = "notifications";

    public Webhook {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("mitigation.channels.webhooks[]: name is required");
        }
        if (url == null || !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))) {
            throw new IllegalArgumentException("mitigation.channels.webhooks[" + name + "].url " + shown(url)
                    + " is not an http:// or https:// URL");
        }
        if (secret == null || secret.length() < 16) {
            throw new IllegalArgumentException("mitigation.channels.webhooks[" + name + "].secret is shorter than 16 characters; "
                    + "use a long random secret shared with the receiver");
        }
        uses = uses == null || uses.isEmpty() ? Set.of(ACTIONS, NOTIFICATIONS) : Set.copyOf(uses);
        for (String u : uses) {
            if (!u.equals(ACTIONS) && !u.equals(NOTIFICATIONS)) {
                throw new IllegalArgumentException("mitigation.channels.webhooks[" + name + "].uses: unknown '" + u
                        + "'; expected actions and/or notifications");
            }
        }
    }

    /** Where it posts, for logs, errors and the outbox: {@link #shown}. */
    public String where() {
        return shown(url);
    }

    /**
     * A webhook URL as logs and errors may show it: scheme, host and port, and {@code /…} for a path or query,
     * which are left out because an incoming-webhook URL often carries its secret there (Slack, Teams, Discord).
     */
    public static String shown(URI url) {
        if (url == null) {
            return "(none)";
        }
        if (url.getScheme() == null || url.getHost() == null) {
            return "(not shown: a webhook URL may carry its secret)";
        }
        boolean more = (url.getRawPath() != null && !url.getRawPath().isEmpty() && !url.getRawPath().equals("/"))
                || url.getRawQuery() != null;
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
                + (more ? "/…" : "");
    }
}
