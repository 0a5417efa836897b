package io.shadow.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.shadow.features.ActivityEvent;
import io.shadow.features.Buckets;
import io.shadow.features.EntityKey;
import io.shadow.features.EventClass;
import io.shadow.features.Feature;
import io.shadow.features.FeatureDefinitions;
import io.shadow.features.Outcome;
import io.shadow.features.ResourceType;
import io.shadow.features.baseline.BaselineSnapshot;
import io.shadow.features.baseline.BaselineSnapshotReader;
import io.shadow.features.json.EventCodec;
import io.shadow.features.table.KernelTableReader;
import io.shadow.features.table.ShadowTable;
import io.shadow.features.table.TableCatalog;
import io.shadow.mitigation.Band;
import io.shadow.mitigation.store.Database;
import io.shadow.mitigation.store.FeedbackRecord;
import io.shadow.mitigation.store.Incident;
import io.shadow.mitigation.store.Mitigation;
import io.shadow.mitigation.store.MitigationStore;
import io.shadow.spark.baseline.BaselineJob;
import io.shadow.spark.features.FeatureJob;
import io.shadow.spark.feedback.FeedbackImportJob;
import io.shadow.spark.ingest.IngestJob;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Spark jobs on real Delta tables in a temp dir, one shared local[2] session. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SparkJobsIT {
    private SparkSession spark;

    @BeforeAll
    void session() {
        spark = SharedSpark.session();
    }

    private static void land(Path landingEvents, String fixture) throws Exception {
        Files.createDirectories(landingEvents);
        try (var in = SparkJobsIT.class.getResourceAsStream("/landing/" + fixture)) {
            Files.write(landingEvents.resolve(fixture), in.readAllBytes());
        }
    }

    @Test
    void ingestLandsEveryGoodEventOnceAndQuarantinesTheRestWithTheReason(@TempDir Path dir) throws Exception {
        TableCatalog catalog = TableCatalog.local(dir.resolve("warehouse"));
        Path landing = dir.resolve("landing/events");
        IngestJob ingest = new IngestJob(spark, catalog, landing.toUri().toString());

        land(landing, "cloud-api-batch-1.ndjson");
        IngestJob.Result first = ingest.run();
        assertThat(first.events()).isEqualTo(4);
        assertThat(first.quarantined()).isEqualTo(2);

        land(landing, "cloud-api-batch-2.ndjson");
        IngestJob.Result second = ingest.run();
        assertThat(second.quarantined()).as("an unknown resource type, and an event dated 2099").isEqualTo(2);
        IngestJob.Result third = ingest.run();
        assertThat(third.batches()).as("nothing new: the checkpoint remembers every file").isZero();

        List<Row> events = DeltaTables.read(spark, catalog, ShadowTable.EVENTS).orderBy("event_id").collectAsList();
        assertThat(events).extracting(r -> r.<String>getAs("event_id"))
                .containsExactly("ct-0001", "ct-0002", "ct-0004", "ct-0005", "ct-0006");
        Row getObject = events.get(0);
        assertThat(scala.jdk.javaapi.CollectionConverters.asJava(getObject.<String, String>getMap(
                getObject.fieldIndex("raw")))).containsEntry("awsRegion", "eu-west-1");
        assertThat(getObject.<Object>getAs("event_date").toString()).isEqualTo("2026-11-09");

        List<Row> quarantine = DeltaTables.read(spark, catalog, ShadowTable.QUARANTINE).orderBy("reason")
                .collectAsList();
        assertThat(quarantine).hasSize(4);
        assertThat(quarantine).extracting(r -> r.<String>getAs("field")).containsExactlyInAnyOrder("time",
                null, "resource_type", "time");
        assertThat(quarantine).filteredOn(r -> r.<String>getAs("raw_text").contains("ct-0008")).singleElement()
                .satisfies(r -> assertThat(r.<String>getAs("reason")).startsWith("field 'time': "
                        + "2099-01-01T00:00:00Z is more than PT24H ahead of the ingest's clock (2"));
        assertThat(quarantine).filteredOn(r -> r.getAs("field") == null).singleElement()
                .satisfies(r -> assertThat(r.<String>getAs("reason")).startsWith("not valid JSON"));
        assertThat(quarantine).filteredOn(r -> "resource_type".equals(r.getAs("field"))).singleElement()
                .satisfies(r -> assertThat(r.<String>getAs("reason")).contains("unknown resource_type "
                        + "'quantum_storage'"));
        Row badTime = quarantine.stream().filter(r -> r.<String>getAs("raw_text").contains("ct-0003")).findFirst()
                .orElseThrow();
        assertThat(badTime.<String>getAs("reason")).isEqualTo("field 'time': 'not-a-time' is not an ISO-8601 "
                + "instant; use a form like 2026-11-25T10:15:30Z");
        assertThat(badTime.<String>getAs("raw_text")).contains("\"event_id\":\"ct-0003\"");
        assertThat(badTime.<String>getAs("source_file")).endsWith("cloud-api-batch-1.ndjson");
    }

    @Test
    void aDataDirMovedElsewhereKeepsIngestingWithoutLandingAnythingTwice(@TempDir Path dir) throws Exception {
        Path before = dir.resolve("before");
        land(before.resolve("landing/events"), "cloud-api-batch-1.ndjson");
        IngestJob.Result first = new IngestJob(spark, TableCatalog.local(before.resolve("warehouse")),
                before.resolve("landing/events").toUri().toString()).run();
        assertThat(first.events()).isEqualTo(4);

        // the operator moves the whole data-dir (a new disk, a restore from backup), then an agent lands more
        Path after = dir.resolve("moved/data");
        Files.createDirectories(after.getParent());
        Files.move(before, after);
        land(after.resolve("landing/events"), "cloud-api-batch-2.ndjson");
        TableCatalog catalog = TableCatalog.local(after.resolve("warehouse"));
        IngestJob.Result moved = new IngestJob(spark, catalog, after.resolve("landing/events").toUri().toString())
                .run();

        assertThat(moved.relocatedFrom()).as("the run says the landing zone's files were read again")
                .endsWith("before/landing/events");
        assertThat(DeltaTables.read(spark, catalog, ShadowTable.EVENTS).orderBy("event_id").collectAsList())
                .extracting(r -> r.<String>getAs("event_id")).as("every event once")
                .containsExactly("ct-0001", "ct-0002", "ct-0004", "ct-0005", "ct-0006");
        assertThat(DeltaTables.read(spark, catalog, ShadowTable.QUARANTINE).count())
                .as("each bad line once, though its file was read twice").isEqualTo(4);
        assertThat(moved.toString()).contains("read again");
        assertThat(after.resolve("warehouse/_checkpoints/ingest.rereading")).as("read again in full: the mark goes")
                .doesNotExist();
        IngestJob.Result next = new IngestJob(spark, catalog, after.resolve("landing/events").toUri().toString()).run();
        assertThat(next.batches()).as("the new checkpoint remembers every file").isZero();
        assertThat(next.relocatedFrom()).isNull();
    }

    @Test
    void ingestQuarantinesEventsReportingAbsurdBytesWithTheFieldAndTheLimit(@TempDir Path dir) throws Exception {
        TableCatalog catalog = TableCatalog.local(dir.resolve("warehouse"));
        Path landing = dir.resolve("landing/events");
        land(landing, "absurd-transfers.ndjson");

        IngestJob.Result r = new IngestJob(spark, catalog, landing.toUri().toString()).run();

        assertThat(r.events()).isEqualTo(3);
        assertThat(r.quarantined()).isEqualTo(3);
        List<Row> events = DeltaTables.read(spark, catalog, ShadowTable.EVENTS).orderBy("event_id").collectAsList();
        assertThat(events).extracting(e -> e.<String>getAs("event_id"), e -> e.<Long>getAs("bytes_in"),
                e -> e.<Long>getAs("bytes_out")).as("the good events, one of exactly 1 TiB").containsExactly(
                        tuple("tx-0001", 0L, 524_288L), tuple("tx-0004", 1L << 40, 0L), tuple("tx-0006", 0L, 40_960L));
        List<Row> quarantine = DeltaTables.read(spark, catalog, ShadowTable.QUARANTINE).collectAsList();
        assertThat(quarantine).hasSize(3);
        assertThat(quarantine).filteredOn(q -> q.<String>getAs("raw_text").contains("tx-0002")).singleElement()
                .extracting(q -> q.getAs("field"), q -> q.getAs("reason")).containsExactly("bytes_out",
                        "field 'bytes_out': 9000000000000000000 is more than 1099511627776 bytes (1 TiB), the most "
                        + "one event may report; one such value would weigh on its principal's and host's volume "
                        + "statistics for a long while. Fix the sender (or raise scorer.max-transfer-bytes if single "
                        + "transfers this large are real), then land the record again");
        assertThat(quarantine).filteredOn(q -> q.<String>getAs("raw_text").contains("tx-0003")).singleElement()
                .satisfies(q -> assertThat(q.<String>getAs("field")).isEqualTo("bytes_in"))
                .satisfies(q -> assertThat(q.<String>getAs("reason")).startsWith("field 'bytes_in': 1099511627777 "
                        + "is more than 1099511627776 bytes (1 TiB)"));
        assertThat(quarantine).filteredOn(q -> q.<String>getAs("raw_text").contains("tx-0005")).singleElement()
                .extracting(q -> q.getAs("field"), q -> q.getAs("reason")).containsExactly("bytes_out",
                        "field 'bytes_out': expected a non-negative integer number of bytes, got -1");
    }

    @Test
    void ingestKeepsTransfersUpToARaisedLimitAsTheScorerDoes(@TempDir Path dir) throws Exception {
        TableCatalog catalog = TableCatalog.local(dir.resolve("warehouse"));
        Path landing = dir.resolve("landing/events");
        land(landing, "absurd-transfers.ndjson");

        // scorer.max-transfer-bytes raised to 2 TiB: 1 TiB + 1 is a real transfer now, 9e18 still is not
        IngestJob.Result r = new IngestJob(spark, catalog, landing.toUri().toString(), 2L << 40).run();

        assertThat(r.events()).isEqualTo(4);
        assertThat(DeltaTables.read(spark, catalog, ShadowTable.EVENTS).collectAsList())
                .extracting(e -> e.<String>getAs("event_id")).contains("tx-0003");
        assertThat(DeltaTables.read(spark, catalog, ShadowTable.QUARANTINE).collectAsList())
                .extracting(q -> q.<String>getAs("reason")).anySatisfy(reason -> assertThat(reason)
                        .startsWith("field 'bytes_out': 9000000000000000000 is more than 2199023255552 bytes (2 TiB)"));
    }

    @Test
    void ingestQuarantinesEventsWithoutATenantAsTheScorerRejectsThem(@TempDir Path dir) throws Exception {
        TableCatalog catalog = TableCatalog.local(dir.resolve("warehouse"));
        Path landing = dir.resolve("landing/events");
        land(landing, "without-tenant.ndjson");

        IngestJob.Result r = new IngestJob(spark, catalog, landing.toUri().toString()).run();

        // learned into a guessed tenant, these events would make baselines no live event is judged against
        assertThat(r.events()).isEqualTo(2);
        assertThat(r.quarantined()).isEqualTo(2);
        assertThat(DeltaTables.read(spark, catalog, ShadowTable.EVENTS).collectAsList())
                .extracting(e -> e.<String>getAs("event_id"), e -> e.<String>getAs("tenant"))
                .containsExactlyInAnyOrder(tuple("nt-0001", "acme"), tuple("nt-0004", "acme"));
        assertThat(DeltaTables.read(spark, catalog, ShadowTable.QUARANTINE).collectAsList())
                .extracting(q -> q.<String>getAs("field"), q -> q.<String>getAs("reason"))
                .as("the scorer's words for the same event (POST /v1/events)").containsOnly(tuple("tenant",
                        "field 'tenant': is required: the id of the tenant the event belongs to (case-sensitive, "
                        + "e.g. \"acme\"); its events are judged against that tenant's baselines"));
    }

    @Test
    void ingestPutsEventsWithoutATenantInTheScorersDefaultTenantWhenOneIsSet(@TempDir Path dir) throws Exception {
        TableCatalog catalog = TableCatalog.local(dir.resolve("warehouse"));
        Path landing = dir.resolve("landing/events");
        land(landing, "without-tenant.ndjson");

        // scorer.default-tenant=acme: a single-tenant installation whose agents name no tenant
        IngestJob.Result r = new IngestJob(spark, catalog, landing.toUri().toString(), 1L << 40, "acme").run();

        assertThat(r.quarantined()).isZero();
        assertThat(DeltaTables.read(spark, catalog, ShadowTable.EVENTS).collectAsList())
                .extracting(e -> e.<String>getAs("tenant")).hasSize(4).containsOnly("acme");
    }

    private static List<ActivityEvent> smallWorkload() {
        Instant t0 = Instant.parse("2026-11-09T10:00:00Z");
        List<ActivityEvent> out = new ArrayList<>();
        int[] perBucket = {3, 0, 5, 1};
        for (int b = 0; b < perBucket.length; b++) {
            for (int i = 0; i < perBucket[b]; i++) {
                out.add(ActivityEvent.builder().tenant("acme").time(t0.plusSeconds(b * 300L + i * 20L))
                        .eventClass(EventClass.API_ACTIVITY).operation(i == 0 ? "DeleteObject" : "GetObject")
                        .principal("u-1").srcIp("10.0.0." + (b + 1)).resourceType(ResourceType.DATA_STORAGE)
                        .resourceId("s3://b").outcome(i == 1 ? Outcome.FAILURE : Outcome.SUCCESS)
                        .bytesOut(1000L * (i + 1)).build());
            }
        }
        for (int m = 0; m < 20; m++) {
            out.add(ActivityEvent.builder().tenant("acme").time(t0.plusSeconds(m * 60L))
                    .eventClass(EventClass.RESOURCE_USAGE).operation("sample").host("dev-1")
                    .resourceType(ResourceType.COMPUTE).cpuPct(10.0 + m).memPct(50.0).bytesOut(100).build());
        }
        return out;
    }

    @Test
    void offlineFeaturesEqualTheOnlineDefinitionsAndBaselinesAreReadableWithoutSpark(@TempDir Path dir)
            throws Exception {
        TableCatalog catalog = TableCatalog.local(dir.resolve("warehouse"));
        Path landing = dir.resolve("landing/events");
        Files.createDirectories(landing);
        List<ActivityEvent> events = smallWorkload();
        Files.write(landing.resolve("small.ndjson"), events.stream().map(EventCodec::toJson)
                .collect(Collectors.joining("\n")).getBytes(StandardCharsets.UTF_8));
        new IngestJob(spark, catalog, landing.toUri().toString()).run();
        new FeatureJob(spark, catalog).run();

        // the same bucket values computed in plain Java with the definitions the scorer uses
        Map<String, double[]> online = new TreeMap<>();
        for (ActivityEvent e : events) {
            long bucket = Buckets.start(e.time());
            FeatureDefinitions.contributions(e, (k, f, v) -> {
                double[] acc = online.computeIfAbsent(k.id() + "|" + f.wireName() + "|" + bucket, x -> new double[2]);
                acc[0] += v;
                acc[1]++;
            });
        }
        Map<String, Double> expected = new TreeMap<>();
        online.forEach((k, acc) -> {
            Feature f = Feature.fromWire(k.split("\\|")[1]);
            expected.put(k, f.aggregation() == Feature.Aggregation.MEAN ? acc[0] / acc[1] : acc[0]);
        });
        Map<String, Double> offline = new TreeMap<>();
        for (Row r : DeltaTables.read(spark, catalog, ShadowTable.FEATURES).collectAsList()) {
            offline.put(r.getAs("entity_id") + "|" + r.getAs("feature") + "|"
                    + r.<Instant>getAs("bucket_start").getEpochSecond(), r.<Double>getAs("value"));
        }
        expected.forEach((k, v) -> {
            if (v == 0 && Feature.fromWire(k.split("\\|")[1]).aggregation() == Feature.Aggregation.SUM) {
                assertThat(offline).as("a zero sum is not stored: " + k).doesNotContainKey(k);
            } else {
                assertThat(offline.get(k)).as(k).isCloseTo(v, org.assertj.core.data.Offset.offset(1e-9));
            }
        });
        assertThat(expected).as("every stored bucket is one the online definitions give").containsKeys(
                offline.keySet().toArray(String[]::new));
        long quietBucket = Instant.parse("2026-11-09T10:05:00Z").getEpochSecond();
        assertThat(offline).as("a quiet bucket stores no row").doesNotContainKey("u-1|events|" + quietBucket);
        Row span = DeltaTables.read(spark, catalog, ShadowTable.FEATURE_SPANS).filter("entity_id = 'u-1'").first();
        assertThat(span.<Instant>getAs("first_bucket").getEpochSecond()).as("the span covers the quiet bucket")
                .isLessThan(quietBucket);
        assertThat(span.<Instant>getAs("last_bucket").getEpochSecond()).isGreaterThan(quietBucket);

        new BaselineJob(spark, catalog).run();
        BaselineSnapshot snap = new BaselineSnapshotReader(new KernelTableReader(), catalog).read();
        assertThat(snap.version()).isGreaterThanOrEqualTo(0);
        var events1 = snap.entity(EntityKey.principal("acme", "u-1")).feature(Feature.EVENTS);
        assertThat(events1.samples()).as("the quiet bucket counts as a zero").isEqualTo(4);
        assertThat(events1.all().mean()).isCloseTo((3 + 0 + 5 + 1) / 4.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(snap.population(EntityKey.principal("acme", "new-hire")).feature(Feature.EVENTS)).isNotNull();
        assertThat(snap.entity(EntityKey.host("acme", "dev-1")).feature(Feature.CPU_PCT).median()).isBetween(15.0,
                25.0);
    }

    @Test
    void feedbackImportTurnsUserDecisionsIntoLabels(@TempDir Path dir) {
        TableCatalog catalog = TableCatalog.local(dir.resolve("warehouse"));
        String url = Database.h2Url(dir.resolve("store"));
        Instant t = Instant.parse("2026-11-09T10:00:00Z");
        try (Database db = Database.open(url, "sa", "")) {
            MitigationStore store = new MitigationStore(db);
            // u-3 rejects the mitigation of their own activity: kept as feedback, labels nothing
            for (String[] c : new String[][] {{"inc-a", "u-1", "approve", "alice"}, {"inc-b", "u-2", "reject", "alice"},
                    {"inc-c", "u-3", "reject", "u-3"}}) {
                store.insertIncident(new Incident(c[0], "acme", "principal", c[1], c[1], null, "data_storage",
                        "s3://b", "deletes@data_storage", Band.MEDIUM, 70, Incident.OPEN, t, t.plusSeconds(60), t, 3,
                        "{}"));
                store.insertMitigation(new Mitigation("mit-" + c[0], c[0], "p", Band.MEDIUM, Mitigation.STANDARD, 70,
                        Mitigation.APPLIED, "e", t, t, false, null, null, "{}"), List.of());
                store.decide("mit-" + c[0], Set.of(Mitigation.APPLIED), c[2].equals("approve") ? Mitigation.APPROVED
                        : Mitigation.REJECTED, new FeedbackRecord("fb-" + c[0], "mit-" + c[0], c[0], "acme",
                        "principal", c[1], "deletes@data_storage", c[2], "because", c[3], c[3].equals(c[1]),
                        t.plusSeconds(600)));
            }
            // u-4's emergency shutdown at night: applied, nobody has decided on it yet
            store.insertIncident(new Incident("inc-d", "acme", "principal", "u-4", "u-4", null, "data_storage",
                    "s3://b", "bytes_out@data_storage", Band.HIGH, 95, Incident.OPEN, t, t.plusSeconds(90), t, 5,
                    "{}"));
            store.insertMitigation(new Mitigation("mit-inc-d", "inc-d", "p", Band.HIGH, Mitigation.EMERGENCY, 95,
                    Mitigation.APPLIED, "e", t, t, false, null, null, "{}"), List.of());
            // undecided too, but part of normal: a low-band throttle (rarely reviewed), and a high-band
            // incident nobody reviewed in the 30 days since it opened
            store.insertIncident(new Incident("inc-e", "acme", "principal", "u-5", "u-5", null, "data_storage",
                    "s3://b", "events@data_storage", Band.LOW, 35, Incident.OPEN, t, t.plusSeconds(60), t, 2, "{}"));
            Instant old = t.minus(java.time.Duration.ofDays(31));
            store.insertIncident(new Incident("inc-f", "acme", "principal", "u-6", "u-6", null, "data_storage",
                    "s3://b", "deletes@data_storage", Band.HIGH, 90, Incident.OPEN, old, old.plusSeconds(60), old, 4,
                    "{}"));
        }
        // a warehouse written before decisions carried own_activity: the import adds the column
        io.delta.tables.DeltaTable.createIfNotExists(spark).location(catalog.path(ShadowTable.FEEDBACK))
                .addColumns(new org.apache.spark.sql.types.StructType(java.util.Arrays.stream(
                        DeltaTables.schema(ShadowTable.FEEDBACK).fields())
                        .filter(f -> !f.name().equals("own_activity"))
                        .toArray(org.apache.spark.sql.types.StructField[]::new))).execute();
        java.time.Clock nextDay = java.time.Clock.fixed(t.plus(java.time.Duration.ofDays(1)), java.time.ZoneOffset.UTC);
        FeedbackImportJob.Result r = new FeedbackImportJob(spark, catalog, url, "sa", "", nextDay,
                FeedbackImportJob.DEFAULT_REVIEW_WINDOW).run();

        assertThat(r.feedback()).isEqualTo(3);
        assertThat(r.incidents()).as("the self-rejected incident stays unlabelled").isEqualTo(2);
        assertThat(r.confirmed()).isEqualTo(1);
        Map<String, Integer> labels = new HashMap<>();
        new KernelTableReader().scan(catalog.path(ShadowTable.INCIDENTS), row ->
                labels.put(row.string("entity_id"), row.intValue("label")));
        assertThat(labels).containsExactlyInAnyOrderEntriesOf(Map.of("u-1", 1, "u-2", 0));
        assertThat(r.unreviewed()).as("the self-rejected and the undecided medium and high incidents await review")
                .isEqualTo(2);
        List<String> awaiting = new ArrayList<>();
        new KernelTableReader().scan(catalog.path(ShadowTable.UNREVIEWED_INCIDENTS), row ->
                awaiting.add(row.string("entity_id") + " " + row.string("pattern") + " " + row.string("band") + " "
                        + row.instant("start_time") + ".." + row.instant("end_time")));
        assertThat(awaiting).containsExactlyInAnyOrder("u-3 deletes@data_storage medium " + t + ".." + t.plusSeconds(60),
                "u-4 bytes_out@data_storage high " + t + ".." + t.plusSeconds(90));
        assertThat(new FeedbackImportJob(spark, catalog, url, "sa", "", nextDay, java.time.Duration.ofHours(12)).run()
                .unreviewed()).as("mitigation.review-window = PT12H: opened a day ago, no longer awaited").isZero();
        Map<String, Boolean> own = new HashMap<>();
        new KernelTableReader().scan(catalog.path(ShadowTable.FEEDBACK), row ->
                own.put(row.string("decided_by") + "/" + row.string("entity_id"), row.booleanValue("own_activity")));
        assertThat(own).containsExactlyInAnyOrderEntriesOf(Map.of("alice/u-1", false, "alice/u-2", false,
                "u-3/u-3", true));
    }

    @Test
    void feedbackFromAStoreWithoutOwnActivityYetLabelsEveryDecision(@TempDir Path dir) throws Exception {
        TableCatalog catalog = TableCatalog.local(dir.resolve("warehouse"));
        String url = Database.h2Url(dir.resolve("store"));
        Instant t = Instant.parse("2026-11-09T10:00:00Z");
        try (Database db = Database.open(url, "sa", "")) {
            MitigationStore store = new MitigationStore(db);
            store.insertIncident(new Incident("inc-a", "acme", "principal", "u-1", "u-1", null, "data_storage",
                    "s3://b", "deletes@data_storage", Band.MEDIUM, 70, Incident.OPEN, t, t.plusSeconds(60), t, 3,
                    "{}"));
            store.insertMitigation(new Mitigation("mit-a", "inc-a", "p", Band.MEDIUM, Mitigation.STANDARD, 70,
                    Mitigation.APPLIED, "e", t, t, false, null, null, "{}"), List.of());
            store.decide("mit-a", Set.of(Mitigation.APPLIED), Mitigation.REJECTED, new FeedbackRecord("fb-a",
                    "mit-a", "inc-a", "acme", "principal", "u-1", "deletes@data_storage", "reject", "a backup job",
                    "alice", false, t.plusSeconds(600)));
            // the store as it was before migration V4 (the mitigation API not yet upgraded)
            try (var c = db.dataSource().getConnection(); var st = c.createStatement()) {
                st.execute("ALTER TABLE feedback DROP COLUMN own_activity");
            }
        }

        FeedbackImportJob.Result r = new FeedbackImportJob(spark, catalog, url, "sa", "").run();

        assertThat(r.feedback()).isEqualTo(1);
        assertThat(r.incidents()).as("a rejection by someone: the incident is labelled benign").isEqualTo(1);
        assertThat(r.confirmed()).isZero();
        Map<String, Boolean> own = new HashMap<>();
        new KernelTableReader().scan(catalog.path(ShadowTable.FEEDBACK), row ->
                own.put(row.string("feedback_id"), row.booleanValue("own_activity")));
        assertThat(own).containsExactlyEntriesOf(Map.of("fb-a", false));
    }
}
