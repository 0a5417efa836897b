package io.shadow.features.signal;

import io.shadow.features.EntityKey;
import io.shadow.features.ResourceType;
import java.time.Instant;
import java.util.List;

/**
 * A deviation from an entity's baseline, raised by an event, with the evidence behind it.
 *
 * @param score anomaly strength in z-units (spreads away from normal); the detector threshold
 *     applies to it
 * @param pattern what kind of anomaly it is, as {@code evidence@resource_type}, e.g.
 *     {@code bytes_out@data_storage}: prior incidents and feedback are counted per pattern
 */
public record Anomaly(
        String anomalyId,
        EntityKey entity,
        Instant time,
        String eventId,
        double score,
        String pattern,
        ResourceType resourceType,
        String resourceId,
        String principal,
        String host,
        String srcIp,
        String userAgent,
        List<Evidence> evidence) {

    public Anomaly {
        evidence = List.copyOf(evidence);
    }

    public Anomaly withEvidence(List<Evidence> more) {
        List<Evidence> all = new java.util.ArrayList<>(evidence);
        all.addAll(more);
        return new Anomaly(anomalyId, entity, time, eventId, score, pattern, resourceType, resourceId, principal, host,
                srcIp, userAgent, all);
    }
}
