package io.shadow.spark.nightly;

/**
 * One named unit of the nightly run. Names are kebab-case because operators type them
 * ({@code --from-step baselines}); each step must rewrite its outputs from its inputs so that a
 * re-run replaces them instead of adding to them.
 *
 * @param name the step's name in progress lines, the run state and {@code --from-step}
 * @param work what the step does; its result (a record or a string) goes into the run report
 * @param besidePrevious runs at the same time as the step before it (neither reads what the other
 *     writes); the step after them waits for both
 */
public record NightlyStep(String name, Work work, boolean besidePrevious) {

    public NightlyStep(String name, Work work) {
        this(name, work, false);
    }

    /** This step, run at the same time as the one before it. */
    public NightlyStep besidePreviousStep() {
        return new NightlyStep(name, work, true);
    }

    /** The step's body; it receives the run's scope (one event date, or every date). */
    @FunctionalInterface
    public interface Work {
        Object run(RunScope scope) throws Exception;
    }

    public NightlyStep {
        if (!name.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("nightly step name '" + name + "' must be kebab-case");
        }
    }
}
