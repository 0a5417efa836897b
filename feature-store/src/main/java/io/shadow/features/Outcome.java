package io.shadow.features;

import java.util.Locale;

/**
 * Whether the captured operation succeeded. {@code DENIED} is a request an enforcement point (a
 * gateway asking Shadow, an agent) blocked: it counts as an attempt, but not as a failure of the
 * principal's own doing, so Shadow's mitigations do not feed its own evidence.
 */
public enum Outcome {
    SUCCESS,
    FAILURE,
    DENIED,
    UNKNOWN;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    private static final java.util.Map<String, Outcome> BY_WIRE_NAME = java.util.Arrays.stream(values())
            .collect(java.util.stream.Collectors.toUnmodifiableMap(Outcome::wireName, v -> v));

    public static Outcome fromWire(String name) {
        Outcome exact = BY_WIRE_NAME.get(name); // the usual spelling, without a trim and an upper-case copy per event
        if (exact != null) {
            return exact;
        }
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown outcome '" + name + "'; expected success, failure, denied or unknown");
        }
    }
}
