package io.shadow.mitigation.actuate;

/**
 * The gateway decision for one request: the rules in force for the principal the gateway names
 * and, when the request presents an access key Shadow issued, for the key's owner too, so a
 * locked-out user's key is refused whoever the request claims to be. The most restrictive verdict
 * wins (deny, then throttle, then allow). A revoked key, or one of another tenant, is denied; a
 * key Shadow never issued has no say (the application may use keys of its own in the same header).
 */
public final class Gatekeeper {
    private final GatewayPolicy policy;
    private final KeyVault keys;

    public Gatekeeper(GatewayPolicy policy, KeyVault keys) {
        this.policy = policy;
        this.keys = keys;
    }

    /** Any argument but {@code tenant} may be null when the gateway does not know it. */
    public GatewayDecision decide(String tenant, String principal, String resource, String host, String key) {
        if (key == null || key.isBlank()) {
            return policy.decide(tenant, principal, resource, host);
        }
        KeyVault.KeyCheck check = keys.check(tenant, key);
        if (check.kind() == KeyVault.KeyCheck.Kind.REFUSED) {
            return new GatewayDecision("deny", null, check.reason(), 0);
        }
        GatewayDecision named = policy.decide(tenant, principal, resource, host);
        String owner = check.owner();
        if (owner == null || policy.samePrincipal(owner, principal) || "deny".equals(named.verdict())) {
            return named;
        }
        GatewayDecision owners = policy.decide(tenant, owner, resource, host);
        if (owners.strictness() <= named.strictness() && !(owners.strictness() == named.strictness()
                && owners.retryAfterSeconds() > named.retryAfterSeconds())) {
            return named;
        }
        return new GatewayDecision(owners.verdict(), owners.ruleId(), owners.reason() + " (principal '" + owner
                + "', the owner of the access key in X-Shadow-Key" + (principal == null ? ""
                : "; the request names '" + principal + "'") + ")", owners.retryAfterSeconds());
    }
}
