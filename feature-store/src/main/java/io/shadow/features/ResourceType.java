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

    public static ResourceType fromWire(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown resource_type '" + name + "'; expected one of "
                    + Arrays.stream(values()).map(ResourceType::wireName).toList());
        }
    }
}
