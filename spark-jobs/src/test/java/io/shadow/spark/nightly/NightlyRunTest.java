package io.shadow.spark.nightly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.shadow.model.promotion.ChampionPromotion;
import io.shadow.model.risk.ModelMetrics;
import io.shadow.spark.StepWarnings;
import io.shadow.spark.feedback.FeedbackImportJob;
import io.shadow.spark.ingest.IngestJob;
import io.shadow.spark.intel.ThreatIntelSyncJob;
import io.shadow.spark.training.TrainAndPromote;
import io.shadow.spark.training.TrainingSetJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run state, resume, --from-step and --restart and the report, with plain steps and real files. */
class NightlyRunTest {
    private static final RunScope DAY = RunScope.of(LocalDate.parse("2026-11-09"));

    @TempDir
    Path warehouse;

    private final List<String> ran = new ArrayList<>();
    private final List<String> progress = new ArrayList<>();
    private String failAt;

    @BeforeEach
    void reset() {
        ran.clear();
        failAt = null;
    }

    private List<NightlyStep> steps() {
        List<NightlyStep> steps = new ArrayList<>();
        for (String name : List.of("ingest", "features", "baselines", "training-set")) {
            steps.add(new NightlyStep(name, scope -> {
                if (name.equals(failAt)) {
                    throw new IllegalStateException("input of " + name + " is corrupt");
                }
                ran.add(name);
                return name + " for " + scope.key();
            }));
        }
        return steps;
    }

    private RunFiles files() {
        return new RunFiles(new Configuration(), warehouse.toUri(), DAY);
    }

    private RunReport run(RunRequest request) {
        return new NightlyRun(files(), progress::add, Clock.systemUTC()).run(steps(), request);
    }

    @Test
    void aStepThatFailsWhileTheProcessIsStoppedIsRecordedAsInterrupted() throws Exception {
        failAt = "features"; // what a step throws when the stopping JVM has stopped its Spark context
        NightlyRun run = new NightlyRun(files(), progress::add, Clock.systemUTC(), () -> true);

        assertThatThrownBy(() -> run.run(steps(), RunRequest.resumeOrRun(DAY)))
                .isInstanceOf(NightlyRun.StepFailedException.class)
                .hasMessageContaining("interrupted: the process was stopped (SIGTERM or Ctrl-C) at 20")
                .hasMessageContaining(" while the step ran")
                .hasMessageNotContaining("corrupt");
        RunState state = files().readState().orElseThrow();
        assertThat(state.status()).isEqualTo(RunState.INTERRUPTED);
        assertThat(state.failedStep()).isEqualTo("features");
        assertThat(state.error()).startsWith("interrupted: the process was stopped");
    }

