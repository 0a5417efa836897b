package io.shadow.mitigation.store;

import java.time.Instant;

/** A message to a user about an incident, written after the actions took effect. */
public record NotificationRecord(String notificationId, String incidentId, String mitigationId, String kind,
        String recipient, String subject, String body, Instant createdAt) {
}
