package io.shadow.mitigation;

import io.shadow.features.EntityKey;
import io.shadow.features.ProcessRef;
import io.shadow.features.ResourceType;
import io.shadow.features.signal.Anomaly;
import io.shadow.features.signal.Assessment;
import io.shadow.features.signal.Evidence;
import io.shadow.features.signal.FactorContribution;
import io.shadow.features.signal.RiskScore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Assessments as the scorer hands them over: by default principal u-1 of tenant acme deleting
 * objects in a finance bucket from host ws-17, with one piece of evidence and a risk split
 * 20% base, 50% severity, 30% resource risk.
 */
public final class Assessments {
    public static final String TENANT = "acme";
    public static final Instant T0 = Instant.parse("2025-03-03T10:00:00Z");
    public static final String BUCKET = "s3://acme-finance/reports";
    public static final Evidence DELETES = new Evidence("feature", "deletes_per_hour", "412", "3 ± 1.5", 8.4,
            Instant.parse("2025-02-01T00:00:00Z"));

    private String tenant = TENANT;
    private String principal = "u-1";
    private String host = "ws-17";
    private ResourceType resourceType = ResourceType.DATA_STORAGE;
    private String resourceId = BUCKET;
    private Instant time = T0;
    private ProcessRef process;
    private boolean ofHost;
    private String evidence = "deletes";
    private final double risk;
    private final List<Evidence> more = new ArrayList<>();

    private Assessments(double risk) {
        this.risk = risk;
    }

    /** An assessment with this 0–100 risk score; change the defaults with the other methods. */
    public static Assessments risk(double risk) {
        return new Assessments(risk);
    }

    /** Another tenant than acme, whose principals may share names with acme's. */
    public Assessments tenant(String t) {
        this.tenant = t;
        return this;
    }

    public Assessments principal(String p) {
        this.principal = p;
        return this;
    }

    public Assessments host(String h) {
        this.host = h;
        return this;
    }

    public Assessments on(ResourceType type, String id) {
        this.resourceType = type;
        this.resourceId = id;
        return this;
    }

    /** Raised by an event about this process (pid, start time in clock ticks), as the agent's process events are. */
    public Assessments process(long pid, long startTicks) {
        this.process = new ProcessRef(pid, startTicks);
        return this;
    }

    /** An anomaly of the host (an incident of a host gathers several principals' anomalies), not of the principal. */
    public Assessments ofHost() {
        this.ofHost = true;
        return this;
    }

    /** What kind of anomaly it is: its pattern's part before {@code @} ({@code failures}, {@code bytes_out}, …). */
    public Assessments evidence(String kind) {
        this.evidence = kind;
        return this;
    }

    /** Evidence beside the deletes (a cold-start note, a threat-intelligence match). */
    public Assessments with(Evidence more) {
        this.more.add(more);
        return this;
    }

    public Assessments later(Duration d) {
        this.time = T0.plus(d);
        return this;
    }

    public Assessment build() {
        String eventId = "evt-" + UUID.randomUUID();
        Anomaly a = new Anomaly("anm-" + UUID.randomUUID(), ofHost ? EntityKey.host(tenant, host)
                : EntityKey.principal(tenant, principal), time, eventId, 8.4,
                evidence + "@" + resourceType.wireName(), resourceType, resourceId, principal, host, "10.1.2.3",
                "aws-cli/2.15", Stream.concat(Stream.of(DELETES), more.stream()).toList(), process);
        RiskScore score = new RiskScore(risk, risk * 0.2, List.of(new FactorContribution("severity", 0.8, risk * 0.5),
                new FactorContribution("resource_risk", 0.6, risk * 0.3)), "risk:3");
        return new Assessment(a, score);
    }
}
