package io.shadow.mitigation.store;

import java.time.Instant;

/**
 * A decision a reviewer took the place of: a person's own approve or reject of their own activity, kept for the
 * incident's history once the review became the mitigation's one decision and label.
 */
public record SupersededDecision(String mitigationId, String incidentId, String decision, String comment,
        String decidedBy, Instant decidedAt, String supersededBy, Instant supersededAt) {
}
