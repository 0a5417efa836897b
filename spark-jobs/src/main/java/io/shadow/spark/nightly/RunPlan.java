package io.shadow.spark.nightly;

import java.util.List;
import java.util.Optional;

/**
 * Where a run starts: the first step, the step an operator named, or the first step an unfinished
 * earlier run of the same scope did not complete. Steps before the start are skipped; every step
 * from it on runs, finished earlier or not, because later steps read what earlier ones wrote.
 *
 * @param start index of the first step to run
 * @param carriedOver steps skipped because an earlier run finished them (kept in the new state)
 * @param reason one line for the operator
 */
public record RunPlan(int start, List<String> carriedOver, String reason) {
    /** The step that syncs threat feeds: in a run only when a feed or a TAXII server is configured. */
    static final String THREAT_INTEL = "threat-intel";

    /** Index of {@code step}; the error names the flag and lists the steps. */
    public static int checkStep(List<String> steps, String step) {
        int i = steps.indexOf(step);
        if (i < 0 && THREAT_INTEL.equals(step)) {
            throw new IllegalArgumentException("--from-step '" + step + "' is not a step of this run: it syncs threat "
                    + "feeds, and none is configured (intel.feeds or intel.taxii.url; --threat-feed or --taxii-url "
                    + "under spark-submit); steps in order: " + String.join(", ", steps));
        }
        if (i < 0) {
            throw new IllegalArgumentException("--from-step '" + step + "' is not a nightly step; steps in order: "
                    + String.join(", ", steps));
        }
        return i;
    }

    public static RunPlan of(List<String> steps, RunRequest request, Optional<RunState> previous) {
        if (request.fromStep() != null) {
            int i = checkStep(steps, request.fromStep());
            return new RunPlan(i, List.of(), "starting at '" + request.fromStep() + "' as asked (--from-step)");
        }
        if (request.restart()) {
            return new RunPlan(0, List.of(), "running every step (--restart)");
        }
        if (previous.isEmpty()) {
            return new RunPlan(0, List.of(), "first run of " + request.scope());
        }
        RunState p = previous.get();
        if (!p.unfinished()) {
            return new RunPlan(0, List.of(), "the last run of " + request.scope() + " succeeded at " + p.updatedAt()
                    + "; running every step again (outputs are replaced, not added to)");
        }
        int i = 0;
        while (i < steps.size() && p.finished().contains(steps.get(i))) {
            i++;
        }
        if (i == 0) {
            return new RunPlan(0, List.of(), "the last run of " + request.scope() + " (" + p.status()
                    + ") finished no step; running every step");
        }
        if (i == steps.size()) {
            return new RunPlan(0, List.of(), "the last run of " + request.scope() + " finished every step but "
                    + "was not marked done; running every step");
        }
        return new RunPlan(i, List.copyOf(steps.subList(0, i)), "resuming the " + p.status() + " run of "
                + request.scope() + " at '" + steps.get(i) + "'" + (RunState.INTERRUPTED.equals(p.status()) ? " ("
                + p.error() + ")" : p.failedStep() != null ? " (it failed there: " + p.error() + ")"
                : RunState.RUNNING.equals(p.status()) ? " (it stopped without a word: killed, or the machine went down;"
                        + " if it is still running elsewhere, stop this one: two runs of one warehouse interfere)"
                : "") + "; skipping " + String.join(", ", steps.subList(0, i)));
    }
}
