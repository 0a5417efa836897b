package io.shadow.model.registry;

/**
 * A registered version whose run (with its model files) is gone from the registry, e.g. a run
 * directory deleted by hand. Promotion and training treat such a champion as one that no longer
 * loads, so it never blocks promoting another version; the message names the run and the registry.
 */
public final class MissingRunException extends IllegalStateException {
    private final String versionId;
    private final String runId;
    private final String registry;

    MissingRunException(String versionId, String runId, String registry, String fix) {
        super(versionId + " was registered from run " + runId + ", which is missing from the model registry at "
                + registry + "; " + fix);
        this.versionId = versionId;
        this.runId = runId;
        this.registry = registry;
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
        return "its run " + runId + " is missing from the model registry at " + registry;
    }
}