    @Test
    void aRunStoppedInAStepThatDoesNotThrowIsRecordedAsInterruptedByTheShutdownHook() throws Exception {
        run(RunRequest.resumeOrRun(DAY)); // an earlier run of the date succeeded: its report must not stand
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<NightlyStep> steps = new ArrayList<>(steps().subList(0, 3));
        steps.add(new NightlyStep("train-and-promote", scope -> { // like TensorFlow: the stopping JVM does not stop it
            started.countDown();
            release.await();
            return "trained";
        }));
        var outcome = java.util.concurrent.CompletableFuture.supplyAsync(() -> new NightlyRun(files(), progress::add,
                Clock.systemUTC(), () -> false).run(steps, new RunRequest(DAY, null, true)));
        assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
        JsonNode running = RunFiles.JSON.readTree(files().read(RunFiles.REPORT_JSON).orElseThrow());
        assertThat(running.get("status").asText()).as("the earlier run's report is replaced at once")
                .isEqualTo("running");
        assertThat(running.get("steps").findValuesAsText("status")).containsExactly("ran", "ran", "ran", "running");

        NightlyRun.interruptActiveRuns(); // what the shutdown hook does on SIGTERM

        RunState state = files().readState().orElseThrow();
        assertThat(state.status()).isEqualTo(RunState.INTERRUPTED);
        assertThat(state.failedStep()).isEqualTo("train-and-promote");
        assertThat(state.error()).matches("interrupted: the process was stopped \\(SIGTERM or Ctrl-C\\) at "
                + "20[-0-9T:.]+Z while 'train-and-promote' ran");
        assertThat(state.finished()).containsExactly("ingest", "features", "baselines");
        JsonNode json = RunFiles.JSON.readTree(files().read(RunFiles.REPORT_JSON).orElseThrow());
        assertThat(json.get("status").asText()).isEqualTo("interrupted");
        assertThat(json.get("error").asText()).isEqualTo(state.error());
        assertThat(json.get("steps").findValuesAsText("status")).containsExactly("ran", "ran", "ran", "failed");
        assertThat(json.get("steps").get(3).get("error").asText()).startsWith("interrupted: the process was stopped")
                .endsWith(" while the step ran");
        assertThat(files().read(RunFiles.REPORT_TEXT).orElseThrow())
                .startsWith("Nightly run of event date 2026-11-09: interrupted\n")
                .contains("\n  Error:     interrupted: the process was stopped");
        assertThat(progress).anySatisfy(l -> assertThat(l).startsWith("nightly run of event date 2026-11-09 "
                + "interrupted: the process was stopped").contains("the same command resumes there"));

        String recorded = files().read(RunFiles.STATE).orElseThrow();
        NightlyRun.interruptActiveRuns();
        release.countDown(); // the step ends after all: the run's own thread must not overwrite the record
        assertThatThrownBy(outcome::join).hasCauseInstanceOf(NightlyRun.StepFailedException.class)
                .hasMessageContaining("nightly run of event date 2026-11-09 interrupted: the process was stopped");
        assertThat(files().read(RunFiles.STATE).orElseThrow()).isEqualTo(recorded);

        ran.clear();
        RunReport resumed = run(RunRequest.resumeOrRun(DAY));
        assertThat(resumed.plan()).startsWith("resuming the interrupted run of event date 2026-11-09 at "
                + "'training-set'");
    }

    @Test
    void aStepsWarningsComeFirstInTheReportAndTheRunSucceedsWithWarnings() throws Exception {
        record Rows(long rows, List<String> warnings) implements StepWarnings {
        }
        List<NightlyStep> steps = List.of(new NightlyStep("ingest", scope -> "0 events"),
                new NightlyStep("features", scope -> new Rows(0, List.of("no stored events for 2026-11-09"))));

        RunReport report = new NightlyRun(files(), progress::add, Clock.systemUTC()).run(steps,
                RunRequest.resumeOrRun(DAY));

        assertThat(report.status()).isEqualTo(RunReport.SUCCEEDED_WITH_WARNINGS).isEqualTo("succeeded-with-warnings");
        JsonNode json = RunFiles.JSON.readTree(files().read(RunFiles.REPORT_JSON).orElseThrow());
        assertThat(json.get("status").asText()).isEqualTo("succeeded-with-warnings");
        assertThat(json.get("warnings")).hasSize(1);
        assertThat(json.get("warnings").get(0).get("step").asText()).isEqualTo("features");
        assertThat(json.get("warnings").get(0).get("message").asText()).isEqualTo("no stored events for 2026-11-09");
        assertThat(files().read(RunFiles.REPORT_TEXT).orElseThrow()).startsWith("""
                Nightly run of event date 2026-11-09: succeeded with 1 warning

                  WARNING (features): no stored events for 2026-11-09

                  Started:""");
        assertThat(progress).contains("  [2/2] features WARN: no stored events for 2026-11-09");
        assertThat(files().readState().orElseThrow().status()).as("finished: nothing to resume")
                .isEqualTo(RunState.SUCCEEDED);

        RunReport clean = run(RunRequest.resumeOrRun(DAY));
        assertThat(clean.status()).isEqualTo("succeeded");
        assertThat(RunFiles.JSON.readTree(files().read(RunFiles.REPORT_JSON).orElseThrow()).get("warnings"))
                .isEmpty();
    }

