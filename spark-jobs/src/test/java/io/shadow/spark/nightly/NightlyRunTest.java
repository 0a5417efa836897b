package io.shadow.spark.nightly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.shadow.spark.feedback.FeedbackImportJob;
import io.shadow.spark.ingest.IngestJob;
import io.shadow.spark.intel.ThreatIntelSyncJob;
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
                .hasMessageContaining("interrupted: the process was stopped (SIGTERM or Ctrl-C) while the step ran")
                .hasMessageNotContaining("corrupt");
        RunState state = files().readState().orElseThrow();
        assertThat(state.failedStep()).isEqualTo("features");
        assertThat(state.error()).startsWith("interrupted: the process was stopped");
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
        assertThat(table).startsWith("nightly run of 2026-11-09: succeeded in ");
        assertThat(table).containsPattern("(?m)^features +ran +[0-9.]+  features for 2026-11-09$");
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
                new NightlyStep("feedback-import", scope -> new FeedbackImportJob.Result(1250, 7, 1, null)),
                new NightlyStep("ingest", scope -> new IngestJob.Result(1, 105242, 0)),
                new NightlyStep("threat-intel", scope -> new ThreatIntelSyncJob.Result(12004, 3, 11890, 1,
                        List.of("feeds/blocklist.txt", "taxii:https://intel.example/api"), List.of())),
                new NightlyStep("training-set", scope -> new TrainingSetJob.Result(438, 1, 12, 2051)));

        RunReport report = new NightlyRun(files(), progress::add, Clock.systemUTC()).run(steps,
                RunRequest.resumeOrRun(DAY));

        assertThat(progress.stream().filter(l -> l.contains(" done in ")).map(l -> l.replaceFirst(
                " done in [0-9.]+ s: ", " done: "))).containsExactly(
                "  [1/4] feedback-import done: 1,250 feedback rows, 7 reviewed incidents (1 confirmed)",
                "  [2/4] ingest done: 105,242 events in 1 batch, 0 quarantined",
                "  [3/4] threat-intel done: 12,004 indicators fetched from feeds/blocklist.txt, "
                        + "taxii:https://intel.example/api, 3 skipped; table: 11,890 active, 1 revoked",
                "  [4/4] training-set done: 438 training rows, 1 of them in confirmed incidents, 12 tenant patterns, "
                        + "2,051 entity patterns");
        assertThat(report.steps().get(1).result().get("events").asLong()).as("report.json keeps the figures as "
                + "numbers").isEqualTo(105242);
    }
}
