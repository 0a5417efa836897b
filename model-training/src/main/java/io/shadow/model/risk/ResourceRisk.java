package io.shadow.model.risk;

import io.shadow.features.ResourceType;
import java.util.EnumMap;
import java.util.Map;

/** The inherent risk of each resource type, 0–1: what is at stake when it is misused. */
public final class ResourceRisk {
    private final Map<ResourceType, Double> risk;

    public ResourceRisk(Map<ResourceType, Double> risk) {
        this.risk = new EnumMap<>(ResourceType.class);
        for (ResourceType t : ResourceType.values()) {
            Double v = risk.get(t);
            if (v == null || v < 0 || v > 1) {
                throw new IllegalArgumentException("risk.resource-types." + t.wireName() + " = " + v
                        + "; every resource type needs a risk between 0 and 1");
            }
            this.risk.put(t, v);
        }
    }

    /** Identity 0.9, data storage and databases 0.8, processes 0.6, compute 0.6, network 0.5. */
    public static ResourceRisk defaults() {
        return new ResourceRisk(Map.of(ResourceType.IDENTITY, 0.9, ResourceType.DATA_STORAGE, 0.8,
                ResourceType.DATABASE, 0.8, ResourceType.PROCESS, 0.6, ResourceType.COMPUTE, 0.6,
                ResourceType.NETWORK, 0.5));
    }

    public double of(ResourceType t) {
        return risk.get(t);
    }
}
