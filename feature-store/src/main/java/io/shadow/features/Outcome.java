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

    private static final WireNames<Outcome> WIRE = new WireNames<>(Outcome.class, Outcome::wireName);

    public static Outcome fromWire(String name) {
        Outcome o = WIRE.find(name);
        if (o == null) {
            throw new IllegalArgumentException("unknown outcome '" + name + "'; expected success, failure, denied or unknown");
        }
        return o;
    }
}
