package io.shadow.features;

import java.util.Locale;

/** Whether the captured operation succeeded. */
public enum Outcome {
    SUCCESS,
    FAILURE,
    UNKNOWN;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Outcome fromWire(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown outcome '" + name + "'; expected success, failure or unknown");
        }
    }
}
