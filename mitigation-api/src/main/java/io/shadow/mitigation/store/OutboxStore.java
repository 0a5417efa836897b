package io.shadow.mitigation.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Messages waiting to leave Shadow (signed webhooks, e-mails), kept in the store so that a restart
 * does not lose one; each is retried with backoff until delivered or out of attempts.
 */
public final class OutboxStore {
    public static final String PENDING = "pending";
    public static final String DELIVERED = "delivered";
    public static final String FAILED = "failed";
    private final Jdbc jdbc;

    /** One message on one channel ({@code webhook}, {@code email}) to one destination. */
    public record Delivery(String deliveryId, String channel, String destination, String event, String subject,
            String body, String status, int attempts, Instant nextAttemptAt, String lastError, Instant createdAt,
            Instant deliveredAt) {
    }

    public OutboxStore(Database db) {
        this.jdbc = new Jdbc(db.dataSource());
    }

    public String enqueue(String channel, String destination, String event, String subject, String body,
            Instant now) {
        return enqueue(null, channel, destination, event, subject, body, now);
    }

    /** Queues a delivery with the id {@code id} (null: a new one), unless one with that id is queued already. */
    public String enqueue(String id, String channel, String destination, String event, String subject, String body,
            Instant now) {
        String deliveryId = id == null ? "dlv-" + UUID.randomUUID() : id;
        jdbc.transaction(c -> {
            if (id != null && !Jdbc.query(c, "SELECT 1 FROM outbox WHERE delivery_id = ?", rs -> 1, id).isEmpty()) {
                return null;
            }
            Jdbc.update(c, "INSERT INTO outbox (delivery_id, channel, destination, event, subject, body, status, "
                    + "attempts, next_attempt_at, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)", deliveryId, channel,
                    destination, event, subject, body, PENDING, 0, now, now);
            return null;
        });
        return deliveryId;
    }

    /** Pending deliveries whose next attempt is due, oldest first. */
    public List<Delivery> due(Instant now, int limit) {
        return jdbc.query("SELECT * FROM outbox WHERE status = ? AND next_attempt_at <= ? "
                + "ORDER BY next_attempt_at, delivery_id FETCH FIRST " + limit + " ROWS ONLY", OutboxStore::map,
                PENDING, now);
    }

    public List<Delivery> all(String channel) {
        return jdbc.query("SELECT * FROM outbox WHERE channel = ? ORDER BY created_at, delivery_id", OutboxStore::map,
                channel);
    }

    public void delivered(Delivery d, int attempts, Instant at) {
        jdbc.transaction(c -> {
            Jdbc.update(c, "UPDATE outbox SET status = ?, attempts = ?, delivered_at = ? WHERE delivery_id = ?",
                    DELIVERED, attempts, at, d.deliveryId());
            MitigationStore.audit(c, "shadow", d.channel() + ".delivered", d.deliveryId(), d.event() + " to "
                    + d.destination() + " after " + attempts + " attempt(s)");
            return null;
        });
    }

    public void retry(Delivery d, int attempts, Instant next, String error) {
        jdbc.update("UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE delivery_id = ?",
                attempts, next, error, d.deliveryId());
    }

    public void failed(Delivery d, int attempts, String error) {
        jdbc.transaction(c -> {
            Jdbc.update(c, "UPDATE outbox SET status = ?, attempts = ?, last_error = ? WHERE delivery_id = ?", FAILED,
                    attempts, error, d.deliveryId());
            MitigationStore.audit(c, "shadow", d.channel() + ".failed", d.deliveryId(), d.event() + " to "
                    + d.destination() + " gave up after " + attempts + " attempt(s): " + error);
            return null;
        });
    }

    private static Delivery map(ResultSet rs) throws SQLException {
        return new Delivery(rs.getString("delivery_id"), rs.getString("channel"), rs.getString("destination"),
                rs.getString("event"), rs.getString("subject"), rs.getString("body"), rs.getString("status"),
                rs.getInt("attempts"), Jdbc.instant(rs, "next_attempt_at"), rs.getString("last_error"),
                Jdbc.instant(rs, "created_at"), Jdbc.instant(rs, "delivered_at"));
    }
}
