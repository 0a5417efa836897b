package io.shadow.scorer;

import io.shadow.features.signal.Assessment;
import java.util.List;

/**
 * The scorer's verdict on one event: the anomalies it raised with their risk, and what the
 * mitigation side did with each.
 */
public record ScoredEvent(String eventId, List<Assessment> assessments, List<String> outcomes) {
    public boolean anomalous() {
        return !assessments.isEmpty();
    }
}
