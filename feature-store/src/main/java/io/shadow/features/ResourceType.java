package io.shadow.features;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
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

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    private static final WireNames<ResourceType> WIRE = new WireNames<>(ResourceType.class, ResourceType::wireName);

    @JsonCreator
    public static ResourceType fromWire(String name) {
        ResourceType t = WIRE.find(name);
        if (t == null) {
            throw new IllegalArgumentException("unknown resource_type '" + name + "'; expected one of "
                    + Arrays.stream(values()).map(ResourceType::wireName).toList());
        }
        return t;
    }
}
