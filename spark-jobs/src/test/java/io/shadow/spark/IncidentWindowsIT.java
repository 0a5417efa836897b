package io.shadow.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.shadow.features.ActivityEvent;
import io.shadow.features.EntityKey;
import io.shadow.features.EventClass;
import io.shadow.features.Feature;
import io.shadow.features.ResourceType;
import io.shadow.features.baseline.BaselineSnapshot;
import io.shadow.features.baseline.BaselineSnapshotReader;
import io.shadow.features.json.EventCodec;
import io.shadow.features.table.KernelTableReader;
import io.shadow.features.table.ShadowTable;
import io.shadow.features.table.TableCatalog;
import io.shadow.model.detect.DetectorConfig;
import io.shadow.model.intel.ThreatIntel;
import io.shadow.model.risk.ResourceRisk;
import io.shadow.spark.baseline.BaselineJob;
import io.shadow.spark.baseline.NoveltyProfileJob;
import io.shadow.spark.features.FeatureJob;
import io.shadow.spark.ingest.IngestJob;
import io.shadow.spark.training.TrainingSetJob;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Confirmed incident periods, and those of incidents nobody has reviewed yet, stay out of the baselines
 * and novelty profiles; rejected ones (benign after all) are part of normal. Three principals behave
 * identically, each with a look around from a new address at 05:30 and a burst of deletes from it at
 * 06:00 (recorded from its first anomaly at 06:00): u-1's burst was confirmed as an incident, u-2's
 * rejected, and u-3's was mitigated with nobody reviewing it (the emergency path, at night).
 */
class IncidentWindowsIT {
    private static final Instant T0 = Instant.parse("2026-11-09T00:00:00Z");
    private static final Instant BURST = T0.plusSeconds(6 * 3600);
    private static final Instant LAST_YEAR = BURST.minus(java.time.Duration.ofDays(360));

    @TempDir
    Path dir;

