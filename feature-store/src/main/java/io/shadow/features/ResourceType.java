package io.shadow.features;

import java.util.Arrays;
import java.util.Locale;

/** The kind of resource an event touches; mitigation profiles and risk factors key on it. */
public enum ResourceType {
    DATA_STORAGE,
    DATABASE,
    NETWORK,
    COMPUTE,
    PROCESS,
    IDENTITY;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    private static final java.util.Map<String, ResourceType> BY_WIRE_NAME = java.util.Arrays.stream(values())
            .collect(java.util.stream.Collectors.toUnmodifiableMap(ResourceType::wireName, v -> v));

    public static ResourceType fromWire(String name) {
        ResourceType exact = BY_WIRE_NAME.get(name); // the usual spelling, without a trim and an upper-case copy per event
        if (exact != null) {
            return exact;
        }
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown resource_type '" + name + "'; expected one of "
                    + Arrays.stream(values()).map(ResourceType::wireName).toList());
        }
    }
}
