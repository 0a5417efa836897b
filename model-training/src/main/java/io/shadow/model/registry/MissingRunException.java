package io.shadow.model.registry;

/**
 * A registered version whose run (with its model files) is gone from the registry: a run directory
 * deleted by hand, an MLflow run deleted or garbage-collected, or its model files removed.
 * Promotion and training treat such a champion as one that no longer loads, so it never blocks
 * promoting another version; the message names the version, the run and the registry.
 */
public final class MissingRunException extends IllegalStateException {
    private final String versionId;
    private final String runId;
    private final String state;

    /**
     * @param state what became of the run, completing "which …", e.g. {@code is missing from the model
     *     registry at /var/shadow/registry/mlruns}
     * @param fix what was done about it and what to do, e.g. {@code alias 'champion' stays where it was; …}
     */
    MissingRunException(String versionId, String runId, String state, String fix) {
        super(versionId + " was registered from run " + runId + ", which " + state + "; " + fix);
        this.versionId = versionId;
        this.runId = runId;
        this.state = state;
    }

    /** The version as {@code name:number}. */
    public String versionId() {
        return versionId;
    }

    public String runId() {
        return runId;
    }

    /** What is wrong in a few words, for a line that goes on to say what was done about it. */
    public String missing() {
        return "its run " + runId + " " + state;
    }
}
