package io.shadow.features;

import java.util.Arrays;

/**
 * The OCSF event class an {@link ActivityEvent} belongs to. Class ids are OCSF's own, except
 * {@link #RESOURCE_USAGE}, a Shadow extension for periodic CPU/memory/network samples (OCSF has
 * no class for metrics), numbered in OCSF's range for vendor extensions.
 */
public enum EventClass {
    FILE_ACTIVITY(1001),
    PROCESS_ACTIVITY(1007),
    NETWORK_ACTIVITY(4001),
    API_ACTIVITY(6003),
    DATASTORE_ACTIVITY(6005),
    RESOURCE_USAGE(99_001);

    private final int uid;

    EventClass(int uid) {
        this.uid = uid;
    }

    public int uid() {
        return uid;
    }

    public static EventClass fromUid(int uid) {
        for (EventClass c : values()) {
            if (c.uid == uid) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown OCSF class_uid " + uid + "; expected one of "
                + Arrays.stream(values()).map(c -> c.uid + " (" + c.name().toLowerCase() + ")").toList());
    }
}
