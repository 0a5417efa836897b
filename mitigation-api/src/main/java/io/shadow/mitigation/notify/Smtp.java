package io.shadow.mitigation.notify;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SMTP server notifications are mailed through; an empty host turns e-mail off.
 *
 * @param domain a principal without {@code @} is mailed at {@code principal@domain} (empty: only
 *     principals that are addresses get mail). For one tenant: when {@code domains} is set it is not used
 * @param domains {@code tenant=domain} entries: a principal without {@code @} of such a tenant is
 *     mailed at {@code principal@domain}, one that is an address only if it is in that domain, one of
 *     a tenant not listed gets no mail (principals of different tenants may share a name, so one
 *     domain for all would mail one tenant's notifications to another tenant's namesake)
 * @param operators addresses that receive every notification
 */
public record Smtp(String host, int port, String from, String username, String password, boolean startTls,
        String domain, List<String> domains, List<String> operators) {
    private static final String DOMAINS = "mitigation.channels.smtp.domains";

    public Smtp {
        operators = operators == null ? List.of() : List.copyOf(operators);
        domains = domains == null ? List.of() : List.copyOf(domains);
        byTenant(domains); // refuses malformed entries at start
        if (host != null && !host.isBlank()) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("mitigation.channels.smtp.port " + port + " is not a port (1-65535)");
            }
            if (from == null || !from.contains("@")) {
                throw new IllegalArgumentException("mitigation.channels.smtp.from '" + from + "' is not an e-mail address");
            }
        }
    }

    /** As before per-tenant domains: one {@code domain} for every recipient. */
    public Smtp(String host, int port, String from, String username, String password, boolean startTls,
            String domain, List<String> operators) {
        this(host, port, from, username, password, startTls, domain, List.of(), operators);
    }

    private static Map<String, String> byTenant(List<String> domains) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String entry : domains) {
            int eq = entry == null ? -1 : entry.indexOf('=');
            String tenant = eq < 0 ? "" : entry.substring(0, eq).trim();
            String domain = eq < 0 ? "" : entry.substring(eq + 1).trim();
            if (tenant.isEmpty() || domain.isEmpty() || domain.contains("@")) {
                throw new IllegalArgumentException(DOMAINS + " entry '" + entry + "' is not tenant=domain, e.g. "
                        + "acme=acme.example");
            }
            if (out.put(tenant, domain) != null) {
                throw new IllegalArgumentException(DOMAINS + " names tenant '" + tenant + "' twice; give each tenant "
                        + "one domain");
            }
        }
        return out;
    }

    public boolean enabled() {
        return host != null && !host.isBlank();
    }

    /**
     * The address for a notification's recipient in {@code tenant}, or null when there is none:
     * {@code recipient@} the tenant's domain, or a recipient that is an address as it is. With
     * {@code domains} set, an address only in its tenant's domain (any case): a principal named
     * {@code ceo@globex.example} in tenant acme is not mailed acme's notifications.
     */
    public String addressOf(String tenant, String recipient) {
        if (recipient == null || !oneAddress(recipient)) {
            return null; // "ceo@globex.example, x@acme.example" would be mailed as a list of addresses
        }
        if (domains.isEmpty()) {
            return recipient.contains("@") ? recipient
                    : domain == null || domain.isBlank() ? null : recipient + "@" + domain;
        }
        String d = domainOf(tenant);
        if (d == null) {
            return null;
        }
        int at = recipient.lastIndexOf('@');
        return at < 0 ? recipient + "@" + d : recipient.substring(at + 1).equalsIgnoreCase(d) ? recipient : null;
    }

    /**
     * Whether {@code recipient} can only be one mailbox: principals come from event data, and the
     * courier parses its destination as an address list, so a comma, a group or a quoted or
     * commented part would add addresses no rule looked at.
     */
    private static boolean oneAddress(String recipient) {
        if (recipient.isBlank() || recipient.indexOf('@') != recipient.lastIndexOf('@')) {
            return false;
        }
        for (int i = 0; i < recipient.length(); i++) {
            char c = recipient.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c) || ",;:<>()[]\\\"".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** {@code tenant}'s domain in {@code domains}, or null when it has none there. */
    public String domainOf(String tenant) {
        return byTenant(domains).get(tenant);
    }
}
