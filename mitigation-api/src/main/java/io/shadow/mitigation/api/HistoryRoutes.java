package io.shadow.mitigation.api;

import static io.shadow.mitigation.api.Role.OPERATOR;
import static io.shadow.mitigation.api.Role.USER;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.shadow.mitigation.store.Incident;
import io.shadow.mitigation.store.Mitigation;
import io.shadow.mitigation.store.MitigationStore;
import io.shadow.mitigation.store.SupersededDecision;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * History per user and per resource: every incident, newest first, with what was done (emergency
 * shutdowns included), who decided what, and when each action ended.
 */
public final class HistoryRoutes {
    private final MitigationStore store;
    private final IncidentAccess access;

    public HistoryRoutes(MitigationStore store) {
        this.store = store;
        this.access = new IncidentAccess(store);
    }

    public void register(JavalinConfig cfg) {
        cfg.routes.get("/v1/history/users/{principal}", this::ofUser, USER, OPERATOR);
        cfg.routes.get("/v1/history/resources", this::ofResource, USER, OPERATOR);
    }

    private void ofUser(Context ctx) {
        RequestLimits.onlyQueryParams(ctx, "tenant", "limit");
        Caller c = ServiceApp.caller(ctx);
        String principal = ctx.pathParam("principal");
        if (!c.seesEverything() && !principal.equals(c.principal())) {
            throw new ApiError(403, "history of " + principal + " is not yours (" + c.principal()
                    + "); ask an operator");
        }
        // a user's own principal, in their own tenant only: a namesake in another tenant is someone else;
        // an operator narrows to one tenant with ?tenant=
        List<Incident> incidents = c.listScope(ctx.queryParam("tenant"))
                .map(scope -> store.incidents(scope.tenant(), principal, RequestLimits.listLimit(ctx)))
                .orElse(List.of());
        ctx.json(history(c, "principal", principal, incidents));
    }

    private void ofResource(Context ctx) {
        RequestLimits.onlyQueryParams(ctx, "id", "tenant", "limit");
        Caller c = ServiceApp.caller(ctx);
        String resource = ctx.queryParam("id");
        if (resource == null || resource.isBlank()) {
            throw new ApiError(400, "query parameter 'id' (the resource id, e.g. s3://bucket/prefix) is required");
        }
        List<Incident> incidents = c.listScope(ctx.queryParam("tenant"))
                .map(scope -> store.incidentsOn(resource, scope.tenant(), c.seesEverything() ? null : c.principal(),
                        RequestLimits.listLimit(ctx)))
                .orElse(List.of());
        ctx.json(history(c, "resource", resource, incidents));
    }

    private Map<String, Object> history(Caller c, String kind, String subject, List<Incident> incidents) {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (Incident i : incidents) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("incident", summary(i));
            List<Map<String, Object>> ms = new ArrayList<>();
            List<SupersededDecision> superseded = store.supersededOf(i.incidentId());
            for (Mitigation m : store.mitigationsOf(i.incidentId())) {
                if (!access.shown(c, i, m)) {
                    continue; // another person's account, in an incident of a host they share
                }
                Map<String, Object> mm = new LinkedHashMap<>();
                mm.put("mitigationId", m.mitigationId());
                mm.put("profile", m.profile());
                mm.put("band", m.band().wireName());
                mm.put("path", m.path());
                mm.put("status", m.status());
                mm.put("appliedAt", m.appliedAt());
                mm.put("decidedBy", m.decidedBy());
                mm.put("decidedAt", m.decidedAt());
                // a person's own decision a review took the place of: still part of what happened
                List<Map<String, Object>> replaced = superseded.stream()
                        .filter(d -> d.mitigationId().equals(m.mitigationId())).map(d -> {
                            Map<String, Object> dm = new LinkedHashMap<>();
                            dm.put("decision", d.decision());
                            dm.put("decidedBy", d.decidedBy());
                            dm.put("decidedAt", d.decidedAt());
                            dm.put("supersededBy", d.supersededBy());
                            dm.put("supersededAt", d.supersededAt());
                            return dm;
                        }).toList();
                if (!replaced.isEmpty()) {
                    mm.put("superseded", replaced);
                }
                mm.put("actions", store.actionsOf(m.mitigationId()).stream().map(a -> {
                    Map<String, Object> am = new LinkedHashMap<>();
                    am.put("type", a.type());
                    am.put("status", a.status());
                    am.put("detail", a.detail());
                    am.put("appliedAt", a.appliedAt());
                    am.put("expiresAt", a.expiresAt());
                    am.put("undoneAt", a.undoneAt());
                    return am;
                }).toList());
                mm.put("releases", access.releases(m.mitigationId()));
                ms.add(mm);
            }
            e.put("mitigations", ms);
            entries.add(e);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(kind, subject);
        out.put("incidents", entries);
        return out;
    }

    private static Map<String, Object> summary(Incident i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("incidentId", i.incidentId());
        m.put("tenant", i.tenant());
        m.put("principal", i.principal());
        m.put("host", i.host());
        m.put("resourceType", i.resourceType());
        m.put("resourceId", i.resourceId());
        m.put("pattern", i.pattern());
        m.put("band", i.band().wireName());
        m.put("risk", i.risk());
        m.put("status", i.status());
        m.put("firstSeen", i.firstSeen());
        m.put("lastSeen", i.lastSeen());
        m.put("anomalies", i.anomalies());
        return m;
    }
}
