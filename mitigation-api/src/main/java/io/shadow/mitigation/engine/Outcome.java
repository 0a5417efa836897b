package io.shadow.mitigation.engine;

import io.shadow.mitigation.Band;

/**
 * What the engine did with an assessment.
 *
 * @param kind {@code observed} (below the low threshold), {@code attached} (added to an open
 *     incident already mitigated at this band or higher), {@code mitigated} (new incident, actions
 *     applied) or {@code escalated} (open incident, higher band, more actions applied)
 */
public record Outcome(String kind, Band band, String incidentId, String mitigationId) {
    public static Outcome observed(Band b) {
        return new Outcome("observed", b, null, null);
    }
}
