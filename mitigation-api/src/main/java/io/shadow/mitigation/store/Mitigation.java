package io.shadow.mitigation.store;

import com.fasterxml.jackson.annotation.JsonRawValue;
import io.shadow.mitigation.Band;
import java.time.Instant;

/**
 * One set of actions taken for an incident under one profile.
 *
 * @param path {@code standard} (act, log, notify; awaiting the user's decision) or
 *     {@code emergency} (shut down with no user interaction; reported afterwards)
 * @param status {@code applied}, {@code approved}, {@code rejected} (its actions undone, or kept
 *     where they cannot be reversed: see {@link ActionRecord#KEPT}), {@code modified},
 *     {@code expired} or {@code dry_run}
 * @param eventTime event time of the anomaly that triggered it
 * @param appliedAt wall-clock time the actions took effect
 * @param explanation JSON, as {@link Incident#explanation()}: the triggering anomaly and its risk,
 *     answered by the API as that object
 */
public record Mitigation(String mitigationId, String incidentId, String profile, Band band, String path, double risk,
        String status, String triggerEvent, Instant eventTime, Instant appliedAt, boolean dryRun, Instant decidedAt,
        String decidedBy, @JsonRawValue String explanation) {

    public static final String STANDARD = "standard";
    public static final String EMERGENCY = "emergency";
    public static final String APPLIED = "applied";
    public static final String APPROVED = "approved";
    public static final String REJECTED = "rejected";
    public static final String MODIFIED = "modified";
    public static final String EXPIRED = "expired";
    public static final String DRY_RUN = "dry_run";
}
