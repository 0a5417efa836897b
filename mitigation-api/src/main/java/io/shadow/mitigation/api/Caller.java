package io.shadow.mitigation.api;

import java.util.Objects;

/**
 * The authenticated caller of a request. A user always speaks for one principal of one tenant:
 * every question a user asks is answered about that principal of that tenant only (principals of
 * different tenants may share a name), so a user without either is refused here rather than left
 * to see other people's incidents. An agent token may name a tenant too: it then sends events and
 * reads commands of that tenant only ({@link #actsIn}), so a compromised host of one tenant cannot
 * speak for another's. A gateway token may name one too: it then asks for decisions of that tenant
 * only, and a request that names no tenant is decided for it (one application, one tenant). Other
 * roles name none: operators and admins see every tenant, and a tenant on their token would suggest
 * a confinement that does not exist.
 *
 * @param tenant a user's tenant, exactly as its events name it (case-sensitive); the tenant an agent
 *     or gateway token is confined to, or null (any tenant); null for other roles
 * @param principal a user's principal; an agent's host it is bound to, or null
 */
public record Caller(String name, Role role, String tenant, String principal) {
    public Caller {
        if (role == Role.USER && (principal == null || principal.isBlank())) {
            throw new IllegalArgumentException("the user token '" + name + "' names no principal; a user token "
                    + "must name the principal it speaks for (auth.tokens[].principal)");
        }
        if (role == Role.USER && (tenant == null || tenant.isBlank())) {
            throw new IllegalArgumentException("the user token '" + name + "' names no tenant; a user token must "
                    + "name the tenant of the principal it speaks for (auth.tokens[].tenant, exactly as its events "
                    + "name it): principals of different tenants may share a name");
        }
        if ((role == Role.AGENT || role == Role.GATEWAY) && tenant != null && tenant.isBlank()) {
            throw new IllegalArgumentException("the " + role.name().toLowerCase(java.util.Locale.ROOT) + " token '"
                    + name + "' names a blank tenant; name its tenant exactly as events do (auth.tokens[].tenant), "
                    + "or leave the key out");
        }
        if (!confinable(role) && tenant != null) {
            throw new IllegalArgumentException("the " + role.name().toLowerCase(java.util.Locale.ROOT) + " token '"
                    + name + "' names a tenant; only user, agent and gateway tokens do (auth.tokens[].tenant): remove "
                    + "it, this role is not confined to one tenant");
        }
    }

    /** Whether a token of {@code role} may name a tenant: users must, agents and gateways may. */
    public static boolean confinable(Role role) {
        return role == Role.USER || role == Role.AGENT || role == Role.GATEWAY;
    }

    /** A caller without a tenant: an operator, admin, service, or an agent or gateway not confined to one. */
    public Caller(String name, Role role, String principal) {
        this(name, role, null, principal);
    }

    /**
     * Whether this caller may send events, read or acknowledge commands and ask for decisions of
     * {@code tenant}: an agent, gateway (or user) token's own tenant only; any tenant when it names none.
     */
    public boolean actsIn(String tenant) {
        return this.tenant == null || this.tenant.equals(tenant);
    }

    public boolean seesEverything() {
        return role == Role.OPERATOR || role == Role.ADMIN;
    }

    /**
     * Whether objects of {@code tenant} exist for this caller at all. A user asking for another
     * tenant's object is answered as for one that does not exist, so its ids do not leak.
     */
    public boolean sees(String tenant) {
        return seesEverything() || Objects.equals(this.tenant, tenant);
    }

    /**
     * The tenant a list asked for with {@code ?tenant=asked} is read for: the asked one (null: every
     * tenant) for an operator, the caller's own for a user; empty when a user asks for another tenant,
     * whose entries do not exist for them (an empty list, not 403, so its ids do not leak).
     */
    public java.util.Optional<ListScope> listScope(String asked) {
        if (asked != null && !sees(asked)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new ListScope(seesEverything() ? asked : tenant));
    }

    /** The tenant a list is read for; null: every tenant (an operator's unnarrowed list). */
    public record ListScope(String tenant) {
    }

    /** Whether this caller may see and decide what is about {@code principal} of {@code tenant}. */
    public boolean speaksFor(String tenant, String principal) {
        return seesEverything() || (sees(tenant) && this.principal != null && this.principal.equals(principal));
    }

    /** Whether the caller reads {@code n}: one addressed to them, or any for operators (the security team's too). */
    public boolean reads(io.shadow.mitigation.store.NotificationRecord n) {
        return seesEverything() || !n.forOperators() && speaksFor(n.tenant(), n.recipient());
    }
}
