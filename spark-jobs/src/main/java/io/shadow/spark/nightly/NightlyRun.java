package io.shadow.spark.nightly;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs a list of steps for one scope with a run state: plans where to start ({@link RunPlan}),
 * records each finished step at once, stops at the first failure with a message that names the
 * step and the command that resumes, and writes the report either way. Knows nothing of Spark.
 */
public final class NightlyRun {
    private final RunFiles files;
    private final Consumer<String> progress;
    private final Clock clock;

    public NightlyRun(RunFiles files, Consumer<String> progress, Clock clock) {
        this.files = files;
        this.progress = progress;
        this.clock = clock;
    }

    /** Thrown when a step fails; the report and state are written before it is. */
    public static final class StepFailedException extends RuntimeException {
        private final transient RunReport report;

        StepFailedException(String message, Throwable cause, RunReport report) {
            super(message, cause);
            this.report = report;
        }

        public RunReport report() {
            return report;
        }
    }

    public RunReport run(List<NightlyStep> steps, RunRequest request) {
        List<String> names = steps.stream().map(NightlyStep::name).toList();
        if (names.stream().distinct().count() != names.size()) {
            throw new IllegalArgumentException("nightly step names must be unique: " + names);
        }
        RunPlan plan = RunPlan.of(names, request, files.readState());
        Instant started = clock.instant();
        RunState state = RunState.start(request.scope().key(), plan.carriedOver(), started);
        files.writeState(state);
        progress.accept(String.format("nightly run of %s: %s", request.scope(), plan.reason()));

        List<RunReport.StepOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < plan.start(); i++) {
            outcomes.add(new RunReport.StepOutcome(names.get(i), RunReport.SKIPPED, 0, null, null));
            progress.accept(String.format("  [%d/%d] %s: skipped (%s)", i + 1, steps.size(), names.get(i),
                    plan.carriedOver().contains(names.get(i)) ? "finished in the earlier run" : "before --from-step"));
        }
        for (int i = plan.start(); i < steps.size(); i++) {
            NightlyStep step = steps.get(i);
            progress.accept(String.format("  [%d/%d] %s ...", i + 1, steps.size(), step.name()));
            Instant t0 = clock.instant();
            Object result;
            try {
                result = step.work().run(request.scope());
            } catch (Exception | LinkageError e) {
                double s = seconds(t0);
                String message = e.getMessage() != null ? e.getMessage() : e.getClass().getName();
                outcomes.add(new RunReport.StepOutcome(step.name(), RunReport.FAILED, s, null, message));
                for (int j = i + 1; j < steps.size(); j++) {
                    outcomes.add(new RunReport.StepOutcome(names.get(j), RunReport.NOT_RUN, 0, null, null));
                }
                files.writeState(state.failed(step.name(), message, clock.instant()));
                RunReport report = report(request, RunState.FAILED, started, plan, outcomes, message);
                files.writeReport(report);
                progress.accept(String.format("  [%d/%d] %s FAILED after %.1f s: %s", i + 1, steps.size(),
                        step.name(), s, message));
                throw new StepFailedException("nightly step '" + step.name() + "' failed for " + request.scope()
                        + ": " + message + "; finished steps are recorded in " + files.directory() + "/"
                        + RunFiles.STATE + ", so after fixing the cause the same command resumes at '" + step.name()
                        + "' (report: " + files.directory() + "/" + RunFiles.REPORT_TEXT + ")", e, report);
            }
            double s = seconds(t0);
            JsonNode json = result == null ? null : RunFiles.JSON.valueToTree(result);
            outcomes.add(new RunReport.StepOutcome(step.name(), RunReport.RAN, s, json, null));
            state = state.finishedStep(step.name(), clock.instant());
            files.writeState(state);
            progress.accept(String.format("  [%d/%d] %s done in %.1f s: %s", i + 1, steps.size(), step.name(), s,
                    result));
        }
        files.writeState(state.succeeded(clock.instant()));
        RunReport report = report(request, RunState.SUCCEEDED, started, plan, outcomes, null);
        files.writeReport(report);
        progress.accept(String.format("nightly run of %s succeeded in %.1f s; report: %s/%s", request.scope(),
                report.seconds(), files.directory(), RunFiles.REPORT_TEXT));
        return report;
    }

    private RunReport report(RunRequest request, String status, Instant started, RunPlan plan,
            List<RunReport.StepOutcome> outcomes, String error) {
        Instant end = clock.instant();
        return new RunReport(request.scope().key(), status, started, end, Duration.between(started, end).toMillis()
                / 1000.0, plan.reason(), List.copyOf(outcomes), error);
    }

    private double seconds(Instant t0) {
        return Duration.between(t0, clock.instant()).toMillis() / 1000.0;
    }
}
