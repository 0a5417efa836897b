package io.shadow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.agents.simulate.ScenarioScorecard;
import io.shadow.agents.simulate.WorkloadConfig;
import io.shadow.cli.config.ResolvedPaths;
import io.shadow.cli.demo.Demo;
import io.shadow.features.table.KernelTableReader;
import io.shadow.features.table.ShadowTable;
import io.shadow.mitigation.Band;
import io.shadow.mitigation.store.AuditEntry;
import io.shadow.mitigation.store.Database;
import io.shadow.mitigation.store.Mitigation;
import io.shadow.mitigation.store.MitigationStore;
import io.shadow.mitigation.store.NotificationRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The whole loop in-process, exactly as {@code bin/shadow demo} runs it: workload → spool →
 * landing zone → Spark ingest, features, baselines, training set → TF model in the registry →
 * scorer and mitigation API on a real port → live day over HTTP with enforcement → decisions →
 * feedback in Delta. Runs once ({@link DemoFixture}, shared with the backtest and notebook tests);
 * each test checks one promise of the loop.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoLoopIT {
    private Demo.Result result;
    private String output;
    private ResolvedPaths paths;

    @BeforeAll
    void runTheLoop() throws Exception {
        DemoFixture.Run run = DemoFixture.get();
        result = run.result();
        output = run.output();
        paths = ResolvedPaths.of(result.config());
    }

    @Test
    void everyInjectedScenarioIsMitigatedAtItsExpectedBand() {
        for (ScenarioScorecard.Row row : result.scorecard().rows()) {
            assertThat(row.detected()).as(row.scenario().name() + " detected").isTrue();
            assertThat(row.bandAsExpected()).as(row.scenario().name() + " reached band "
                    + row.scenario().expectedBand() + ", got " + row.bands()).isTrue();
            assertThat(row.secondsToMitigation()).as(row.scenario().name() + " mitigated within 30 simulated minutes")
                    .isBetween(0L, 1800L);
        }
        assertThat(output).contains("[9] Summary").contains("false mitigations on benign activity");
    }

    @Test
    void benignButUnusualActivityCostsAtMostOneFalseMitigation() {
        assertThat(result.scorecard().falseMitigations()).hasSizeLessThanOrEqualTo(1);
    }

    @Test
    void actionsTakeEffectBeforeTheUserIsNotifiedAndTheHighestRiskSkipsTheUser() {
        try (Database db = Database.open(paths.jdbcUrl(), "sa", "")) {
            MitigationStore store = new MitigationStore(db);
            List<Mitigation> emergencies = new ArrayList<>();
            for (Mitigation m : result.mitigations()) {
                // the one that reports the mitigation; a decision on it is notified after it (mitigation_rejected, …)
                List<NotificationRecord> notes = store.notifications(m.incidentId()).stream()
                        .filter(n -> m.mitigationId().equals(n.mitigationId()))
                        .filter(n -> n.kind().equals("mitigation_applied") || n.kind().equals("emergency_shutdown"))
                        .toList();
                assertThat(notes).as("notification of " + m.mitigationId()).hasSize(1);
                assertThat(notes.get(0).createdAt()).isAfterOrEqualTo(m.appliedAt());
                List<AuditEntry> audit = store.auditLog(null);
                long applied = audit.stream().filter(e -> e.subject().equals(m.mitigationId())
                        && e.action().startsWith("mitigation.") && !e.action().equals("mitigation.approve")
                        && !e.action().equals("mitigation.reject")).findFirst().orElseThrow().seq();
                long notified = audit.stream().filter(e -> e.subject().equals(m.incidentId())
                        && e.action().equals("notification.sent") && e.seq() > applied).findFirst().orElseThrow()
                        .seq();
                assertThat(applied).isLessThan(notified);
                if (m.band() == Band.HIGH) {
                    emergencies.add(m);
                }
            }
            assertThat(emergencies).as("the highest risks went through emergency shutdown").isNotEmpty()
                    .allSatisfy(m -> {
                        assertThat(m.path()).isEqualTo(Mitigation.EMERGENCY);
                        assertThat(store.mitigation(m.mitigationId()).orElseThrow().decidedBy())
                                .as("no user step before acting").isIn(null, "demo-operator");
                        assertThat(store.notifications(m.incidentId())).anyMatch(n -> n.kind()
                                .equals("emergency_shutdown"));
                    });
        }
    }

    @Test
    void theUsersDecisionsAreStoredWhereTheNightlyJobReadsThem() {
        assertThat(result.rejected()).isNotNull();
        assertThat(result.approved()).isNotNull();
        List<Map<String, String>> rows = new ArrayList<>();
        new KernelTableReader().scan(paths.catalog().path(ShadowTable.FEEDBACK), r -> rows.add(Map.of(
                "mitigation_id", r.string("mitigation_id"), "decision", r.string("decision"))));
        assertThat(rows).contains(Map.of("mitigation_id", result.rejected(), "decision", "reject"),
                Map.of("mitigation_id", result.approved(), "decision", "approve"));
        assertThat(result.feedbackRows()).isEqualTo(rows.size());
    }

    @Test
    void everyEventOfHistoryAndLiveDayReachedTheLandingZoneForTheNextNight() throws Exception {
        var workload = io.shadow.agents.simulate.WorkloadGenerator.generate(WorkloadConfig.defaults());
        java.util.Set<String> ids = new java.util.HashSet<>();
        try (var files = java.nio.file.Files.list(Path.of(java.net.URI.create(paths.landingEvents())))) {
            for (Path f : files.toList()) {
                for (String line : java.nio.file.Files.readAllLines(f)) {
                    ids.add(io.shadow.features.json.EventCodec.parse(line).eventId());
                }
            }
        }
        assertThat(ids).hasSize(workload.history().size() + workload.live().size());
    }

    @Test
    void theConfigItLeavesIsTheOneItRanOnAndItSaysHowToServeItForTheWebUi() {
        Path config = Path.of(result.config().dataDir()).resolve("shadow.yaml");
        var left = io.shadow.cli.config.ConfigLoader.load(config, Map.of(), List.of());
        assertThat(left.auth().tokens()).as("the tokens the run used").isEqualTo(result.config().auth().tokens());
        assertThat(left.auth().tokens()).anyMatch(t -> t.name().equals("demo-operator") && t.role().equals("operator"));
        assertThat(output).contains("[7] An operator (token demo-operator) reviews the mitigations through the API")
                .contains("to look at the result in the web UI, serve the demo's data:" + System.lineSeparator()
                        + "  bin/shadow serve --config " + config + System.lineSeparator()
                        + "then open http://127.0.0.1:8080/ui/ and sign in with the token of auth.tokens[demo-operator] "
                        + "in " + config + " (paste it into the \"API token\" field)");
        assertThat(left.auth().tokens()).allSatisfy(t -> assertThat(output).as("no secret printed")
                .doesNotContain(t.token()));
    }

    @Test
    void theRiskModelServingTheLiveDayIsTheTrainedTensorFlowChampion() {
        assertThat(result.mitigations()).isNotEmpty();
        assertThat(output).contains("model shadow-risk:1");
        assertThat(output).as("the champion's hold-out figures, each one readable")
                .containsPattern(": champion shadow-risk:1 \\(hold-out \\d+ rows, \\d+ in incidents \\(no-skill PR-AUC "
                        + "[0-9.]+\\): PR-AUC [0-9.]+, "
                        + "precision ([0-9.]+|n/a \\(no positive predictions\\)), recall [0-9.]+\\)")
                .doesNotContain("NaN");
        assertThat(result.mitigations()).allSatisfy(m -> assertThat(m.explanation())
                .contains("\"model\":\"shadow-risk:1\""));
    }
}
