package io.shadow.spark;

import io.shadow.features.files.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerApplicationEnd;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the Spark session every Shadow job runs in: Delta enabled, UTC, java.time values. Shadow
 * names its Delta tables by path and keeps no managed tables, so Spark's warehouse
 * ({@code spark.sql.warehouse.dir}) is an empty temporary directory removed when the session stops,
 * not {@code spark-warehouse/} in whatever directory the process was started from — unless one is
 * set on purpose ({@code spark-submit --conf}, a system property), which is kept. Warehouses left by
 * processes that were killed are removed by the next process that creates one.
 */
public final class SparkSessions {
    private static final String WAREHOUSE_PREFIX = "shadow-spark-warehouse-";
    private static final String WAREHOUSE_DIR = "spark.sql.warehouse.dir";
    /** How old an empty warehouse of a process that no longer runs must be before it is removed. */
    static final Duration ABANDONED_AFTER = Duration.ofHours(1);
    /** {@code shadow-spark-warehouse-PID-RANDOM}. */
    private static final Pattern ABANDONED = Pattern.compile(Pattern.quote(WAREHOUSE_PREFIX) + "([0-9]{1,18})-[0-9]+");
    /** The masters a Shadow process can start Spark with, for messages. */
    public static final String MASTERS = "local, local[N], local[*], local[N,F] (N threads, F task attempts) or "
            + "spark://host:port of a standalone cluster (YARN and Kubernetes through spark-submit: "
            + "docs/operations.md)";
    private static final Pattern MASTER = Pattern.compile(
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
        // one given on purpose (spark-submit --conf, -Dspark.sql.warehouse.dir) is kept as given
        Path warehouse = new SparkConf().contains(WAREHOUSE_DIR) ? null : temporaryWarehouse();
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
        if (warehouse != null) {
            b.config(WAREHOUSE_DIR, warehouse.toUri().toString());
        }
        SparkSession session = b.getOrCreate();
        if (warehouse == null) {
            return session;
        }
        URI inUse = URI.create(session.conf().get(WAREHOUSE_DIR));
        if ("file".equals(inUse.getScheme()) && warehouse.equals(Path.of(inUse))) {
            session.sparkContext().addSparkListener(new SparkListener() {
                @Override
                public void onApplicationEnd(SparkListenerApplicationEnd end) {
                    delete(warehouse);
                }
            });
        } else {
            // an already running session was handed back, with the warehouse it started with
            delete(warehouse);
        }
        return session;
    }

    private static Path temporaryWarehouse() {
        sweepAbandonedWarehouses(Path.of(System.getProperty("java.io.tmpdir")));
        try {
            // the process id in the name lets a later process tell an abandoned warehouse from a live one
            return Files.createTempDirectory(WAREHOUSE_PREFIX + ProcessHandle.current().pid() + "-").toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create Spark's warehouse directory under java.io.tmpdir "
                    + System.getProperty("java.io.tmpdir") + ": " + e.getMessage() + "; make it writable or start "
                    + "the JVM with -Djava.io.tmpdir=DIR", e);
        }
    }

    /**
     * Removes the warehouses of processes that ended without stopping their session ({@code kill -9},
     * a crash): empty directories older than an hour named with a process id that is no longer
     * running. A directory that is not empty, is younger, or whose process still runs (or whose id
     * was reused) is left alone. (Process ids are those of this PID namespace: a temporary directory
     * shared with containers of their own can lose a live session's empty warehouse, which Spark
     * creates again when it needs it.)
     */
    static void sweepAbandonedWarehouses(Path tmp) {
        Instant before = Instant.now().minus(ABANDONED_AFTER);
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmp, WAREHOUSE_PREFIX + "*")) {
            for (Path d : dirs) {
                Matcher m = ABANDONED.matcher(d.getFileName().toString());
                if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()
                        && Files.getLastModifiedTime(d).toInstant().isBefore(before)) {
                    try {
                        Files.delete(d);
                    } catch (IOException notEmptyOrGone) {
                        // not ours to judge further
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // housekeeping: an unreadable temporary directory is reported when the warehouse is created in it
        }
    }

    /**
     * Also what a managed table would have put there (Shadow creates none); quietly, as a leftover
     * empty directory in java.io.tmpdir is no reason to fail a job that has finished.
     */
    private static void delete(Path warehouse) {
        FileTrees.deleteQuietly(warehouse);
    }
}