    @Test
    void confirmedAndUnreviewedIncidentsAreNotNormalButARejectedOneIs() throws Exception {
        var spark = SharedSpark.session();
        TableCatalog catalog = TableCatalog.local(dir.resolve("warehouse"));
        Path landing = dir.resolve("landing/events");
        Files.createDirectories(landing);
        Files.writeString(landing.resolve("day.ndjson"), day().stream().map(EventCodec::toJson)
                .collect(Collectors.joining("\n")), StandardCharsets.UTF_8);
        List<Row> incidents = List.of(
                RowFactory.create("inc-1", "acme", "principal", "u-1", BURST, BURST.plusSeconds(240),
                        "deletes@data_storage", 1, BURST.plusSeconds(3600)),
                RowFactory.create("inc-2", "acme", "principal", "u-2", BURST, BURST.plusSeconds(240),
                        "deletes@data_storage", 0, BURST.plusSeconds(3600)),
                // a year before (two half-lives of a decision), u-2's burst was rejected too
                RowFactory.create("inc-0", "acme", "principal", "u-2", LAST_YEAR, LAST_YEAR.plusSeconds(240),
                        "deletes@data_storage", 0, LAST_YEAR.plusSeconds(3600)));
        DeltaTables.overwrite(spark, catalog, ShadowTable.INCIDENTS,
                spark.createDataFrame(incidents, DeltaTables.schema(ShadowTable.INCIDENTS)));
        DeltaTables.overwrite(spark, catalog, ShadowTable.UNREVIEWED_INCIDENTS, spark.createDataFrame(List.of(
                RowFactory.create("inc-3", "acme", "principal", "u-3", BURST, BURST.plusSeconds(240),
                        "deletes@data_storage", "high", BURST.plusSeconds(2))),
                DeltaTables.schema(ShadowTable.UNREVIEWED_INCIDENTS)));

        new IngestJob(spark, catalog, landing.toUri().toString()).run();
        new FeatureJob(spark, catalog).run();
        new BaselineJob(spark, catalog).run();
        new NoveltyProfileJob(spark, catalog).run();

        BaselineSnapshot snap = new BaselineSnapshotReader(new KernelTableReader(), catalog).read();
        double confirmed = snap.entity(EntityKey.principal("acme", "u-1")).feature(Feature.DELETES).all().mean();
        double rejected = snap.entity(EntityKey.principal("acme", "u-2")).feature(Feature.DELETES).all().mean();
        assertThat(confirmed).as("u-1's deletes without the confirmed burst").isCloseTo(1.0, within(1e-9));
        assertThat(rejected).as("u-2's rejected burst is part of its normal").isGreaterThan(2.0);
        assertThat(snap.entity(EntityKey.principal("acme", "u-3")).feature(Feature.DELETES).all().mean())
                .as("u-3's burst, mitigated but not reviewed, is not normal").isCloseTo(1.0, within(1e-9));
        List<String> networks = new ArrayList<>();
        new KernelTableReader().scan(catalog.path(ShadowTable.NOVELTY_PROFILES), r -> networks.add(
                r.string("entity_id") + " " + r.string("value")));
        assertThat(networks).filteredOn(v -> v.contains("203.0.113")).extracting(v -> v.split(" ")[0])
                .as("only the rejected burst's address became usual, its look-around before detection included")
                .contains("u-2").doesNotContain("u-1", "u-3");

        // the training set: the confirmed burst's anomalies are positives, the rejected one's negatives,
        // and the unreviewed one's are left out (not known; 0 would teach that the attack was benign)
        TrainingSetJob.Result training = new TrainingSetJob(spark, catalog, DetectorConfig.defaults(), 0.5,
                ThreatIntel.EMPTY, ResourceRisk.defaults()).run();
        Map<String, List<Integer>> labels = new TreeMap<>();
        new KernelTableReader().scan(catalog.path(ShadowTable.TRAINING_SET), r -> {
            if (!r.instant("time").isBefore(BURST.minusSeconds(600))) {
                labels.computeIfAbsent(r.string("entity_id"), k -> new ArrayList<>()).add(r.intValue("label"));
            }
        });
        assertThat(labels.get("u-1")).as("confirmed").isNotEmpty().containsOnly(1);
        assertThat(labels.get("u-2")).as("rejected").isNotEmpty().containsOnly(0);
        assertThat(labels).as("awaiting review").doesNotContainKey("u-3");
        assertThat(training.unreviewed()).isEqualTo(labels.get("u-1").size());

        // what the scorer steps u-2's next burst down by: two rejections, the one a year old counting a quarter
        List<String> decisions = new ArrayList<>();
        new KernelTableReader().scan(catalog.path(ShadowTable.ENTITY_PATTERN_STATS), r -> {
            if (r.string("entity_id").equals("u-2") && r.string("pattern").equals("deletes@data_storage")) {
                decisions.add(r.longValue("rejected") + " " + String.format("%.2f", r.doubleValue("rejected_weight")));
            }
        });
        assertThat(decisions).containsExactly("2 1.25");
    }

    /** Twelve hours of steady work for u-1 and u-2 (three reads and one delete every five minutes), and the bursts. */
    private static List<ActivityEvent> day() {
        List<ActivityEvent> out = new ArrayList<>();
        for (String p : List.of("u-1", "u-2", "u-3")) {
            for (int b = 0; b < 144; b++) {
                Instant at = T0.plusSeconds(b * 300L);
                for (int i = 0; i < 4; i++) {
                    out.add(event(p, i == 0 ? "DeleteObject" : "GetObject", "10.0.0.7", at.plusSeconds(i * 30L)));
                }
            }
            out.add(event(p, "GetObject", "203.0.113.9", BURST.minusSeconds(1800)));
            for (int i = 0; i < 200; i++) {
                out.add(event(p, "DeleteObject", "203.0.113.9", BURST.plusSeconds(i)));
            }
        }
        return out;
    }

    private static ActivityEvent event(String principal, String op, String ip, Instant at) {
        return ActivityEvent.builder().tenant("acme").time(at).eventClass(EventClass.API_ACTIVITY).operation(op)
                .principal(principal).srcIp(ip).userAgent("aws-cli/2.22.4").resourceType(ResourceType.DATA_STORAGE)
                .resourceId("s3://b").build();
    }
}
