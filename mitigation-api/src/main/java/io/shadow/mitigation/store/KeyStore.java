package io.shadow.mitigation.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Access keys Shadow issues ({@code access_keys}): only the SHA-256 of each secret, with its tenant,
 * owner and life: {@code standby} (prepared ahead), {@code active}, {@code revoked}, or
 * {@code discarded} (a standby key that was never put in use). Each change of status is audited in
 * the same transaction.
 */
public final class KeyStore {
    public static final String STANDBY = "standby";
    public static final String ACTIVE = "active";
    public static final String REVOKED = "revoked";
    public static final String DISCARDED = "discarded";
    private static final int REASON_CHARS = 512;
    private final Jdbc jdbc;

    /**
     * One key; {@code collectedAt} is when its secret was handed over (null while it waits for its
     * owner, or for keys from before that was recorded), {@code reason} why it was revoked or discarded.
     */
    public record AccessKey(String keyId, String tenant, String principal, String status, Instant createdAt,
            Instant revokedAt, Instant collectedAt, String reason) {
    }

    public KeyStore(Database db) {
        this.jdbc = new Jdbc(db.dataSource());
    }

    /** Stores a new key; an {@code auditAction} of null records nothing in the audit log (standby keys). */
    public void insert(AccessKey k, String secretSha256, String actor, String auditAction, String auditDetail) {
        jdbc.transaction(c -> {
            Jdbc.update(c, "INSERT INTO access_keys (key_id, tenant, principal, secret_sha256, status, created_at, "
                    + "collected_at) VALUES (?,?,?,?,?,?,?)", k.keyId(), k.tenant(), k.principal(), secretSha256,
                    k.status(), k.createdAt(), k.collectedAt());
            if (auditAction != null) {
                MitigationStore.audit(c, actor, auditAction, k.keyId(), auditDetail);
            }
            return null;
        });
    }

    public Optional<AccessKey> key(String keyId) {
        return jdbc.query("SELECT * FROM access_keys WHERE key_id = ?", KeyStore::key, keyId).stream().findFirst();
    }

    public Optional<AccessKey> bySecretHash(String secretSha256) {
        return jdbc.query("SELECT * FROM access_keys WHERE secret_sha256 = ?", KeyStore::key, secretSha256).stream()
                .findFirst();
    }

    /** The ids of a principal's keys in {@code status}, oldest first. */
    public List<String> keyIds(String tenant, String principal, String status) {
        return jdbc.query("SELECT key_id FROM access_keys WHERE tenant = ? AND principal = ? AND status = ? "
                + "ORDER BY created_at, key_id", rs -> rs.getString(1), tenant, principal, status);
    }

    /** The principals of {@code tenant} holding an active key, each as its key was issued to. */
    public List<String> activePrincipals(String tenant) {
        return jdbc.query("SELECT DISTINCT principal FROM access_keys WHERE tenant = ? AND status = ? ORDER BY principal",
                rs -> rs.getString(1), tenant, ACTIVE);
    }

    /** Discards a standby key, saying why; false when it is no longer standby. */
    public boolean discard(String keyId, String reason, Instant at) {
        return jdbc.transaction(c -> {
            if (Jdbc.update(c, "UPDATE access_keys SET status = ?, revoked_at = ?, status_reason = ? WHERE key_id = ? "
                    + "AND status = ?", DISCARDED, at, cut(reason), keyId, STANDBY) != 1) {
                return false;
            }
            MitigationStore.audit(c, "shadow", "key.discarded", keyId, reason);
            return true;
        });
    }

    /**
     * Activates the standby key {@code standbyKeyId} and revokes the principal's other active keys, in
     * one transaction; empty (and nothing changed) when that key is no longer standby. A principal
     * without an active key gets none: the answer is an empty list and the standby key stays standby
     * (a rotation replaces credentials, it never hands a suspect one they did not have).
     *
     * @return the ids of the revoked keys
     */
    public Optional<List<String>> rotate(String tenant, String principal, String standbyKeyId, Instant at) {
        return jdbc.transaction(c -> {
            List<String> old = Jdbc.query(c, "SELECT key_id FROM access_keys WHERE tenant = ? AND principal = ? "
                    + "AND status = ? ORDER BY created_at, key_id", rs -> rs.getString(1), tenant, principal, ACTIVE);
            if (old.isEmpty()) {
                return Optional.of(old);
            }
            if (Jdbc.update(c, "UPDATE access_keys SET status = ? WHERE key_id = ? AND status = ?", ACTIVE,
                    standbyKeyId, STANDBY) != 1) {
                return Optional.empty();
            }
            for (String id : old) {
                Jdbc.update(c, "UPDATE access_keys SET status = ?, revoked_at = ?, status_reason = ? WHERE key_id = ? "
                        + "AND status = ?", REVOKED, at, "rotated: replaced by " + standbyKeyId, id, ACTIVE);
            }
            return Optional.of(old);
        });
    }

    /**
     * Revokes an active key at once, saying why (audited as {@code key.revoked} by {@code actor});
     * false when it is not active.
     */
    public boolean revoke(String keyId, String reason, String actor, Instant at) {
        return jdbc.transaction(c -> {
            if (Jdbc.update(c, "UPDATE access_keys SET status = ?, revoked_at = ?, status_reason = ? WHERE key_id = ? "
                    + "AND status = ?", REVOKED, at, cut(reason), keyId, ACTIVE) != 1) {
                return false;
            }
            MitigationStore.audit(c, actor, "key.revoked", keyId, reason);
            return true;
        });
    }

    /** Records that a key's secret was handed to {@code actor}; false when it was handed over before. */
    public boolean collected(String keyId, String actor, Instant at) {
        return jdbc.transaction(c -> {
            if (Jdbc.update(c, "UPDATE access_keys SET collected_at = ? WHERE key_id = ? AND collected_at IS NULL", at,
                    keyId) != 1) {
                return false;
            }
            MitigationStore.audit(c, actor, "key.collected", keyId, "new secret handed to " + actor);
            return true;
        });
    }

    private static String cut(String reason) {
        return reason.length() <= REASON_CHARS ? reason : reason.substring(0, REASON_CHARS - 1) + "…";
    }

    private static AccessKey key(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new AccessKey(rs.getString("key_id"), rs.getString("tenant"), rs.getString("principal"),
                rs.getString("status"), Jdbc.instant(rs, "created_at"), Jdbc.instant(rs, "revoked_at"),
                Jdbc.instant(rs, "collected_at"), rs.getString("status_reason"));
    }
}
