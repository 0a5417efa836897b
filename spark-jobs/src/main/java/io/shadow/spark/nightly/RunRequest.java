package io.shadow.spark.nightly;

/**
 * How to run: which scope, and where to start. Without {@code fromStep} or {@code restart} a run
 * resumes after the steps an unfinished earlier run of the same scope completed; a scope whose
 * last run succeeded runs again from the first step, replacing its outputs.
 *
 * @param fromStep start at this step, whatever the run state says ({@code --from-step})
 * @param restart ignore the run state and run every step ({@code --restart})
 */
public record RunRequest(RunScope scope, String fromStep, boolean restart) {
    public RunRequest {
        java.util.Objects.requireNonNull(scope, "scope");
        if (fromStep != null && fromStep.isBlank()) {
            fromStep = null;
        }
        if (fromStep != null && restart) {
            throw new IllegalArgumentException("--from-step " + fromStep + " and --restart contradict each other: "
                    + "--restart runs every step, --from-step starts at one; give one of them");
        }
    }

    /** Resume if the last run of this scope failed, otherwise run every step. */
    public static RunRequest resumeOrRun(RunScope scope) {
        return new RunRequest(scope, null, false);
    }
}
