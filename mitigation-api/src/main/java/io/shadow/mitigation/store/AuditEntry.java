package io.shadow.mitigation.store;

import java.time.Instant;

/** One line of the append-only audit log; {@code seq} orders everything that happened. */
public record AuditEntry(long seq, Instant at, String actor, String action, String subject, String detail) {
}
