package io.shadow.mitigation.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Every version of the mitigation profiles with its author and who uploaded it; the latest is in force. */
public final class ProfileStore {
    private final Jdbc jdbc;

    /** One stored version; {@code yaml} is the text as uploaded. */
    public record Version(int version, String author, String uploadedBy, Instant uploadedAt, String yaml) {
    }

    public ProfileStore(Database db) {
        this.jdbc = new Jdbc(db.dataSource());
    }

    public Optional<Version> latest() {
        return jdbc.query("SELECT * FROM profile_versions ORDER BY version DESC FETCH FIRST 1 ROWS ONLY",
                ProfileStore::map).stream().findFirst();
    }

    public Optional<Version> get(int version) {
        return jdbc.query("SELECT * FROM profile_versions WHERE version = ?", ProfileStore::map, version).stream()
                .findFirst();
    }

    /** Versions, newest first, without their text. */
    public List<Version> list() {
        return jdbc.query("SELECT version, author, uploaded_by, uploaded_at, '' AS yaml FROM profile_versions "
                + "ORDER BY version DESC", ProfileStore::map);
    }

    /** Stores a version; false when that version number exists already (also when stored concurrently). */
    public boolean insert(Version v) {
        try {
            return insertOnce(v);
        } catch (StoreException e) {
            if (Jdbc.isUniqueViolation(e)) {
                return false;
            }
            throw e;
        }
    }

    private boolean insertOnce(Version v) {
        return jdbc.transaction(c -> {
            if (!Jdbc.query(c, "SELECT version FROM profile_versions WHERE version = ?", rs -> rs.getInt(1),
                    v.version()).isEmpty()) {
                return false;
            }
            Jdbc.update(c, "INSERT INTO profile_versions (version, author, uploaded_by, uploaded_at, yaml) "
                    + "VALUES (?,?,?,?,?)", v.version(), v.author(), v.uploadedBy(), v.uploadedAt(), v.yaml());
            MitigationStore.audit(c, v.uploadedBy(), "profiles.version_stored", "profiles", "version " + v.version()
                    + " by " + v.author());
            return true;
        });
    }

    private static Version map(ResultSet rs) throws SQLException {
        return new Version(rs.getInt("version"), rs.getString("author"), rs.getString("uploaded_by"),
                Jdbc.instant(rs, "uploaded_at"), rs.getString("yaml"));
    }
}
