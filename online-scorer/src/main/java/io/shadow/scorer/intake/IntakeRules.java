package io.shadow.scorer.intake;

import com.fasterxml.jackson.databind.JsonNode;
import io.shadow.features.ActivityEvent;
import io.shadow.features.json.EventCodec;
import io.shadow.features.json.EventFormatException;
import io.shadow.features.json.TransferLimit;
import io.shadow.mitigation.api.Caller;
import io.shadow.mitigation.api.Role;
import io.shadow.mitigation.store.ColumnLimits;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * What the scorer accepts beyond the wire format: an event names its tenant (unless the scorer is
 * configured with a default one), its names fit the mitigation store's columns, its time is at
 * most {@code maxFutureSkew} ahead of the scorer's clock, and its {@code bytes_in} and
 * {@code bytes_out} are at most {@code maxTransferBytes} ({@link TransferLimit}). Past times are
 * fine (late and replayed events). An event from the future would move its entities' current
 * bucket there, so that every real event after it counted as late and their volumes went
 * unjudged until that time. Events sent with an agent token bound to a tenant or a host
 * ({@link #forCaller}) must belong to that tenant and name that host: otherwise one compromised host
 * could make up any host's activity, or activity of another tenant's principals. (It can still report
 * any principal's activity on its own host, as its agent legitimately does.) An event without a tenant
 * belongs to {@code defaultTenant} whoever sends it, as in the nightly ingest, which does not know
 * the token: the token's tenant is a confinement, not a default.
 *
 * @param defaultTenant the tenant of events that name none; null: {@code tenant} is required
 * @param agent the agent token every event is checked against (its {@code tenant} and host, the
 *     {@code principal}); null: none (service tokens, agent tokens bound to neither)
 */
public record IntakeRules(String defaultTenant, Duration maxFutureSkew, long maxTransferBytes, Clock clock,
        Caller agent) {

    /** Rules for callers bound to no tenant and no host. */
    public IntakeRules(String defaultTenant, Duration maxFutureSkew, long maxTransferBytes, Clock clock) {
        this(defaultTenant, maxFutureSkew, maxTransferBytes, clock, null);
    }

    /**
     * These rules for one caller: an agent token bound to a tenant or a host ({@code tenant},
     * {@code principal} of its {@code auth.tokens} entry) may only send events of that tenant that
     * name that host; unbound agent tokens and service tokens may send any.
     */
    public IntakeRules forCaller(Caller caller) {
        if (caller == null || caller.role() != Role.AGENT || (caller.tenant() == null && boundHost(caller) == null)) {
            return this;
        }
        return new IntakeRules(defaultTenant, maxFutureSkew, maxTransferBytes, clock, caller);
    }

    private static String boundHost(Caller agent) {
        return agent.principal() == null || agent.principal().isBlank() ? null : agent.principal();
    }

    /** Reads one event from its tree and applies the rules; {@link EventFormatException} names the field. */
    public ActivityEvent decode(JsonNode node) {
        return check(EventCodec.fromNode(node, defaultTenant));
    }

    /** Reads one event from its JSON text and applies the rules. */
    public ActivityEvent decode(String json) {
        return check(EventCodec.parse(json, defaultTenant));
    }

    /** The latest event time accepted now; also the horizon beyond which restored state is not trusted. */
    public Instant horizon() {
        return clock.instant().plus(maxFutureSkew);
    }

    private ActivityEvent check(ActivityEvent e) {
        // an anomaly on this event must be recordable: a value the mitigation store cannot hold would
        // fail the whole batch after scoring, and its sender would send it again and again
        fits("tenant", e.tenant(), ColumnLimits.TENANT);
        fits("principal", e.principal(), ColumnLimits.PRINCIPAL);
        fits("host", e.host(), ColumnLimits.HOST);
        fits("resource_id", e.resourceId(), ColumnLimits.RESOURCE_ID);
        fits("event_id", e.eventId(), ColumnLimits.EVENT_ID);
        if (agent != null) {
            checkBinding(e);
        }
        Instant now = clock.instant();
        if (e.time().isAfter(now.plus(maxFutureSkew))) {
            throw new EventFormatException("time", e.time() + " is more than " + maxFutureSkew + " ahead of the "
                    + "scorer's clock (" + now + "); such an event would blind detection for its principal and host "
                    + "until then. Fix the sender's clock, or raise scorer.max-future-skew if the scorer's clock is "
                    + "behind");
        }
        TransferLimit.check(e, maxTransferBytes, "Fix the sender, or raise scorer.max-transfer-bytes if single "
                + "transfers this large are real");
        return e;
    }

    private void checkBinding(ActivityEvent e) {
        if (!agent.actsIn(e.tenant())) {
            // an event without a tenant is the default tenant's here as in the nightly ingest: say so
            String defaulted = e.tenant().equals(defaultTenant) ? " (an event without a tenant belongs to "
                    + "scorer.default-tenant '" + defaultTenant + "')" : "";
            throw new EventFormatException("tenant", "'" + e.tenant() + "' is not the tenant" + defaulted
                    + "; agent token '" + agent.name() + "' is bound to tenant '" + agent.tenant() + "' and may only "
                    + "send events of that tenant (tenant: " + agent.tenant() + "). Set the agent's tenant to "
                    + agent.tenant() + ", and send other tenants' events with a token of theirs");
        }
        String host = boundHost(agent);
        if (host != null && !host.equals(e.host())) {
            throw new EventFormatException("host", (e.host() == null ? "is missing" : "'" + e.host() + "' is not "
                    + "the host") + "; agent token '" + agent.name() + "' is bound to host '" + host + "' and may "
                    + "only send events that name it (host: " + host + "). Send other hosts' events, and those "
                    + "of collectors that report no host (CloudTrail, Kubernetes audit, applications), with an "
                    + "unbound agent token or a service token");
        }
    }

    private static void fits(String field, String value, int max) {
        String problem = ColumnLimits.tooLong(field, value, max);
        if (problem != null) {
            throw new EventFormatException(field, problem + " (an anomaly on it could not be recorded)");
        }
    }
}
