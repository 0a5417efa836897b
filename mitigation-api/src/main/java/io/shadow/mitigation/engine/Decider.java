package io.shadow.mitigation.engine;

/**
 * Who decides on a mitigation.
 *
 * @param name the caller's name, recorded as {@code decided_by}
 * @param tenant the tenant of the caller's principal, or null when not known (then a principal of
 *     that name in any tenant counts as the caller's own: the cautious reading)
 * @param principal the caller's own principal in the monitored activity, or null (a security
 *     reviewer or service account with no activity of its own)
 */
public record Decider(String name, String tenant, String principal) {

    /** A reviewer deciding on someone else's activity (operators, the security team, tests). */
    public static Decider reviewer(String name) {
        return new Decider(name, null, null);
    }

    /**
     * Whether {@code principal} of {@code tenant} (the account a mitigation acts on) is the decider's
     * own. Such a decision is recorded but is not a security review: an attacker holding the account
     * would reject every mitigation of their own activity, so it neither lifts an emergency mitigation
     * nor teaches the nightly run that the activity is benign.
     */
    public boolean concerns(String tenant, String principal) {
        return this.principal != null && this.principal.equals(principal)
                && (this.tenant == null || this.tenant.equals(tenant));
    }

    /** A user deciding for themselves, not a reviewer of others' activity. */
    public boolean user() {
        return principal != null;
    }
}
