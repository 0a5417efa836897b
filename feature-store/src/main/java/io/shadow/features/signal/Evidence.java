package io.shadow.features.signal;

import java.time.Instant;

/**
 * One piece of evidence behind an anomaly, in words a user can check: what was measured, what
 * was observed, what was expected, how far out it is and since when.
 *
 * @param kind {@code feature} (a numeric deviation), {@code combination} (features each in range whose
 *     combination is unusual for the entity), {@code novelty} (a first-seen value) or
 *     {@code threat_intel} (a feed match)
 * @param deviations how many spreads away from the expected value (z-units)
 */
public record Evidence(String kind, String name, String observed, String expected, double deviations,
        Instant since) {

    /** One line for notifications and the demo output. */
    public String describe() {
        return switch (kind) {
            case "novelty" -> name + " '" + observed + "' new to this entity (" + expected + ")";
            case "threat_intel" -> name + " " + observed + " is listed in " + expected;
            case "combination" -> String.format("combination of features unusual: %s; %s (%.1f spreads out, since %s)",
                    observed, expected, deviations, since);
            default -> String.format("%s = %s, expected %s (%.1f spreads out, since %s)", name, observed, expected,
                    deviations, since);
        };
    }
}
