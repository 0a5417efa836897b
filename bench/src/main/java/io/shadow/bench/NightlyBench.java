package io.shadow.bench;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.hour;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import io.shadow.features.files.FileTrees;
import io.shadow.features.table.ShadowTable;
import io.shadow.features.table.TableCatalog;
import io.shadow.model.detect.DetectorConfig;
import io.shadow.model.registry.LocalModelRegistry;
import io.shadow.model.risk.ResourceRisk;
import io.shadow.model.risk.RiskModelTrainer;
import io.shadow.spark.DeltaTables;
import io.shadow.spark.SparkSessions;
import io.shadow.spark.nightly.NightlyConfig;
import io.shadow.spark.nightly.NightlyPipeline;
import io.shadow.spark.nightly.NightlyStep;
import io.shadow.spark.nightly.RunReport;
import io.shadow.spark.nightly.RunRequest;
import io.shadow.spark.nightly.RunScope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code bin/bench nightly [--events N] [--rounds R]}: the nightly pipeline's aggregation steps
 * (features, baselines, novelty profiles) for one event date of N bronze events (default 10
 * million), against a bare Spark aggregation of the same events in the same run and session: six
 * per-principal measures grouped by entity, feature and hour into count, sum and average, written
 * to Delta. The two alternate for R rounds (default 3; from the second round the nightly replaces
 * the date's outputs, as a re-run does) and the medians are compared. Generation (Spark writing
 * bronze directly: 2,000 principals, 200 hosts, one day) is not timed.
 */
public final class NightlyBench {
    static final LocalDate DAY = LocalDate.parse("2026-11-24");
    static final Set<String> TIMED = Set.of("features", "baselines", "novelty-profiles");

