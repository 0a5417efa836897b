package io.shadow.spark.rollback;

import io.delta.tables.DeltaTable;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;

/**
 * Reads a Delta table's latest version and restores it to an earlier one with
 * {@code RESTORE TABLE delta.`path` TO VERSION AS OF n} (a new commit: it can itself be reversed
 * by restoring the version it replaced). The Spark session is created on first use, so a process
 * that never rolls back never starts Spark.
 */
public final class DeltaRestore {
    private final Supplier<SparkSession> spark;
    private SparkSession session;

    public DeltaRestore(Supplier<SparkSession> spark) {
        this.spark = spark;
    }

    public synchronized long currentVersion(String table) {
        try {
            return DeltaTable.forPath(session(), table).history(1).select("version").head().getLong(0);
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot read the version of Delta table " + table + ": "
                    + e.getMessage() + "; check mitigation.rollback.tables", e);
        }
    }

    public synchronized void restore(String table, long version) {
        if (table.contains("`")) {
            throw new IllegalArgumentException("Delta table path " + table + " contains a backtick; rename it");
        }
        try {
            session().sql("RESTORE TABLE delta.`" + table + "` TO VERSION AS OF " + version).collect();
        } catch (Exception e) {
            throw new IllegalStateException("RESTORE of Delta table " + table + " to version " + version
                    + " failed: " + e.getMessage(), e);
        }
    }

    private SparkSession session() {
        if (session == null) {
            session = spark.get();
        }
        return session;
    }
}
