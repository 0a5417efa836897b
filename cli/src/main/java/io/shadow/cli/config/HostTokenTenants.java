package io.shadow.cli.config;

import io.shadow.features.config.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The tenant of a host-bound agent token ({@code role: agent} with a {@code principal}). Host names
 * are each tenant's own, so a token bound to web-1 without a tenant may send events and read commands
 * of a host named web-1 in every tenant. Where the configuration names several tenants such a token
 * is refused; otherwise it is served as before (a single tenant, the demo) with a WARN at start.
 */
public final class HostTokenTenants {
    private HostTokenTenants() {
    }

    /**
     * The tenants this configuration names: those of its tokens, of {@code mitigation.channels.smtp.domains}
     * and {@code scorer.default-tenant}. Events may name others; these are the ones the operator wrote down.
     */
    static SortedSet<String> named(ShadowConfig c) {
        SortedSet<String> out = new TreeSet<>();
        for (ShadowConfig.Token t : c.auth().tokens()) {
            if (t.tenant() != null && !t.tenant().isBlank()) {
                out.add(t.tenant());
            }
        }
        for (String entry : c.mitigation().channels().smtp().domains()) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                out.add(entry.substring(0, eq).strip());
            }
        }
        if (c.scorer().defaultTenant() != null && !c.scorer().defaultTenant().isEmpty()) {
            out.add(c.scorer().defaultTenant());
        }
        return out;
    }

    /** Refuses a host-bound agent token without a tenant when the configuration names several tenants. */
    static void check(ShadowConfig c) {
        SortedSet<String> tenants = named(c);
        if (tenants.size() < 2) {
            return;
        }
        if (!unconfined(c).isEmpty()) {
            ShadowConfig.Token t = unconfined(c).get(0);
            throw new ConfigException("invalid auth.tokens[" + t.name() + "].tenant = (empty); expected the tenant of "
                    + "host " + t.principal() + ", exactly as its events name it, e.g. {name: " + t.name() + ", role: "
                    + "agent, tenant: " + tenants.first() + ", principal: " + t.principal() + "}: this configuration "
                    + "names several tenants " + tenants + ", and an agent token bound to a host but to no tenant "
                    + "may send events and read commands of a host named " + t.principal() + " in every tenant");
        }
    }

    /** One WARN line per host-bound agent token without a tenant (none are left where {@link #check} refuses). */
    public static List<String> warnings(ShadowConfig c) {
        List<String> out = new ArrayList<>();
        for (ShadowConfig.Token t : unconfined(c)) {
            out.add("auth.tokens[" + t.name() + "] is bound to host " + t.principal() + " but to no tenant: it may "
                    + "send events and read commands of a host named " + t.principal() + " in every tenant. Add "
                    + "tenant: <the tenant of " + t.principal() + "'s events> to the entry (required once the "
                    + "configuration names a second tenant)");
        }
        return out;
    }

    private static List<ShadowConfig.Token> unconfined(ShadowConfig c) {
        return c.auth().tokens().stream().filter(t -> "agent".equalsIgnoreCase(t.role() == null ? "" : t.role().trim())
                && t.principal() != null && !t.principal().isBlank() && t.tenant() == null).toList();
    }
}
