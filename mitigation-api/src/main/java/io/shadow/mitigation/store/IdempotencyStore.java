package io.shadow.mitigation.store;

import java.time.Instant;
import java.util.Optional;

/**
 * Idempotency keys of state-changing calls: the first request with a key reserves it, its answer
 * is kept, and a repeat with the same key gets the same answer without acting again.
 */
public final class IdempotencyStore {
    public static final String IN_PROGRESS = "in_progress";
    public static final String DONE = "done";
    private final Jdbc jdbc;

    /** What is stored under a key. */
    public record Entry(String requestSha256, String state, Integer statusCode, String response) {
    }

    public IdempotencyStore(Database db) {
        this.jdbc = new Jdbc(db.dataSource());
    }

    /**
     * Reserves {@code key} for {@code caller}; empty when reserved now, else what was there already.
     * A reservation of the same request still in progress from before {@code abandonedBefore} is taken
     * over (its request ended without freeing the key, e.g. the store went away mid-request), so a
     * retry is not refused as "in progress" for good.
     */
    public Optional<Entry> reserve(String caller, String key, String requestSha256, Instant now,
            Instant abandonedBefore) {
        try {
            jdbc.update("INSERT INTO idempotency_keys (caller, idem_key, request_sha256, state, created_at) "
                    + "VALUES (?,?,?,?,?)", caller, key, requestSha256, IN_PROGRESS, now);
            return Optional.empty();
        } catch (StoreException e) {
            if (!Jdbc.isUniqueViolation(e)) {
                throw e;
            }
        }
        if (jdbc.update("UPDATE idempotency_keys SET created_at = ? WHERE caller = ? AND idem_key = ? AND state = ? "
                + "AND request_sha256 = ? AND created_at < ?", now, caller, key, IN_PROGRESS, requestSha256,
                abandonedBefore) == 1) {
            return Optional.empty();
        }
        return jdbc.query("SELECT * FROM idempotency_keys WHERE caller = ? AND idem_key = ?",
                rs -> new Entry(rs.getString("request_sha256"), rs.getString("state"),
                        (Integer) rs.getObject("status_code"), rs.getString("response")), caller, key).stream()
                .findFirst().or(() -> Optional.of(new Entry(requestSha256, IN_PROGRESS, null, null)));
    }

    public void complete(String caller, String key, int statusCode, String response) {
        jdbc.update("UPDATE idempotency_keys SET state = ?, status_code = ?, response = ? WHERE caller = ? AND "
                + "idem_key = ?", DONE, statusCode, response, caller, key);
    }

    /** Frees a key whose request failed on the server side, so that a retry may act. */
    public void release(String caller, String key) {
        jdbc.update("DELETE FROM idempotency_keys WHERE caller = ? AND idem_key = ? AND state = ?", caller, key,
                IN_PROGRESS);
    }
}
