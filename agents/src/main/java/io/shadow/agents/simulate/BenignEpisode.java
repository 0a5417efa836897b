package io.shadow.agents.simulate;

import io.shadow.features.EntityKey;
import java.time.Instant;

/** Benign-but-unusual behaviour in the live phase: a mitigation here is a false one. */
public record BenignEpisode(String name, String description, EntityKey entity, Instant start, Instant end) {
}
