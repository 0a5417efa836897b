package io.shadow.features.signal;

import java.time.Instant;

/**
 * One piece of evidence behind an anomaly, in words a user can check: what was measured, what
 * was observed, what was expected, how far out it is and since when.
 *
 * @param kind {@code feature} (a numeric deviation), {@code combination} (features each in range whose
 *     combination is unusual for the entity), {@code novelty} (a first-seen value),
 *     {@code threat_intel} (a feed match) or {@link #COLD_START} (the entity has no baseline of its own yet:
 *     it is judged against its population's, which keeps its mitigations out of the emergency band unless a
 *     threat-intelligence match corroborates them)
 * @param deviations how many spreads away from the expected value (z-units)
 */
public record Evidence(String kind, String name, String observed, String expected, double deviations,
        Instant since) {
    /** Kind of the evidence that the entity was judged against its population's baseline, having none of its own. */
    public static final String COLD_START = "cold_start";
    /** Kind of a threat-intelligence feed match. */
    public static final String THREAT_INTEL = "threat_intel";

    /** One line for notifications and the demo output. */
    public String describe() {
        return switch (kind) {
            case "novelty" -> name + " '" + observed + "' new to this entity (" + expected + ")";
            case "threat_intel" -> name + " " + observed + " is listed in " + expected;
            case COLD_START -> "no baseline of its own yet: judged against " + expected;
            case "combination" -> String.format("combination of features unusual: %s; %s (%.1f spreads out, since %s)",
                    observed, expected, deviations, since);
            default -> String.format("%s = %s, expected %s (%.1f spreads out, since %s)", name, observed, expected,
                    deviations, since);
        };
    }
}
