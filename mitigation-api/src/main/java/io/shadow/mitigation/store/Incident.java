package io.shadow.mitigation.store;

import com.fasterxml.jackson.annotation.JsonRawValue;
import io.shadow.mitigation.Band;
import java.time.Instant;

/**
 * A run of anomalies on one entity, from the first until it is resolved; mitigations hang off it.
 *
 * @param firstSeen event time of the first anomaly
 * @param explanation JSON: the latest anomaly's evidence and risk factors, {@code {"anomaly": …,
 *     "risk": …}}; the API answers it as that object, not as a string holding it
 */
public record Incident(String incidentId, String tenant, String entityKind, String entityId, String principal,
        String host, String resourceType, String resourceId, String pattern, Band band, double risk, String status,
        Instant firstSeen, Instant lastSeen, Instant openedAt, int anomalies, @JsonRawValue String explanation) {

    public static final String OPEN = "open";
    public static final String RESOLVED = "resolved";
}