    public static void main(String[] args) throws Exception {
        long events = 10_000_000L;
        int rounds = 3;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--events") && i + 1 < args.length) {
                events = Long.parseLong(args[++i].replace("_", ""));
            } else if (args[i].equals("--rounds") && i + 1 < args.length && args[i + 1].matches("[1-9][0-9]*")) {
                rounds = Integer.parseInt(args[++i]);
            } else {
                System.err.println("usage: bin/bench nightly [--events N] [--rounds R]   (defaults 10000000 and 3; R >= 1)");
                System.exit(2);
            }
        }
        Path dir = Files.createTempDirectory("shadow-nightly-bench");
        SparkSession spark = SparkSessions.create("shadow-bench", "local[2]", 8);
        spark.sparkContext().setLogLevel("ERROR");
        try {
            TableCatalog catalog = TableCatalog.local(dir.resolve("warehouse"));
            long t0 = System.nanoTime();
            generate(spark, catalog, events);
            double generation = (System.nanoTime() - t0) / 1e9;
            System.err.printf("generated %,d bronze events in %.1f s (not timed)%n", events, generation);

            NightlyConfig cfg = new NightlyConfig(catalog, catalog.landingZone() + "events", null, null, null,
                    new LocalModelRegistry(dir.resolve("registry")), List.of(), DetectorConfig.defaults(),
                    ResourceRisk.defaults(), RiskModelTrainer.Settings.defaults());
            NightlyPipeline pipeline = new NightlyPipeline(spark, cfg, System.err::println);
            List<NightlyStep> timed = pipeline.steps().stream().filter(s -> TIMED.contains(s.name())).toList();
            // bare and nightly alternate, so a slow spell of a shared machine lands on both; medians reported
            double[] bare = new double[rounds];
            double[] nightly = new double[rounds];
            RunReport report = null;
            for (int r = 0; r < rounds; r++) {
                t0 = System.nanoTime();
                bare(spark, catalog, dir.resolve("bare-" + r).toUri().toString());
                bare[r] = (System.nanoTime() - t0) / 1e9;
                System.err.printf("round %d/%d: bare aggregation %.1f s%n", r + 1, rounds, bare[r]);
                t0 = System.nanoTime();
                report = pipeline.run(new RunRequest(RunScope.of(DAY), null, true), timed);
                nightly[r] = (System.nanoTime() - t0) / 1e9;
                System.err.printf("round %d/%d: nightly steps %.1f s (ratio %.2f)%n", r + 1, rounds, nightly[r],
                        nightly[r] / bare[r]);
            }
            double nightlyMedian = median(nightly);
            double bareMedian = median(bare);

            Report out = new Report("nightly").row("events", String.format("%,d bronze events on %s (%d principals, "
                    + "%d hosts)", events, DAY, PRINCIPALS, HOSTS));
            for (RunReport.StepOutcome s : report.steps()) {
                String result = s.result() == null ? "" : s.result().isTextual() ? s.result().asText()
                        : s.result().toString();
                out.row("  " + s.name() + " (last round)", String.format("%.1f s  %s", s.seconds(), result));
            }
            for (int r = 0; r < rounds; r++) {
                out.row("round " + (r + 1) + ": nightly / bare", String.format("%.1f s / %.1f s = %.2f", nightly[r],
                        bare[r], nightly[r] / bare[r]));
            }
            out.row("nightly (features+baselines+novelty), median", String.format("%.1f s, %,.0f events/s",
                            nightlyMedian, events / nightlyMedian))
                    .row("bare groupBy -> Delta, median", String.format("%.1f s, %,.0f events/s", bareMedian,
                            events / bareMedian))
                    .row("nightly / bare time (medians)", String.format("%.2f", nightlyMedian / bareMedian))
                    .row("generation (not timed)", String.format("%.1f s", generation))
                    .figure("events", events)
                    .figure("rounds", rounds)
                    .figure("seconds", nightlyMedian)
                    .figure("baseline_seconds", bareMedian)
                    .figure("ratio", nightlyMedian / bareMedian)
                    .print();
        } finally {
            spark.stop();
            FileTrees.deleteQuietly(dir);
        }
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static final int PRINCIPALS = 2_000;
    static final int HOSTS = 200;

    /** Bronze rows straight from Spark: 90 % API calls of principals, 10 % host resource samples. */
    static void generate(SparkSession spark, TableCatalog catalog, long n) {
        String h = "pmod(xxhash64(id, %d), %d)";
        Dataset<Row> rows = spark.range(0, n, 1, 16).selectExpr(
                "concat('bench-', id) AS event_id",
                "timestamp_seconds(unix_seconds(TIMESTAMP'" + DAY + " 00:00:00') + " + String.format(h, 1, 86_400)
                        + ") AS time",
                "DATE'" + DAY + "' AS event_date",
                "'acme' AS tenant",
                String.format(h, 2, 10) + " AS r",
                String.format(h, 4, PRINCIPALS) + " AS p",
                "id");
        rows = rows.selectExpr("event_id", "time", "event_date", "tenant",
                "CASE WHEN r = 0 THEN 99001 ELSE 6003 END AS class_uid",
                "CASE WHEN r = 0 THEN 'sample' ELSE element_at(array('GetObject','PutObject','ListBucket',"
                        + "'DeleteObject','AssumeRole','Query'), cast(" + String.format(h, 3, 6) + " AS int) + 1) END"
                        + " AS operation",
                "CASE WHEN r = 0 THEN NULL ELSE concat('u-', p) END AS principal",
                // each principal works from two networks with two clients, as people do
                "concat('10.', pmod(p, 200), '.', pmod(p + " + String.format(h, 5, 2) + ", 250), '.1') AS src_ip",
                "element_at(array('aws-cli/2.15', 'Boto3/1.34', 'console'), cast(pmod(p + " + String.format(h, 7, 2)
                        + ", 3) AS int) + 1) AS user_agent",
                "CASE WHEN r = 0 THEN concat('h-', " + String.format(h, 8, HOSTS) + ") ELSE NULL END AS host",
                "CASE WHEN r = 0 THEN 'compute' ELSE 'data_storage' END AS resource_type",
                "concat('s3://bucket-', " + String.format(h, 9, 50) + ") AS resource_id",
                "CASE WHEN " + String.format(h, 10, 50) + " = 0 THEN 'failure' ELSE 'success' END AS outcome",
                String.format(h, 11, 5_000) + " AS bytes_in",
                String.format(h, 12, 200_000) + " AS bytes_out",
                "CASE WHEN r = 0 THEN cast(" + String.format(h, 13, 100) + " AS double) END AS cpu_pct",
                "CASE WHEN r = 0 THEN cast(" + String.format(h, 14, 100) + " AS double) END AS mem_pct",
                "map('bench', 'yes') AS raw",
                "current_timestamp() AS ingested_at");
        DeltaTables.overwrite(spark, catalog, ShadowTable.EVENTS, rows);
    }

    /** The same events, the same six principal measures, plain Spark: entity × feature × hour → count/sum/avg. */
    static void bare(SparkSession spark, TableCatalog catalog, String out) {
        DeltaTables.read(spark, catalog, ShadowTable.EVENTS).filter(col("event_date").equalTo(lit(DAY)))
                .filter(col("principal").isNotNull())
                .select(col("tenant"), col("principal"), hour(col("time")).as("hour"), expr("stack(6, "
                        + "'events', 1D, 'bytes_out', cast(bytes_out AS double), 'bytes_in', cast(bytes_in AS double), "
                        + "'deletes', IF(operation = 'DeleteObject', 1D, 0D), "
                        + "'privileged_ops', IF(operation = 'AssumeRole', 1D, 0D), "
                        + "'failures', IF(outcome = 'failure', 1D, 0D)) AS (feature, value)"))
                .groupBy("tenant", "principal", "feature", "hour")
                .agg(count(lit(1)).as("n"), sum("value").as("total"), avg("value").as("mean"))
                .write().format("delta").mode("overwrite").save(out);
    }
}
