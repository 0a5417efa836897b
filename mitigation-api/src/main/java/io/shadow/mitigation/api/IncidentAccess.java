package io.shadow.mitigation.api;

import io.shadow.mitigation.store.AuditEntry;
import io.shadow.mitigation.store.Incident;
import io.shadow.mitigation.store.Mitigation;
import io.shadow.mitigation.store.MitigationStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who sees which incident and which of its mitigations, one rule for the incident view, decisions and
 * history. A user sees an incident about their principal, or one with a mitigation acting on their
 * account (an incident of a host gathers several principals' anomalies, and a later mitigation may
 * restrict another person); of it, the mitigations acting on their account or on none (a host, a
 * process), not another person's. Operators see everything.
 */
final class IncidentAccess {
    private final MitigationStore store;

    IncidentAccess(MitigationStore store) {
        this.store = store;
    }

    /**
     * The incident {@code id} if the caller may see it. Another tenant's is answered with
     * {@code notFound}, exactly as one that does not exist, so its ids do not leak; another
     * principal's of the caller's own tenant is 403.
     */
    Incident visible(Caller c, String id, String notFound) {
        Incident i = store.incident(id).filter(x -> c.sees(x.tenant()))
                .orElseThrow(() -> new ApiError(404, notFound));
        if (!c.speaksFor(i.tenant(), i.principal()) && store.mitigationsOf(i.incidentId()).stream()
                .noneMatch(m -> c.speaksFor(i.tenant(), actsOn(i, m)))) {
            throw new ApiError(403, "incident " + id + " is not about you (" + c.principal() + "); ask an operator");
        }
        return i;
    }

    /** Whether the caller is shown {@code m} of incident {@code i} (which they may see). */
    boolean shown(Caller c, Incident i, Mitigation m) {
        if (c.seesEverything()) {
            return true;
        }
        String on = actsOn(i, m);
        return on == null || c.speaksFor(i.tenant(), on);
    }

    /**
     * Who released {@code mitigationId}'s actions, when and why (a release is not a decision, so it is
     * not in the decisions: the audit log has it), oldest first.
     */
    List<Map<String, Object>> releases(String mitigationId) {
        return store.auditLog(mitigationId).stream().filter(e -> e.action().equals("mitigation.released"))
                .map(IncidentAccess::release).toList();
    }

    private static Map<String, Object> release(AuditEntry e) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("by", e.actor());
        r.put("at", e.at());
        r.put("detail", e.detail());
        return r;
    }

    /**
     * The account {@code m} acts on: its recorded target's principal (null for a host, a process, a resource:
     * no one's account), else, for older rows without a target, the incident's.
     */
    private String actsOn(Incident i, Mitigation m) {
        Optional<MitigationStore.Target> t = store.targetOf(m.mitigationId());
        return t.isPresent() ? t.get().principal() : i.principal();
    }
}
