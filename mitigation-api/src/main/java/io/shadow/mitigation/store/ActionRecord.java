package io.shadow.mitigation.store;

import java.time.Instant;
import java.util.Map;

/**
 * One actuator call of a mitigation and what is needed to undo it.
 *
 * @param handle actuator-specific data for undo (e.g. the gateway rule id)
 * @param status {@code applied}, {@code undone}, {@code expired}, {@code kept}, {@code skipped},
 *     {@code failed} or {@code dry_run}
 * @param undoneAt when the action was taken out of force: undone, expired, or kept (a reject,
 *     modify or expiry let it go but it could not be reversed)
 */
public record ActionRecord(String actionId, String mitigationId, String type, String target, Map<String, String> params,
        String status, Instant appliedAt, Instant expiresAt, Instant undoneAt, String handle, String detail) {

    public static final String APPLIED = "applied";
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
}
