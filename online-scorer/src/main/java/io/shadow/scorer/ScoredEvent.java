package io.shadow.scorer;

import io.shadow.features.signal.Assessment;
import java.util.List;

/**
 * The scorer's verdict on one event: the anomalies it raised with their risk, and what the
 * mitigation side did with each; or that it was a duplicate of an event scored recently (same
 * tenant and {@code event_id}), which is not scored again.
 */
public record ScoredEvent(String eventId, List<Assessment> assessments, List<String> outcomes, boolean duplicate) {
    public ScoredEvent(String eventId, List<Assessment> assessments, List<String> outcomes) {
        this(eventId, assessments, outcomes, false);
    }

    /** An event whose id was seen recently: not scored again. */
    public static ScoredEvent duplicateOf(String eventId) {
        return new ScoredEvent(eventId, List.of(), List.of(), true);
    }

    public boolean anomalous() {
        return !assessments.isEmpty();
    }
}
