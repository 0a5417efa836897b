package io.shadow.model.registry;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs, registered model versions and aliases, in MLflow's model. {@link LocalModelRegistry} keeps
 * MLflow's file layout in a local directory (the embedded default); {@link MlflowModelRegistry}
 * backs the same interface with an MLflow tracking server at scale. {@link ModelRegistries#open}
 * picks one from {@code registry.uri}.
 */
public interface ModelRegistry {
    /** The alias the online scorer serves. */
    String CHAMPION = "champion";

    /** Starts a run in an experiment (created if missing); returns the run id. */
    String startRun(String experiment, Map<String, String> params);

    void logMetrics(String runId, Map<String, Double> metrics);

    /** Sets a tag on a run (also after it finished), e.g. the promotion decision. */
    void setTag(String runId, String key, String value);

    /** A tag of a run, if set; empty also for a run that is gone. */
    Optional<String> tag(String runId, String key);

    /** A local directory to write an artifact into before {@link #finishRun}. */
    Path artifactDirectory(String runId, String artifactPath);

    void finishRun(String runId, boolean succeeded);

    /** Registers the run's artifact as the next version of a model; returns the version number. */
    int registerVersion(String modelName, String runId, String artifactPath);

    void setAlias(String modelName, String alias, int version);

    Optional<ModelVersion> version(String modelName, String alias);

    /**
     * The version {@code alias} pointed at when {@link #version} last reached the registry, from the
     * local cache and without asking the registry: for serving through an outage. Empty when nothing
     * was cached, and for a registry that is a local directory (it cannot be out of reach).
     */
    default Optional<CachedVersion> lastSeen(String modelName, String alias) {
        return Optional.empty();
    }

    /** Every registered version of a model, oldest first, none loaded; empty if it has none. */
    List<RegisteredVersion> versions(String modelName);
}