    @Test
    void aFailedRunResumesAtTheFailedStepAndSkipsTheFinishedOnes() throws Exception {
        failAt = "baselines";
        assertThatThrownBy(() -> run(RunRequest.resumeOrRun(DAY)))
                .isInstanceOf(NightlyRun.StepFailedException.class)
                .hasMessageStartingWith("nightly step 'baselines' failed for event date 2026-11-09: input of "
                        + "baselines is corrupt; finished steps are recorded in ")
                .hasMessageContaining("the same command resumes at 'baselines'");
        assertThat(ran).containsExactly("ingest", "features");
        RunState state = files().readState().orElseThrow();
        assertThat(state.status()).isEqualTo(RunState.FAILED);
        assertThat(state.finished()).containsExactly("ingest", "features");
        assertThat(state.failedStep()).isEqualTo("baselines");
        JsonNode failedReport = RunFiles.JSON.readTree(files().read(RunFiles.REPORT_JSON).orElseThrow());
        assertThat(failedReport.get("status").asText()).isEqualTo("failed");
        assertThat(failedReport.get("steps").findValuesAsText("status"))
                .containsExactly("ran", "ran", "failed", "not run");
        assertThat(files().read(RunFiles.REPORT_TEXT).orElseThrow())
                .startsWith("Nightly run of event date 2026-11-09: failed\n")
                .contains("\n  Error:     input of baselines is corrupt\n")
                .containsPattern("\nStep 3 of 4, baselines: failed after [0-9]+\\.[0-9] s\n"
                        + "  Error:  input of baselines is corrupt\n")
                .endsWith("\nStep 4 of 4, training-set: not run (a step before it failed)\n");

        failAt = null;
        ran.clear();
        RunReport resumed = run(RunRequest.resumeOrRun(DAY));
        assertThat(ran).containsExactly("baselines", "training-set");
        assertThat(resumed.skipped()).containsExactly("ingest", "features");
        assertThat(resumed.plan()).startsWith("resuming the failed run of event date 2026-11-09 at 'baselines' "
                + "(it failed there: input of baselines is corrupt); skipping ingest, features");
        assertThat(files().readState().orElseThrow().finished())
                .containsExactly("ingest", "features", "baselines", "training-set");
        assertThat(progress).contains("  [1/4] ingest: skipped (finished in the earlier run)",
                "  [3/4] baselines ...");

        ran.clear();
        RunReport again = run(RunRequest.resumeOrRun(DAY));
        assertThat(ran).as("a succeeded date runs every step again").containsExactly("ingest", "features",
                "baselines", "training-set");
        assertThat(again.plan()).contains("succeeded").contains("running every step again");
    }

    @Test
    void fromStepAndRestartOverrideTheRunState() {
        failAt = "training-set";
        assertThatThrownBy(() -> run(RunRequest.resumeOrRun(DAY))).isInstanceOf(NightlyRun.StepFailedException.class);
        failAt = null;
        ran.clear();
        run(new RunRequest(DAY, "features", false));
        assertThat(ran).containsExactly("features", "baselines", "training-set");

        failAt = "training-set";
        assertThatThrownBy(() -> run(RunRequest.resumeOrRun(DAY))).isInstanceOf(NightlyRun.StepFailedException.class);
        failAt = null;
        ran.clear();
        RunReport restarted = run(new RunRequest(DAY, null, true));
        assertThat(ran).containsExactly("ingest", "features", "baselines", "training-set");
        assertThat(restarted.plan()).isEqualTo("running every step (--restart)");
    }

