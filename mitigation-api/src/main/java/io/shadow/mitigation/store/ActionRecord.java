package io.shadow.mitigation.store;

import java.time.Instant;
import java.util.Map;

/**
 * One actuator call of a mitigation and what is needed to undo it.
 *
 * @param handle actuator-specific data for undo (e.g. the gateway rule id)
 * @param status {@code applied}, {@code agent_failed}, {@code undone}, {@code expired}, {@code kept},
 *     {@code skipped}, {@code failed} or {@code dry_run}; in force while applied or agent_failed
 * @param undoneAt when the action was taken out of force: undone, expired, or kept (a reject,
 *     modify or expiry let it go but it could not be reversed)
 */
public record ActionRecord(String actionId, String mitigationId, String type, String target, Map<String, String> params,
        String status, Instant appliedAt, Instant expiresAt, Instant undoneAt, String handle, String detail) {

    public static final String APPLIED = "applied";
    /**
     * Applied, but the host's agent reported that it could not carry out its part (the command it was sent):
     * Shadow's own part (a gateway rule) stands, so it is in force as applied is, and undone or expired alike.
     * An action that is the agent's command alone (a suspension, a kill) is {@link #FAILED} instead: nothing of
     * it is in force.
     */
    public static final String AGENT_FAILED = "agent_failed";
    /** The statuses of an action in force: what a reject, modify, release or expiry takes out of force. */
    public static final java.util.List<String> IN_FORCE = java.util.List.of(APPLIED, AGENT_FAILED);
    public static final String UNDONE = "undone";
    public static final String EXPIRED = "expired";
    /**
     * Taken out of force by a reject, modify or expiry but not reversed, because it cannot be (a
     * key rotation, a kill the agent carried out): its effect stays.
     */
    public static final String KEPT = "kept";
    public static final String SKIPPED = "skipped";
    public static final String FAILED = "failed";
    public static final String DRY_RUN = "dry_run";

    /** Whether it is in force: applied, or applied with the agent's part failed ({@link #AGENT_FAILED}). */
    public boolean inForce() {
        return inForce(status);
    }

    /**
     * Whether it is in force and changes something: a {@code log} action records the anomaly and changes nothing,
     * so a mitigation with only that left in force has ended for the person it acted on.
     */
    public boolean enforces() {
        return inForce() && !"log".equals(type);
    }

    public static boolean inForce(String status) {
        return IN_FORCE.contains(status);
    }
}
