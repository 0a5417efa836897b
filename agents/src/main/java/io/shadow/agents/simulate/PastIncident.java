package io.shadow.agents.simulate;

import io.shadow.features.EntityKey;
import java.time.Instant;

/**
 * An episode in the history that the security team already reviewed: a confirmed incident or a
 * false alarm they rejected. The demo loads these as past decisions so the first nightly run has
 * labels to learn from.
 */
public record PastIncident(String name, EntityKey entity, Instant start, Instant end, boolean confirmed) {
}
