package io.shadow.spark.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.features.table.KernelTableReader;
import io.shadow.features.table.ShadowTable;
import io.shadow.features.table.TableCatalog;
import io.shadow.mitigation.Band;
import io.shadow.mitigation.store.Database;
import io.shadow.mitigation.store.FeedbackRecord;
import io.shadow.mitigation.store.Incident;
import io.shadow.mitigation.store.Mitigation;
import io.shadow.mitigation.store.MitigationStore;
import io.shadow.model.detect.DetectorConfig;
import io.shadow.model.intel.ThreatIntel;
import io.shadow.model.risk.ResourceRisk;
import io.shadow.spark.SharedSpark;
import io.shadow.spark.training.TrainingSetJob;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An incident's label from all its mitigations, read from a real H2 store into Delta tables: each
 * incident escalated from a low step (a throttle) to a high one (a block), and reviewers decided on some
 * of the steps. Only an approve or modify confirms; only a reject of every step by a reviewer is benign;
 * anything in between awaits review, and counts as neither in the per-entity decision counts.
 */
class IncidentLabelsIT {
    private static final Instant T = Instant.parse("2026-11-09T10:00:00Z");
    private static final String PATTERN = "bytes_out@data_storage";

    @TempDir
    Path dir;

    private final SparkSession spark = SharedSpark.session();

    /** A decision on one step: by a reviewer ({@code alice}), or by the incident's own person. */
    private record Step(Band band, String decision, boolean own) {
        static Step undecided(Band band) {
            return new Step(band, null, false);
        }

        static Step reviewer(Band band, String decision) {
            return new Step(band, decision, false);
        }

        static Step ownPerson(Band band, String decision) {
            return new Step(band, decision, true);
        }
    }

    @Test
    void anIncidentIsBenignOnlyWhenAReviewerRejectedEveryOneOfItsMitigations() {
        TableCatalog catalog = TableCatalog.local(dir.resolve("warehouse"));
        String url = Database.h2Url(dir.resolve("store"));
        try (Database db = Database.open(url, "sa", "")) {
            MitigationStore store = new MitigationStore(db);
            // the demo's operator: the first step was not the right response, the escalation not reached yet
            incident(store, "u-1", Step.reviewer(Band.LOW, "reject"), Step.undecided(Band.HIGH));
            // ... and then reached: the escalation approved
            incident(store, "u-2", Step.reviewer(Band.LOW, "reject"), Step.reviewer(Band.HIGH, "approve"));
            incident(store, "u-3", Step.reviewer(Band.LOW, "reject"), Step.reviewer(Band.HIGH, "reject"));
            // the person's own rejection labels nothing, alone or beside a reviewer's
            incident(store, "u-4", Step.ownPerson(Band.HIGH, "reject"));
            incident(store, "u-5", Step.reviewer(Band.LOW, "reject"), Step.ownPerson(Band.HIGH, "reject"));
            incident(store, "u-6", Step.reviewer(Band.LOW, "reject"), Step.reviewer(Band.HIGH, "modify"));
        }

        FeedbackImportJob.Result r = new FeedbackImportJob(spark, catalog, url, "sa", "",
                Clock.fixed(T.plus(Duration.ofDays(1)), ZoneOffset.UTC), FeedbackImportJob.DEFAULT_REVIEW_WINDOW).run();

        Map<String, Integer> labels = new TreeMap<>();
        new KernelTableReader().scan(catalog.path(ShadowTable.INCIDENTS), row ->
                labels.put(row.string("entity_id"), row.intValue("label")));
        assertThat(labels).containsExactlyInAnyOrderEntriesOf(Map.of("u-2", 1, "u-3", 0, "u-6", 1));
        List<String> awaiting = new ArrayList<>();
        new KernelTableReader().scan(catalog.path(ShadowTable.UNREVIEWED_INCIDENTS), row ->
                awaiting.add(row.string("entity_id")));
        assertThat(awaiting).as("a step still undecided, or rejected only by the person themselves")
                .containsExactlyInAnyOrder("u-1", "u-4", "u-5");
        assertThat(r).extracting(FeedbackImportJob.Result::incidents, FeedbackImportJob.Result::confirmed,
                FeedbackImportJob.Result::unreviewed).containsExactly(3L, 2L, 3L);

        new TrainingSetJob(spark, catalog, DetectorConfig.defaults(), 0.5, ThreatIntel.EMPTY, ResourceRisk.defaults())
                .run();
        Map<String, String> decisions = new TreeMap<>();
        new KernelTableReader().scan(catalog.path(ShadowTable.ENTITY_PATTERN_STATS), row ->
                decisions.put(row.string("entity_id"), "confirmed " + row.longValue("confirmed") + ", rejected "
                        + row.longValue("rejected")));
        assertThat(decisions).as("the scorer's feedback step: a partly rejected incident is no rejection")
                .containsExactlyInAnyOrderEntriesOf(Map.of("u-2", "confirmed 1, rejected 0", "u-3", "confirmed 0, rejected 1",
                        "u-6", "confirmed 1, rejected 0"));
    }

    /** An incident of {@code user} opened at {@link #T} in the high band, with one mitigation per step. */
    private static void incident(MitigationStore store, String user, Step... steps) {
        String id = "inc-" + user;
        store.insertIncident(new Incident(id, "acme", "principal", user, user, null, "data_storage", "s3://b",
                PATTERN, Band.HIGH, 95, Incident.OPEN, T, T.plusSeconds(600), T, steps.length, "{}"));
        int n = 0;
        for (Step s : steps) {
            String mitigation = "mit-" + user + "-" + (++n);
            Instant applied = T.plusSeconds(300L * n);
            store.insertMitigation(new Mitigation(mitigation, id, "p-" + s.band(), s.band(), Mitigation.STANDARD,
                    s.band() == Band.LOW ? 45 : 95, Mitigation.APPLIED, "e", applied, applied, false, null, null,
                    "{}"), List.of());
            if (s.decision() != null) {
                String status = switch (s.decision()) {
                    case "approve" -> Mitigation.APPROVED;
                    case "modify" -> Mitigation.MODIFIED;
                    default -> Mitigation.REJECTED;
                };
                store.decide(mitigation, Set.of(Mitigation.APPLIED), status, new FeedbackRecord("fb-" + mitigation,
                        mitigation, id, "acme", "principal", user, PATTERN, s.decision(), "step " + n,
                        s.own() ? user : "alice", s.own(), applied.plusSeconds(600)));
            }
        }
    }
}