    @Test
    void badRequestsNameTheFlag() {
        assertThatThrownBy(() -> run(new RunRequest(DAY, "baseline", false)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--from-step 'baseline' is not a nightly step; steps in order: ingest, features, "
                        + "baselines, training-set");
        assertThatThrownBy(() -> run(new RunRequest(DAY, "threat-intel", false))).as("no feed configured")
                .hasMessage("--from-step 'threat-intel' is not a step of this run: it syncs threat feeds, and none is "
                        + "configured (intel.feeds or intel.taxii.url; --threat-feed or --taxii-url under "
                        + "spark-submit); steps in order: ingest, features, baselines, training-set");
        assertThatThrownBy(() -> new RunRequest(DAY, "features", true))
                .hasMessageStartingWith("--from-step features and --restart contradict each other");
        LocalDate today = LocalDate.parse("2026-11-25");
        assertThatThrownBy(() -> RunScope.parse("2026-11-31", today))
                .hasMessage("--date '2026-11-31' is not a date; use YYYY-MM-DD, e.g. 2026-11-24");
        assertThatThrownBy(() -> RunScope.parse("2026-11-26", today))
                .hasMessageStartingWith("--date 2026-11-26 is in the future (today is 2026-11-25 UTC)");
        assertThat(RunScope.parse("2026-11-24", today).key()).isEqualTo("2026-11-24");
        assertThat(RunScope.yesterdayUtc(Clock.fixed(java.time.Instant.parse("2026-11-25T00:30:00Z"),
                java.time.ZoneOffset.UTC)).date()).isEqualTo(LocalDate.parse("2026-11-24"));
        assertThat(ran).isEmpty();
    }

    @Test
    void theReportHasAJsonAndATableUnderTheDatesFolder() throws Exception {
        RunReport r = run(RunRequest.resumeOrRun(DAY));
        Path dir = warehouse.resolve("_reports/2026-11-09");
        assertThat(dir.resolve("report.json")).exists();
        assertThat(dir.resolve("state.json")).exists();
        String table = Files.readString(dir.resolve("report.txt"));
        assertThat(table).startsWith("Nightly run of event date 2026-11-09: succeeded\n  Started:   20")
                .containsPattern("\n  Finished:  20[-0-9T:.]+Z\n  Duration:  [0-9]+\\.[0-9] s\n"
                        + "  Plan:      first run of event date 2026-11-09\n")
                .containsPattern("\nStep 2 of 4, features: ran in [0-9]+\\.[0-9] s\n"
                        + "  Result:  features for 2026-11-09\n");
        JsonNode json = RunFiles.JSON.readTree(dir.resolve("report.json").toFile());
        assertThat(json.get("scope").asText()).isEqualTo("2026-11-09");
        assertThat(json.get("steps").get(0).get("result").asText()).isEqualTo("ingest for 2026-11-09");
        assertThat(r.ran()).hasSize(4);
        assertThat(Optional.ofNullable(json.get("error")).map(JsonNode::isNull).orElse(true)).isTrue();
    }

    @Test
    void stepsBesideTheirPreviousRunAtTheSameTimeAndAFailureAmongThemKeepsTheOthersFinished() throws Exception {
        // baselines and novelty each wait until the other has started: run one after the other, they time out
        CountDownLatch bothStarted = new CountDownLatch(2);
        List<String> sideBySide = Collections.synchronizedList(new ArrayList<>());
        NightlyStep.Work meetTheOther = scope -> {
            bothStarted.countDown();
            return bothStarted.await(20, TimeUnit.SECONDS) ? "met" : "alone";
        };
        List<NightlyStep> steps = List.of(new NightlyStep("features", scope -> "features"),
                new NightlyStep("baselines", meetTheOther),
                new NightlyStep("novelty-profiles", meetTheOther).besidePreviousStep(),
                new NightlyStep("training-set", scope -> {
                    sideBySide.add("training-set");
                    return "done";
                }));
        RunReport report = new NightlyRun(files(), progress::add, Clock.systemUTC()).run(steps,
                RunRequest.resumeOrRun(DAY));
        assertThat(report.steps()).extracting(RunReport.StepOutcome::name).containsExactly("features", "baselines",
                "novelty-profiles", "training-set");
        assertThat(report.steps()).extracting(o -> o.result() == null ? null : o.result().asText())
                .containsExactly("features", "met", "met", "done");

        // the second time novelty fails while baselines succeeds: baselines is recorded, training does not run
        CountDownLatch again = new CountDownLatch(2);
        NightlyStep.Work meet = scope -> {
            again.countDown();
            return again.await(20, TimeUnit.SECONDS) ? "met" : "alone";
        };
        List<NightlyStep> failing = List.of(new NightlyStep("features", scope -> "features"),
                new NightlyStep("baselines", meet),
                new NightlyStep("novelty-profiles", scope -> {
                    meet.run(scope);
                    throw new IllegalStateException("novelty partials are corrupt");
                }).besidePreviousStep(),
                new NightlyStep("training-set", scope -> {
                    sideBySide.add("training-set (after a failure)");
                    return "done";
                }));
        assertThatThrownBy(() -> new NightlyRun(files(), progress::add, Clock.systemUTC()).run(failing,
                new RunRequest(DAY, null, true)))
                .isInstanceOf(NightlyRun.StepFailedException.class)
                .hasMessageContaining("nightly step 'novelty-profiles' failed")
                .hasMessageContaining("resumes at 'novelty-profiles'");
        RunState state = files().readState().orElseThrow();
        assertThat(state.finished()).containsExactly("features", "baselines");
        assertThat(state.failedStep()).isEqualTo("novelty-profiles");
        assertThat(sideBySide).containsExactly("training-set");
    }

    @Test
    void eachStepsProgressLineReadsAsFiguresAndTheReportKeepsTheFields() {
        List<NightlyStep> steps = List.of(
                new NightlyStep("feedback-import", scope -> new FeedbackImportJob.Result(1250, 7, 1, 2, null)),
                new NightlyStep("ingest", scope -> new IngestJob.Result(1, 105242, 0)),
                new NightlyStep("threat-intel", scope -> new ThreatIntelSyncJob.Result(12004, 3, 11890, 1,
                        List.of("feeds/blocklist.txt", "taxii:https://intel.example/api"), List.of(), List.of(),
                        ThreatIntelSyncJob.DEFAULT_MAX_HELD)),
                new NightlyStep("training-set", scope -> new TrainingSetJob.Result(438, 1, 9, 12, 2051)),
                new NightlyStep("train-and-promote", scope -> new TrainAndPromote.Outcome(PROMOTED)));

        RunReport report = new NightlyRun(files(), progress::add, Clock.systemUTC()).run(steps,
                RunRequest.resumeOrRun(DAY));

        assertThat(progress.stream().filter(l -> l.contains(" done in ")).map(l -> l.replaceFirst(
                " done in [0-9.]+ s: ", " done: "))).containsExactly(
                "  [1/5] feedback-import done: 1,250 feedback rows, 7 reviewed incidents (1 confirmed), 2 awaiting "
                        + "review (kept out of normal, unlabelled)",
                "  [2/5] ingest done: 105,242 events in 1 batch, 0 quarantined",
                "  [3/5] threat-intel done: 12,004 indicators fetched from feeds/blocklist.txt, "
                        + "taxii:https://intel.example/api, 3 skipped; table: 11,890 active, 1 revoked",
                "  [4/5] training-set done: 438 training rows, 1 of them in confirmed incidents (9 anomalies in "
                        + "incidents awaiting review left out), 12 tenant patterns, 2,051 entity patterns",
                "  [5/5] train-and-promote done: version 5 promoted: " + PROMOTED.reason());
        assertThat(report.steps().get(1).result().get("events").asLong()).as("report.json keeps the figures as "
                + "numbers").isEqualTo(105242);
    }

    private static final ChampionPromotion.Decision PROMOTED = new ChampionPromotion.Decision(5, true,
            new ModelMetrics(450, 150, 29, 0.9123, 0.75, 0.6, 0.5), "shadow-risk:4",
            new ModelMetrics(0, 150, 29, 0.8012, 0.7, 0.5, 0.5), "challenger PR-AUC 0.9123 vs champion 0.8012: promoted");

    @Test
    void theReportReadsAsLabelledFiguresOneSectionPerStepAndTheJsonKeepsTheResultsFields() throws Exception {
        List<NightlyStep> steps = List.of(
                new NightlyStep("feedback-import", scope -> new FeedbackImportJob.Result(1250, 7, 1, 2, null)),
                new NightlyStep("ingest", scope -> new IngestJob.Result(1, 105242, 0)),
                new NightlyStep("features", scope -> RowsWritten.forDate("silver/features", 61752, scope.date(),
                        "feature row", List.of())),
                new NightlyStep("threat-intel", scope -> new ThreatIntelSyncJob.Result(12004, 3, 11890, 1,
                        List.of("feeds/blocklist.txt"), List.of("line 7: not an IP, CIDR, URL or domain"), List.of(),
                        ThreatIntelSyncJob.DEFAULT_MAX_HELD)),
                new NightlyStep("training-set", scope -> new TrainingSetJob.Result(438, 1, 9, 12, 2051)),
                new NightlyStep("train-and-promote", scope -> new TrainAndPromote.Outcome(PROMOTED)));

        new NightlyRun(files(), progress::add, Clock.systemUTC()).run(steps, RunRequest.resumeOrRun(DAY));

        String text = files().read(RunFiles.REPORT_TEXT).orElseThrow().replaceAll("in [0-9]+\\.[0-9] s\n",
                "in 1.0 s\n");
        assertThat(text).contains("""
                Step 1 of 6, feedback-import: ran in 1.0 s
                  Feedback imported:          1,250 rows
                  Incidents reviewed:         7 incidents
                  Incidents confirmed:        1 incident
                  Incidents awaiting review:  2 incidents

                Step 2 of 6, ingest: ran in 1.0 s
                  Events ingested:       105,242 events
                  Landing batches read:  1 batch
                  Events quarantined:    0 events

                Step 3 of 6, features: ran in 1.0 s
                  Result:  61,752 feature rows for 2026-11-09

                Step 4 of 6, threat-intel: ran in 1.0 s
                  Indicators fetched:    12,004 indicators
                  Sources:               feeds/blocklist.txt
                  Entries skipped:       3 entries
                  Active in the table:   11,890 indicators
                  Revoked in the table:  1 indicator
                  First problem:         line 7: not an IP, CIDR, URL or domain

                Step 5 of 6, training-set: ran in 1.0 s
                  Training rows:           438 rows
                  In confirmed incidents:  1 row
                  Left out as unreviewed:  9 anomalies
                  Tenant patterns:         12 patterns
                  Entity patterns:         2,051 patterns

                Step 6 of 6, train-and-promote: ran in 1.0 s
                  Version registered:  shadow-risk:5
                  Promoted:            yes, now champion
                  Challenger:          PR-AUC 0.912, precision 0.750, recall 0.600 on 150 hold-out rows, 29 in \
                incidents (no-skill PR-AUC 0.193), at threshold 0.50, trained on 450 rows
                  Champion before:     shadow-risk:4, PR-AUC 0.801, precision 0.700, recall 0.500 on 150 hold-out \
                rows, 29 in incidents (no-skill PR-AUC 0.193), at threshold 0.50
                  Reason:              challenger PR-AUC 0.9123 vs champion 0.8012: promoted
                """);
        assertThat(text).as("no record syntax, no field names").doesNotContainPattern("[A-Za-z]\\[[a-zA-Z]+=")
                .doesNotContain("=", "entityPatterns", "holdout_rows", "championId", "prAuc", "null");
        assertThat(text.lines().filter(l -> l.startsWith("  ")))
                .allSatisfy(l -> assertThat(l).matches("  [A-Z][A-Za-z -]*: +\\S.*"));

        JsonNode json = RunFiles.JSON.readTree(files().read(RunFiles.REPORT_JSON).orElseThrow());
        assertThat(json.get("steps").get(1).get("result")).isEqualTo(RunFiles.JSON.readTree(RunFiles.json(
                new IngestJob.Result(1, 105242, 0))));
        assertThat(json.get("steps").get(1).get("result").fieldNames()).toIterable()
                .containsExactly("batches", "events", "quarantined");
        assertThat(json.get("steps").get(2).get("result")).as("the features step's figures as numbers")
                .isEqualTo(RunFiles.JSON.readTree("{\"table\": \"silver/features\", \"rows\": 61752, "
                        + "\"unit\": \"feature row\", \"date\": \"2026-11-09\"}"));
        assertThat(RunFiles.JSON.readTree(RunFiles.json(RowsWritten.of("gold/baselines", 3212,
                "entity-feature baseline")))).as("what 'rows' counts, as it is not the table's rows")
                .isEqualTo(RunFiles.JSON.readTree("{\"table\": \"gold/baselines\", \"rows\": 3212, "
                        + "\"unit\": \"entity-feature baseline\"}"));
        assertThat(RowsWritten.of("gold/baselines", 3212, "entity-feature baseline"))
                .hasToString("3,212 entity-feature baselines");
        assertThat(RowsWritten.everyDate("silver/features", 1, "feature row")).hasToString("1 feature row, every date");
        assertThat(json.get("steps").get(5).get("result")).as("the decision's own fields, as before")
                .isEqualTo(RunFiles.JSON.readTree(RunFiles.json(PROMOTED)));
        assertThat(json.get("steps").get(0).fieldNames()).toIterable()
                .containsExactly("name", "status", "seconds", "result", "error");
    }
}
