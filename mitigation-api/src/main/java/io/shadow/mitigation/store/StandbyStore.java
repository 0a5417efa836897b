package io.shadow.mitigation.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What warm standby prepares ahead, kept in the store: data keys for locations that may be
 * encrypted (wrapped by the master key) and the pinned versions of tables that may be rolled back.
 */
public final class StandbyStore {
    public static final String STANDBY = "standby";
    public static final String ACTIVE = "active";
    public static final String RETIRED = "retired";
    private final Jdbc jdbc;

    /** A data key of a location; {@code wrappedKey} is base64 of the master-key-encrypted key. */
    public record DataKey(String keyId, String location, String wrappedKey, String status, Instant createdAt) {
    }

    /** The version a table is rolled back to. */
    public record Pin(String table, long version, Instant pinnedAt) {
    }

    public StandbyStore(Database db) {
        this.jdbc = new Jdbc(db.dataSource());
    }

    public void insertKey(DataKey k) {
        jdbc.update("INSERT INTO data_keys (key_id, location, wrapped_key, status, created_at) VALUES (?,?,?,?,?)",
                k.keyId(), k.location(), k.wrappedKey(), k.status(), k.createdAt());
    }

    public Optional<DataKey> key(String keyId) {
        return jdbc.query("SELECT * FROM data_keys WHERE key_id = ?", rs -> new DataKey(rs.getString("key_id"),
                rs.getString("location"), rs.getString("wrapped_key"), rs.getString("status"),
                Jdbc.instant(rs, "created_at")), keyId).stream().findFirst();
    }

    public List<String> keyIds(String location, String status) {
        return jdbc.query("SELECT key_id FROM data_keys WHERE location = ? AND status = ? ORDER BY created_at, key_id",
                rs -> rs.getString(1), location, status);
    }

    public boolean setKeyStatus(String keyId, String from, String to) {
        return jdbc.update("UPDATE data_keys SET status = ? WHERE key_id = ? AND status = ?", to, keyId, from) == 1;
    }

    public void pin(String table, long version, Instant at) {
        jdbc.transaction(c -> {
            if (Jdbc.update(c, "UPDATE table_pins SET version = ?, pinned_at = ? WHERE table_uri = ?", version, at,
                    table) == 0) {
                Jdbc.update(c, "INSERT INTO table_pins (table_uri, version, pinned_at) VALUES (?,?,?)", table, version,
                        at);
            }
            MitigationStore.audit(c, "shadow", "standby.table_pinned", table, "version " + version);
            return null;
        });
    }

    public Optional<Pin> pinOf(String table) {
        return jdbc.query("SELECT * FROM table_pins WHERE table_uri = ?", rs -> new Pin(rs.getString("table_uri"),
                rs.getLong("version"), Jdbc.instant(rs, "pinned_at")), table).stream().findFirst();
    }

    /** Whether an open incident concerns this resource (its pin must then stay where it is). */
    public boolean openIncidentOn(String resourceId) {
        return !jdbc.query("SELECT incident_id FROM incidents WHERE resource_id = ? AND status = ?",
                rs -> rs.getString(1), resourceId, Incident.OPEN).isEmpty();
    }
}
