package io.shadow.mitigation.store;

import java.time.Instant;

/**
 * A message to a user about an incident, written after the actions took effect.
 *
 * @param tenant the incident's tenant: the recipient is a principal of this tenant (not stored
 *     with the notification, read from its incident)
 */
public record NotificationRecord(String notificationId, String incidentId, String mitigationId, String tenant,
        String kind, String recipient, String subject, String body, Instant createdAt) {
    /**
     * The recipient of notices about no one's account (a host's anomaly, an agent that failed): the security
     * team, reached through operators' tokens and {@code smtp.operators}, never a principal of that name.
     */
    public static final String OPERATORS = "security-operators";

    /** Whether it is addressed to the security team rather than to a principal. */
    public boolean forOperators() {
        return OPERATORS.equals(recipient);
    }
}
