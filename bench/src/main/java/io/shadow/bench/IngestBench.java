package io.shadow.bench;

import io.shadow.agents.ship.LandingZoneShipper;
import io.shadow.agents.simulate.WorkloadConfig;
import io.shadow.agents.simulate.WorkloadGenerator;
import io.shadow.agents.spool.Spool;
import io.shadow.features.ActivityEvent;
import io.shadow.features.files.FileTrees;
import io.shadow.features.json.EventCodec;
import io.shadow.features.table.TableCatalog;
import io.shadow.spark.SparkSessions;
import io.shadow.spark.ingest.IngestJob;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * {@code bin/bench ingest [events]}: landing zone → bronze with Spark {@code local[2]} (Structured
 * Streaming availableNow, parse and validate each line, MERGE into Delta on event_id), against a
 * bare baseline in the same run and session: the same files read as text and written as a plain
 * Delta table (no parsing, no de-duplication).
 */
public final class IngestBench {
    public static void main(String[] args) throws Exception {
        int target = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Path dir = Files.createTempDirectory("shadow-ingest-bench");
        try {
            int scale = Math.max(1, (int) Math.ceil(target / 100_000.0));
            List<ActivityEvent> history = WorkloadGenerator.generate(new WorkloadConfig(7, "acme", 16, 7, 24,
                    WorkloadConfig.DEFAULT_START, scale)).history();
            List<ActivityEvent> events = history.subList(0, Math.min(target, history.size()));
            TableCatalog catalog = TableCatalog.local(dir.resolve("warehouse"));
            try (Spool spool = Spool.open(dir.resolve("spool"), 64L << 20, 64L << 30)) {
                LandingZoneShipper shipper = new LandingZoneShipper(spool, catalog.landingZone(), "bench", 50_000,
                        new org.apache.hadoop.conf.Configuration());
                List<byte[]> batch = new ArrayList<>();
                for (ActivityEvent e : events) {
                    batch.add(EventCodec.toJson(e).getBytes(StandardCharsets.UTF_8));
                    if (batch.size() == 10_000) {
                        spool.append(batch);
                        batch.clear();
                    }
                }
                if (!batch.isEmpty()) {
                    spool.append(batch);
                }
                shipper.drain();
                shipper.close();
            }
            String landing = LandingZoneShipper.eventsDirectory(catalog.landingZone());
            SparkSession spark = SparkSessions.create("shadow-bench", "local[2]", 4);
            spark.sparkContext().setLogLevel("ERROR");
            try {
                spark.range(10_000).selectExpr("id % 7 AS k").groupBy("k").count().collectAsList();
                long t0 = System.nanoTime();
                spark.read().text(landing).write().format("delta").save(dir.resolve("bare").toString());
                double bare = (System.nanoTime() - t0) / 1e9;
                t0 = System.nanoTime();
                IngestJob.Result r = new IngestJob(spark, catalog, landing).run();
                double ingest = (System.nanoTime() - t0) / 1e9;
                new Report("ingest")
                        .row("events", String.format("%,d in %d landing files", events.size(),
                                (events.size() + 49_999) / 50_000))
                        .row("ingest to bronze", String.format("%.1f s, %,.0f rows/s (%,d rows, %d quarantined)",
                                ingest, r.events() / ingest, r.events(), r.quarantined()))
                        .row("bare text -> Delta", String.format("%.1f s, %,.0f rows/s", bare, events.size() / bare))
                        .row("ingest / bare time", String.format("%.2f", ingest / bare))
                        .figure("rows_per_s", r.events() / ingest)
                        .figure("seconds", ingest)
                        .figure("baseline_seconds", bare)
                        .figure("ratio", ingest / bare)
                        .print();
            } finally {
                spark.stop();
            }
        } finally {
            FileTrees.deleteQuietly(dir);
        }
    }
}
