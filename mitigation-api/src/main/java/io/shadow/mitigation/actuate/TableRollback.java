package io.shadow.mitigation.actuate;

/**
 * Rolls a versioned table back (Delta {@code RESTORE}). Implemented where Spark lives
 * ({@code spark-jobs}) and handed in by the wiring, so this module stays free of Spark.
 */
public interface TableRollback {
    /** The table's latest version. */
    long currentVersion(String table);

    /** Restores the table to {@code version} (itself a new commit, so it can be reversed). */
    void restore(String table, long version);
}
