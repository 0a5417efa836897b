package io.shadow.model.registry;

import java.nio.file.Path;
import java.util.Map;

/**
 * A registered model version, with its artifacts available locally.
 *
 * @param localPath directory holding the model artifact (a SavedModel for the risk model)
 */
public record ModelVersion(String name, int version, String runId, Path localPath, Map<String, Double> metrics) {
    public String id() {
        return name + ":" + version;
    }
}
