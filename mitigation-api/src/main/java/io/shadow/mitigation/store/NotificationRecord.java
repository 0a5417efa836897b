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
}
