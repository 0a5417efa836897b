package io.shadow.spark.nightly;

import com.fasterxml.jackson.databind.JsonNode;
import io.shadow.spark.Figure;
import io.shadow.spark.Figures;
import io.shadow.spark.SideBySide;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Runs a list of steps for one scope with a run state: plans where to start ({@link RunPlan}),
 * records each finished step at once, stops at the first failure with a message that names the
 * step and the command that resumes, and writes the report either way. Knows nothing of Spark.
 */
public final class NightlyRun {
    /** Set by a shutdown hook while a run is under way: the JVM is stopping (SIGTERM, Ctrl-C). */
    private static final AtomicBoolean STOPPING = new AtomicBoolean();
    private static final AtomicBoolean HOOKED = new AtomicBoolean();

    private final RunFiles files;
    private final Consumer<String> progress;
    private final Clock clock;
    private final BooleanSupplier stopping;

    public NightlyRun(RunFiles files, Consumer<String> progress, Clock clock) {
        this(files, progress, clock, STOPPING::get);
        if (HOOKED.compareAndSet(false, true)) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> STOPPING.set(true), "shadow-nightly-stopping"));
        }
    }

    /**
     * @param stopping true once the process is being stopped: a step that fails then is recorded as
     *     interrupted, not with the error its stopped Spark context raised (which reads like a bug)
     */
    NightlyRun(RunFiles files, Consumer<String> progress, Clock clock, BooleanSupplier stopping) {
        this.files = files;
        this.progress = line -> {
            synchronized (this) { // steps that run side by side report from their own threads
                progress.accept(line);
            }
        };
        this.clock = clock;
        this.stopping = stopping;
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
        int i = plan.start();
        while (i < steps.size()) {
            int end = i + 1;
            while (end < steps.size() && steps.get(end).besidePrevious()) {
                end++;
            }
            List<Done> group = runGroup(steps, i, end, request.scope());
            for (Done d : group) {
                if (d.failure() == null) {
                    outcomes.add(new RunReport.StepOutcome(d.step().name(), RunReport.RAN, d.seconds(), d.json(), null,
                            d.figures()));
                    state = state.finishedStep(d.step().name(), clock.instant());
                    files.writeState(state);
                } else {
                    outcomes.add(new RunReport.StepOutcome(d.step().name(), RunReport.FAILED, d.seconds(), null,
                            message(d.failure())));
                }
            }
            Done failed = group.stream().filter(d -> d.failure() != null).findFirst().orElse(null);
            if (failed != null) {
                Throwable e = failed.failure();
                String message = message(e);
                for (int j = end; j < steps.size(); j++) {
                    outcomes.add(new RunReport.StepOutcome(names.get(j), RunReport.NOT_RUN, 0, null, null));
                }
                files.writeState(state.failed(failed.step().name(), message, clock.instant()));
                RunReport report = report(request, RunState.FAILED, started, plan, outcomes, message);
                files.writeReport(report);
                throw new StepFailedException("nightly step '" + failed.step().name() + "' failed for "
                        + request.scope() + ": " + message + "; finished steps are recorded in " + files.directory()
                        + "/" + RunFiles.STATE + ", so after fixing the cause the same command resumes at '"
                        + failed.step().name() + "' (report: " + files.directory() + "/" + RunFiles.REPORT_TEXT + ")",
                        e, report);
            }
            i = end;
        }
        files.writeState(state.succeeded(clock.instant()));
        RunReport report = report(request, RunState.SUCCEEDED, started, plan, outcomes, null);
        files.writeReport(report);
        progress.accept(String.format("nightly run of %s succeeded in %.1f s; report: %s/%s", request.scope(),
                report.seconds(), files.directory(), RunFiles.REPORT_TEXT));
        return report;
    }

    /** How one step ended: its result as JSON (and as figures, if it gives them), or what it threw. */
    private record Done(NightlyStep step, double seconds, JsonNode json, List<Figure> figures, Throwable failure) {
    }

    /**
     * Runs steps {@code from} (inclusive) to {@code to} (exclusive) at the same time ({@link
     * SideBySide}: each on its own thread started from this one, so a step inherits the caller's
     * thread-local context, such as Spark's job group) and waits for all. Progress lines are
     * printed as each starts and ends.
     */
    private List<Done> runGroup(List<NightlyStep> steps, int from, int to, RunScope scope) {
        Done[] done = new Done[to - from];
        Runnable[] group = new Runnable[to - from];
        for (int k = from; k < to; k++) {
            int at = k;
            group[at - from] = () -> done[at - from] = runStep(steps, at, scope);
        }
        SideBySide.run(group);
        return List.of(done);
    }

    private Done runStep(List<NightlyStep> steps, int i, RunScope scope) {
        NightlyStep step = steps.get(i);
        progress.accept(String.format("  [%d/%d] %s ...", i + 1, steps.size(), step.name()));
        Instant t0 = clock.instant();
        try {
            Object result = step.work().run(scope);
            double s = seconds(t0);
            progress.accept(String.format("  [%d/%d] %s done in %.1f s: %s", i + 1, steps.size(), step.name(), s,
                    result));
            return new Done(step, s, result == null ? null : RunFiles.JSON.valueToTree(result),
                    result instanceof Figures f ? List.copyOf(f.figures()) : null, null);
        } catch (Exception | LinkageError raised) {
            double s = seconds(t0);
            Throwable e = raised;
            if (stopping.getAsBoolean()) {
                e = new InterruptedException("interrupted: the process was stopped (SIGTERM or Ctrl-C) while the "
                        + "step ran");
                e.initCause(raised);
            }
            progress.accept(String.format("  [%d/%d] %s FAILED after %.1f s: %s", i + 1, steps.size(), step.name(), s,
                    message(e)));
            return new Done(step, s, null, null, e);
        }
    }

    private static String message(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getName();
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
