package io.shadow.features.signal;

import io.shadow.features.EntityKey;
import io.shadow.features.ProcessRef;
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
 * @param process the process the raising event is about (its pid and start time), so that a process
 *     action hits that process and not every process of its executable; null when the event named none
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
        List<Evidence> evidence,
        ProcessRef process) {

    public Anomaly {
        evidence = List.copyOf(evidence);
    }

    /** An anomaly not about one known process. */
    public Anomaly(String anomalyId, EntityKey entity, Instant time, String eventId, double score, String pattern,
            ResourceType resourceType, String resourceId, String principal, String host, String srcIp,
            String userAgent, List<Evidence> evidence) {
        this(anomalyId, entity, time, eventId, score, pattern, resourceType, resourceId, principal, host, srcIp,
                userAgent, evidence, null);
    }

    public Anomaly withEvidence(List<Evidence> more) {
        List<Evidence> all = new java.util.ArrayList<>(evidence);
        all.addAll(more);
        return new Anomaly(anomalyId, entity, time, eventId, score, pattern, resourceType, resourceId, principal, host,
                srcIp, userAgent, all, process);
    }
}
