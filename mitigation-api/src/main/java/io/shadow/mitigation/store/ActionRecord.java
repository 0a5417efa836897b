package io.shadow.mitigation.store;

import java.time.Instant;
import java.util.Map;

/**
 * One actuator call of a mitigation and what is needed to undo it.
 *
 * @param handle actuator-specific data for undo (e.g. the gateway rule id)
 * @param status {@code applied}, {@code undone}, {@code expired}, {@code skipped}, {@code failed}
 *     or {@code dry_run}
 */
public record ActionRecord(String actionId, String mitigationId, String type, String target, Map<String, String> params,
        String status, Instant appliedAt, Instant expiresAt, Instant undoneAt, String handle, String detail) {

    public static final String APPLIED = "applied";
    public static final String UNDONE = "undone";
    public static final String EXPIRED = "expired";
    public static final String SKIPPED = "skipped";
    public static final String FAILED = "failed";
    public static final String DRY_RUN = "dry_run";
}
