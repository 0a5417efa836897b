package io.shadow.model.registry;

import java.time.Instant;
import java.util.Map;

/**
 * A registered model version as listed, without downloading or loading it.
 *
 * @param registeredAt when it was registered; null if the registry does not say
 * @param metrics its run's metrics (hold-out figures); empty when the run is missing
 * @param runMissing the run is gone from the registry, so the version cannot be served
 */
public record RegisteredVersion(String name, int version, String runId, Instant registeredAt,
        Map<String, Double> metrics, boolean runMissing) {
    public RegisteredVersion {
        metrics = Map.copyOf(metrics);
    }

    public String id() {
        return name + ":" + version;
    }
}
