package io.shadow.agents.simulate;

import io.shadow.features.EntityKey;
import java.time.Instant;
import java.util.Set;

/**
 * Ground truth of one injected attack: which entities it acts through, when its first malicious
 * event happened, and the band an analyst would expect. Only evaluation reads this; detectors never
 * see it.
 */
public record AttackScenario(String name, String description, Set<EntityKey> entities, Instant firstMaliciousEvent,
        Instant end, Band expectedBand) {
}
