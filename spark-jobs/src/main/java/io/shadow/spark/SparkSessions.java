package io.shadow.spark;

import org.apache.spark.sql.SparkSession;

/** Builds the Spark session every Shadow job runs in: Delta enabled, UTC, java.time values. */
public final class SparkSessions {
    /** The masters a Shadow process can start Spark with, for messages. */
    public static final String MASTERS = "local, local[N], local[*], local[N,F] (N threads, F task attempts) or "
            + "spark://host:port of a standalone cluster (YARN and Kubernetes through spark-submit: "
            + "docs/operations.md)";
    private static final java.util.regex.Pattern MASTER = java.util.regex.Pattern.compile(
            "local|local\\[([1-9][0-9]*|\\*)(\\s*,\\s*[1-9][0-9]*)?]|spark://[^\\s/]+:[0-9]+(,[^\\s/]+:[0-9]+)*");

    private SparkSessions() {
    }

    /** Whether {@code master} is one of {@link #MASTERS}; Spark itself finds out only once the session starts. */
    public static boolean isMaster(String master) {
        return master != null && MASTER.matcher(master).matches();
    }

    /**
     * @param master {@code local[*]} for the embedded default, a cluster URL under spark-submit
     *     (pass null to take it from spark-submit)
     */
    public static SparkSession create(String appName, String master, int shufflePartitions) {
        SparkSession.Builder b = SparkSession.builder().appName(appName)
                .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
                .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.sql.datetime.java8API.enabled", "true")
                .config("spark.sql.shuffle.partitions", Integer.toString(shufflePartitions))
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.debug.maxToStringFields", "200")
                .config("spark.databricks.delta.snapshotPartitions", "2")
                .config("spark.databricks.delta.schema.autoMerge.enabled", "false");
        if (master != null) {
            b.master(master).config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
        }
        return b.getOrCreate();
    }
}
