package io.shadow.spark.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.features.ActivityEvent;
import io.shadow.features.EntityKey;
import io.shadow.features.EventClass;
import io.shadow.features.FeatureDefinitions;
import io.shadow.features.ResourceType;
import io.shadow.features.table.KernelTableReader;
import io.shadow.features.table.ShadowTable;
import io.shadow.features.table.TableCatalog;
import io.shadow.spark.DeltaTables;
import io.shadow.spark.EventRows;
import io.shadow.spark.SharedSpark;
import io.shadow.spark.features.FeatureJob;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Novelty profiles merged from per-date partials must equal a count over all of bronze with
 * today's incidents, as the profiles were computed before the partials: here that count is done
 * independently in plain Java from the events (every value outside confirmed incident windows
 * widened by an hour each side) and compared row by row, count, first and last sighting, after
 * each of what can make stored partials wrong: a warehouse without partials (written before them),
 * a date the features step never ran for, late events merged into an old date, an incident
 * confirmed after its dates were counted (one spanning midnight), and the full recompute.
 */
class NoveltyPartialsIT {
    private static final LocalDate DAY1 = LocalDate.parse("2026-11-09");
    private static final LocalDate DAY2 = DAY1.plusDays(1);
    private static final LocalDate DAY3 = DAY1.plusDays(2);
    private static final long HOUR = 3600;

    @TempDir
    Path dir;

    @Test
    void profilesFromPartialsEqualACountOverAllOfBronze() {
        SparkSession spark = SharedSpark.session();
        TableCatalog catalog = TableCatalog.local(dir.resolve("warehouse"));
        List<ActivityEvent> events = new ArrayList<>();
        Random rnd = new Random(11);
        for (LocalDate d : List.of(DAY1, DAY2, DAY3)) {
            day(events, rnd, d, "");
        }
        append(spark, catalog, events);
        List<Row> incidents = new ArrayList<>(List.of(
                // u-3's attack on day one: its address must never become usual
                incident("inc-1", "u-3", at(DAY1, 10 * HOUR), at(DAY1, 10 * HOUR + 1500), 1),
                incident("inc-2", "u-1", at(DAY1, 14 * HOUR), at(DAY1, 15 * HOUR), 0)));
        writeIncidents(spark, catalog, incidents);
        KernelTableReader kernel = new KernelTableReader(spark.sparkContext().hadoopConfiguration());
        String partials = catalog.path(ShadowTable.NOVELTY_PARTIALS);

        // a warehouse from before the partials: every date is counted from bronze
        new NoveltyProfileJob(spark, catalog).run();
        assertProfiles(spark, catalog, expected(events, incidents), "no partials table");
        assertThat(profile(spark, catalog, "u-3")).as("u-3's attack address").noneMatch(v -> v.contains("203.0.113"));

        // the nightly's features steps count days one and two in their own pass; day three stays as counted
        FeatureJob features = new FeatureJob(spark, catalog);
        features.run(DAY1);
        features.run(DAY2);
        new NoveltyProfileJob(spark, catalog).run();
        assertProfiles(spark, catalog, expected(events, incidents), "partials from the features step");
        long before = kernel.latestVersion(partials).orElseThrow();
        new NoveltyProfileJob(spark, catalog).run();
        assertThat(kernel.latestVersion(partials)).as("nothing changed: no date counted again").hasValue(before);

        // late events for day one, and an incident confirmed afterwards across midnight of days two and three
        List<ActivityEvent> late = new ArrayList<>();
        day(late, rnd, DAY1, "late-");
        append(spark, catalog, late);
        events.addAll(late);
        incidents.add(incident("inc-3", "u-1", at(DAY2, 23 * HOUR + 30 * 60), at(DAY3, 10 * 60), 1));
        writeIncidents(spark, catalog, incidents);
        new NoveltyProfileJob(spark, catalog).run();
        Map<String, long[]> expected = expected(events, incidents);
        assertProfiles(spark, catalog, expected, "late events and a new incident");
        assertThat(expected).as("the late events brought values of their own")
                .containsKey("acme|principal|u-2|user_agent|late-agent");

        // the full recompute writes every date's partials; the profiles reuse them all
        features.run();
        before = kernel.latestVersion(partials).orElseThrow();
        new NoveltyProfileJob(spark, catalog).run();
        assertProfiles(spark, catalog, expected, "partials from the full recompute");
        assertThat(kernel.latestVersion(partials)).as("every date's partials were current").hasValue(before);
    }

