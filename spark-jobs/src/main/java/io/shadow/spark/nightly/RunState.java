package io.shadow.spark.nightly;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the last run of one scope got through, kept in {@code _reports/<date>/state.json} and
 * rewritten after every step, so a run that dies (failure, kill, lost driver) can resume after
 * the last finished step.
 *
 * @param status {@code running}, {@code failed}, {@code interrupted} (the process was stopped during
 *     the run) or {@code succeeded}
 * @param finished names of the steps this run (or the runs it resumed) completed, in order
 * @param failedStep the step that failed, if one did
 * @param error that step's error message
 */
public record RunState(String scope, String status, Instant startedAt, Instant updatedAt, List<String> finished,
        String failedStep, String error) {
    public static final String RUNNING = "running";
    public static final String FAILED = "failed";
    public static final String SUCCEEDED = "succeeded";
    public static final String INTERRUPTED = "interrupted";

    public RunState {
        finished = List.copyOf(finished == null ? List.of() : finished);
    }

    static RunState start(String scope, List<String> carriedOver, Instant now) {
        return new RunState(scope, RUNNING, now, now, carriedOver, null, null);
    }

    RunState finishedStep(String step, Instant now) {
        List<String> f = new ArrayList<>(finished);
        f.add(step);
        return new RunState(scope, RUNNING, startedAt, now, f, null, null);
    }

    RunState failed(String step, String message, Instant now) {
        return new RunState(scope, FAILED, startedAt, now, finished, step, message);
    }

    RunState interrupted(String step, String message, Instant now) {
        return new RunState(scope, INTERRUPTED, startedAt, now, finished, step, message);
    }

    RunState succeeded(Instant now) {
        return new RunState(scope, SUCCEEDED, startedAt, now, finished, null, null);
    }

    /** True when a later run should pick up where this one stopped. */
    public boolean unfinished() {
        return !SUCCEEDED.equals(status);
    }
}
