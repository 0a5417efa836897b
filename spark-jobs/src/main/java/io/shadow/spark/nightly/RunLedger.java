package io.shadow.spark.nightly;

import com.fasterxml.jackson.databind.JsonNode;
import io.shadow.spark.Figure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One run while it is under way: what each step did, which steps are running, the warnings. The
 * run state and a {@code running} report are written at the start and as each step starts and ends, so an
 * earlier run's report never stands for this one; the run ends once, normally, at a failure or
 * stopped by the JVM's shutdown ({@link #interrupt}), whichever comes first: after that nothing is
 * written, so the shutdown hook and the run's own thread cannot overwrite each other.
 */
final class RunLedger {
    private final RunFiles files;
    private final RunRequest request;
    private final RunPlan plan;
    private final List<String> names;
    private final Clock clock;
    private final Instant started;
    private final RunReport.StepOutcome[] outcomes;
    private final Instant[] runningSince;
    private final List<RunReport.Warning> warnings = new ArrayList<>();
    private RunState state;
    private RunReport ended;

    RunLedger(RunFiles files, RunRequest request, RunPlan plan, List<String> names, Clock clock) {
        this.files = files;
        this.request = request;
        this.plan = plan;
        this.names = names;
        this.clock = clock;
        this.started = clock.instant();
        this.outcomes = new RunReport.StepOutcome[names.size()];
        this.runningSince = new Instant[names.size()];
        this.state = RunState.start(request.scope().key(), plan.carriedOver(), started);
        for (int i = 0; i < plan.start(); i++) {
            outcomes[i] = new RunReport.StepOutcome(names.get(i), RunReport.SKIPPED, 0, null, null);
        }
        files.writeState(state);
        files.writeReport(report(RunState.RUNNING, null, null));
    }

    /** Marks step {@code i} as running; false once the run has ended (the process is stopping). */
    synchronized boolean begin(int i) {
        if (ended != null) {
            return false;
        }
        runningSince[i] = clock.instant();
        files.writeReport(report(RunState.RUNNING, null, null));
        return true;
    }

    synchronized void ran(int i, double seconds, JsonNode result, List<Figure> figures, List<String> warned) {
        if (ended != null) {
            return; // interrupted meanwhile: the step counts as not finished, a resume runs it again
        }
        runningSince[i] = null;
        outcomes[i] = new RunReport.StepOutcome(names.get(i), RunReport.RAN, seconds, result, null, figures);
        warned.forEach(w -> warnings.add(new RunReport.Warning(names.get(i), w)));
        state = state.finishedStep(names.get(i), clock.instant());
        files.writeState(state);
        files.writeReport(report(RunState.RUNNING, null, null));
    }

    synchronized void failed(int i, double seconds, String error) {
        if (ended != null) {
            return;
        }
        runningSince[i] = null;
        outcomes[i] = new RunReport.StepOutcome(names.get(i), RunReport.FAILED, seconds, null, error);
    }

    /** The report the run ended with, if it has ended (e.g. {@link #interrupt} did it). */
    synchronized Optional<RunReport> ended() {
        return Optional.ofNullable(ended);
    }

    synchronized RunReport succeed() {
        if (ended == null) {
            state = state.succeeded(clock.instant());
            end(warnings.isEmpty() ? RunState.SUCCEEDED : RunReport.SUCCEEDED_WITH_WARNINGS, null);
        }
        return ended;
    }

    /** Ends the run at {@code step}'s failure; the steps not reached are {@code not run}. */
    synchronized RunReport fail(String step, String message, boolean interrupted) {
        if (ended == null) {
            state = interrupted ? state.interrupted(step, message, clock.instant())
                    : state.failed(step, message, clock.instant());
            end(interrupted ? RunState.INTERRUPTED : RunState.FAILED, message);
        }
        return ended;
    }

    /**
     * Ends the run as interrupted because the process is stopping: the steps running now are recorded
     * as interrupted, with when. Empty if the run had already ended.
     */
    synchronized Optional<RunReport> interrupt() {
        if (ended != null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        String at = null;
        for (int i = 0; i < names.size(); i++) {
            if (runningSince[i] != null) {
                at = at == null ? names.get(i) : at;
                outcomes[i] = new RunReport.StepOutcome(names.get(i), RunReport.FAILED, seconds(runningSince[i], now),
                        null, interruption(now, "the step ran"));
                runningSince[i] = null;
            }
        }
        int next = 0;
        while (next < names.size() && outcomes[next] != null) {
            next++;
        }
        String where = at != null ? "'" + at + "' ran" : next < names.size() ? "the run was about to start '"
                + names.get(next) + "'" : "the run was finishing";
        String message = interruption(now, where);
        state = state.interrupted(at != null ? at : next < names.size() ? names.get(next) : null, message, now);
        end(RunState.INTERRUPTED, message);
        return Optional.of(ended);
    }

    /** The error of a run or step the process was stopped in, with when. */
    static String interruption(Instant at, String what) {
        return "interrupted: the process was stopped (SIGTERM or Ctrl-C) at " + at + " while " + what;
    }

    private void end(String status, String error) {
        for (int i = 0; i < outcomes.length; i++) {
            if (outcomes[i] == null) {
                outcomes[i] = new RunReport.StepOutcome(names.get(i), RunReport.NOT_RUN, 0, null, null);
            }
        }
        Instant end = clock.instant();
        ended = report(status, end, error);
        files.writeState(state);
        files.writeReport(ended);
    }

    private RunReport report(String status, Instant finishedAt, String error) {
        Instant now = finishedAt != null ? finishedAt : clock.instant();
        List<RunReport.StepOutcome> steps = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            steps.add(outcomes[i] != null ? outcomes[i] : new RunReport.StepOutcome(names.get(i),
                    runningSince[i] != null ? RunReport.RUNNING : RunReport.PENDING, 0, null, null));
        }
        return new RunReport(request.scope().key(), status, List.copyOf(warnings), started, finishedAt,
                seconds(started, now), plan.reason(), steps, error);
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }
}
