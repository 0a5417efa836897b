package io.shadow.features;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One observed resource activity, from any source, aligned with OCSF: who ({@code principal},
 * {@code srcIp}, {@code userAgent}), where ({@code host}), what ({@code eventClass},
 * {@code operation}, {@code resourceType}, {@code resourceId}), how it ended, and how much
 * (bytes, CPU and memory samples). Fields a source sends that are not modelled here are kept in
 * {@code raw}, never dropped.
 *
 * @param eventId stable id; every stage de-duplicates on it (see {@link EventIds})
 * @param principal user or service id; null for host samples
 * @param cpuPct CPU utilisation 0–100, for {@link EventClass#RESOURCE_USAGE} samples, else null
 * @param memPct memory utilisation 0–100, for {@link EventClass#RESOURCE_USAGE} samples, else null
 */
public record ActivityEvent(
        String eventId,
        Instant time,
        String tenant,
        EventClass eventClass,
        String operation,
        String principal,
        String srcIp,
        String userAgent,
        String host,
        ResourceType resourceType,
        String resourceId,
        Outcome outcome,
        long bytesIn,
        long bytesOut,
        Double cpuPct,
        Double memPct,
        Map<String, String> raw) {

    public ActivityEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(eventClass, "eventClass");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(resourceType, "resourceType");
        Objects.requireNonNull(outcome, "outcome");
        raw = raw == null ? Map.of() : Map.copyOf(raw);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().eventId(eventId).time(time).tenant(tenant).eventClass(eventClass)
                .operation(operation).principal(principal).srcIp(srcIp).userAgent(userAgent).host(host)
                .resourceType(resourceType).resourceId(resourceId).outcome(outcome).bytesIn(bytesIn)
                .bytesOut(bytesOut).cpuPct(cpuPct).memPct(memPct).raw(raw);
    }

    /** Fluent builder; {@link #build()} derives a stable id when none was set ({@link EventIds#forEvent}). */
    public static final class Builder {
        private String eventId;
        private Instant time;
        private String tenant = "default";
        private EventClass eventClass = EventClass.API_ACTIVITY;
        private String operation;
        private String principal;
        private String srcIp;
        private String userAgent;
        private String host;
        private ResourceType resourceType;
        private String resourceId;
        private Outcome outcome = Outcome.SUCCESS;
        private long bytesIn;
        private long bytesOut;
        private Double cpuPct;
        private Double memPct;
        private Map<String, String> raw = Map.of();

        public Builder eventId(String v) { eventId = v; return this; }
        public Builder time(Instant v) { time = v; return this; }
        public Builder tenant(String v) { tenant = v; return this; }
        public Builder eventClass(EventClass v) { eventClass = v; return this; }
        public Builder operation(String v) { operation = v; return this; }
        public Builder principal(String v) { principal = v; return this; }
        public Builder srcIp(String v) { srcIp = v; return this; }
        public Builder userAgent(String v) { userAgent = v; return this; }
        public Builder host(String v) { host = v; return this; }
        public Builder resourceType(ResourceType v) { resourceType = v; return this; }
        public Builder resourceId(String v) { resourceId = v; return this; }
        public Builder outcome(Outcome v) { outcome = v; return this; }
        public Builder bytesIn(long v) { bytesIn = v; return this; }
        public Builder bytesOut(long v) { bytesOut = v; return this; }
        public Builder cpuPct(Double v) { cpuPct = v; return this; }
        public Builder memPct(Double v) { memPct = v; return this; }
        public Builder raw(Map<String, String> v) { raw = v; return this; }

        public ActivityEvent build() {
            String id = eventId != null ? eventId
                    : EventIds.forEvent(tenant, time, eventClass, operation, principal, host, resourceId, srcIp,
                            outcome, bytesIn, bytesOut, userAgent, cpuPct, memPct);
            return new ActivityEvent(id, time, tenant, eventClass, operation, principal, srcIp, userAgent, host,
                    resourceType, resourceId, outcome, bytesIn, bytesOut, cpuPct, memPct, raw);
        }
    }
}
