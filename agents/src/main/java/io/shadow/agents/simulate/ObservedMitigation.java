package io.shadow.agents.simulate;

import io.shadow.features.EntityKey;
import java.time.Instant;

/**
 * A mitigation as evaluation sees it.
 *
 * @param eventTime event time of the anomaly that triggered it (simulated time)
 * @param band {@code low}, {@code medium} or {@code high}
 */
public record ObservedMitigation(String mitigationId, EntityKey entity, Instant eventTime, String band, double risk,
        String profile, String path, String actions) {
}