    /** A day of three principals from two networks each, and a host starting processes; {@code tag} marks late values. */
    private static void day(List<ActivityEvent> out, Random rnd, LocalDate d, String tag) {
        String[] ops = {"GetObject", "PutObject", "DeleteObject", "ListBucket"};
        for (String p : List.of("u-1", "u-2", "u-3")) {
            for (int i = 0; i < 150; i++) {
                long s = rnd.nextInt(86_400);
                boolean attack = p.equals("u-3") && d.equals(DAY1) && s >= 10 * HOUR - 1800 && s < 10 * HOUR + 1500;
                out.add(ActivityEvent.builder().tenant("acme").time(at(d, s)).eventClass(EventClass.API_ACTIVITY)
                        .operation(ops[rnd.nextInt(ops.length)]).principal(p)
                        .srcIp(attack ? "203.0.113.9" : "10.0." + rnd.nextInt(2) + "." + rnd.nextInt(250))
                        .userAgent(tag.isEmpty() ? "agent-" + rnd.nextInt(3) : tag + "agent")
                        .resourceType(ResourceType.DATA_STORAGE).resourceId("s3://b").build());
            }
        }
        for (int i = 0; i < 40; i++) {
            out.add(ActivityEvent.builder().tenant("acme").time(at(d, rnd.nextInt(86_400)))
                    .eventClass(EventClass.PROCESS_ACTIVITY).operation("exec").host("h-1")
                    .resourceType(ResourceType.PROCESS).resourceId("/usr/bin/" + tag + "job-" + rnd.nextInt(4))
                    .build());
        }
    }

    private static Instant at(LocalDate d, long seconds) {
        return d.atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(seconds);
    }

    private static Row incident(String id, String principal, Instant start, Instant end, int label) {
        return RowFactory.create(id, "acme", "principal", principal, start, end, "events@data_storage", label,
                end.plusSeconds(HOUR));
    }

    private static void writeIncidents(SparkSession spark, TableCatalog catalog, List<Row> incidents) {
        DeltaTables.overwrite(spark, catalog, ShadowTable.INCIDENTS,
                spark.createDataFrame(incidents, DeltaTables.schema(ShadowTable.INCIDENTS)));
    }

    /** Appends to bronze as ingest's MERGE of new events does: new files in the events' date partitions. */
    private static void append(SparkSession spark, TableCatalog catalog, List<ActivityEvent> events) {
        DeltaTables.ensure(spark, catalog, ShadowTable.EVENTS);
        spark.createDataFrame(events.stream().map(e -> EventRows.row(e, Instant.EPOCH)).toList(),
                        DeltaTables.schema(ShadowTable.EVENTS))
                .write().format("delta").mode("append").save(catalog.path(ShadowTable.EVENTS));
    }

    /**
     * The profiles counted over every event in plain Java: values outside confirmed incidents
     * (from an hour before start to an hour after end), per entity and for the population.
     */
    private static Map<String, long[]> expected(List<ActivityEvent> events, List<Row> incidents) {
        Map<String, long[]> out = new TreeMap<>();
        for (ActivityEvent e : events) {
            long micros = e.time().getEpochSecond() * 1_000_000L;
            FeatureDefinitions.noveltyValues(e, (k, a, v) -> {
                for (Row i : incidents) {
                    Instant from = i.<Instant>getAs(4).minusSeconds(HOUR);
                    Instant to = i.<Instant>getAs(5).plusSeconds(HOUR);
                    if (i.getInt(7) == 1 && k.id().equals(i.getString(3)) && !e.time().isBefore(from)
                            && !e.time().isAfter(to)) {
                        return;
                    }
                }
                for (String id : List.of(k.id(), EntityKey.POPULATION)) {
                    long[] c = out.computeIfAbsent(String.join("|", k.tenant(), k.kind().wireName(), id,
                            a.wireName(), v), x -> new long[] {0, Long.MAX_VALUE, Long.MIN_VALUE});
                    c[0]++;
                    c[1] = Math.min(c[1], micros);
                    c[2] = Math.max(c[2], micros);
                }
            });
        }
        return out;
    }

    private static void assertProfiles(SparkSession spark, TableCatalog catalog, Map<String, long[]> expected,
            String when) {
        Map<String, long[]> actual = new TreeMap<>();
        for (Row r : DeltaTables.read(spark, catalog, ShadowTable.NOVELTY_PROFILES).collectAsList()) {
            String key = String.join("|", r.<String>getAs("tenant"), r.getAs("entity_kind"), r.getAs("entity_id"),
                    r.getAs("attribute"), r.getAs("value"));
            long[] prev = actual.put(key, new long[] {r.<Long>getAs("count"),
                IncidentWindows.micros(r.getAs("first_seen")), IncidentWindows.micros(r.getAs("last_seen"))});
            assertThat(prev).as(when + ": one row per key, " + key).isNull();
        }
        assertThat(actual.keySet()).as(when).containsExactlyElementsOf(expected.keySet());
        expected.forEach((k, c) -> assertThat(actual.get(k)).as(when + ": " + k).containsExactly(c));
    }

    private static List<String> profile(SparkSession spark, TableCatalog catalog, String entity) {
        return DeltaTables.read(spark, catalog, ShadowTable.NOVELTY_PROFILES)
                .filter(org.apache.spark.sql.functions.col("entity_id").equalTo(entity)).select("value")
                .collectAsList().stream().map(r -> r.getString(0)).toList();
    }
}
