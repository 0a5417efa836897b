package io.shadow.mitigation.store;

import java.time.Instant;

/**
 * A user's decision on a mitigation: the label the nightly job learns from.
 *
 * @param ownActivity the decider decided on their own activity; the nightly run does not take such a
 *     rejection as evidence that the activity was benign (an attacker holding the account would)
 */
public record FeedbackRecord(String feedbackId, String mitigationId, String incidentId, String tenant,
        String entityKind, String entityId, String pattern, String decision, String comment, String decidedBy,
        boolean ownActivity, Instant decidedAt) {

    public static final String APPROVE = "approve";
    public static final String REJECT = "reject";
    public static final String MODIFY = "modify";
}
