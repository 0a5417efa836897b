package io.shadow.mitigation.api;

import static io.shadow.mitigation.api.Role.AGENT;
import static io.shadow.mitigation.api.Role.GATEWAY;
import static io.shadow.mitigation.api.Role.OPERATOR;
import static io.shadow.mitigation.api.Role.SERVICE;
import static io.shadow.mitigation.api.Role.USER;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.shadow.features.signal.Assessment;
import io.shadow.mitigation.MitigationService;
import io.shadow.mitigation.actuate.AgentCommands;
import io.shadow.mitigation.actuate.GatewayDecision;
import io.shadow.mitigation.engine.Decider;
import io.shadow.mitigation.engine.Decisions;
import io.shadow.mitigation.engine.MitigationEngine;
import io.shadow.mitigation.store.ActionRecord;
import io.shadow.mitigation.store.FeedbackRecord;
import io.shadow.mitigation.store.Incident;
import io.shadow.mitigation.store.Mitigation;
import io.shadow.mitigation.store.IdempotencyStore;
import io.shadow.mitigation.store.MitigationStore;
import io.shadow.mitigation.store.SupersededDecision;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mitigation API: incidents with their explanations, approve / reject / modify, feedback and
 * audit for operators, the gateway decision endpoint (the one route of role gateway), assessments from
 * the scorer (role service: they decide mitigations up to a lock-out), agent commands
 * and access keys ({@link KeyRoutes}).
 */
public final class MitigationRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(MitigationRoutes.class);
    /** The fields of an agent acknowledgement Shadow reads; others are kept and logged. */
    private static final Set<String> ACK_FIELDS = Set.of("ok", "detail", "pids");
    /** This module's OpenAPI fragment (see {@link OpenApiFragments}). */
    public static final String OPENAPI = "openapi/mitigation.json";
    private static final String MISSING_TENANT = "X-Shadow-Tenant header (or tenant query parameter) is required: the tenant "
            + "whose rules decide, exactly as its events name it (tenant ids are case-sensitive; an event without one "
            + "is scored only when scorer.default-tenant names its tenant). Without it no rule could match and every "
            + "request would pass, so Shadow does not decide; set it in the gateway (SHADOW_TENANT in "
            + "docs/nginx-shadow.conf), or give the gateway a token bound to its tenant (auth.tokens[].tenant)";
    private final MitigationService service;
    private final MitigationEngine engine;
    private final Decisions decisions;
    private final MitigationStore store;
    private final Idempotency idempotency;
    private final IncidentAccess access;

    public MitigationRoutes(MitigationService service) {
        this.service = service;
        this.engine = service.engine();
        this.decisions = new Decisions(engine);
        this.store = engine.store();
        this.idempotency = new Idempotency(new IdempotencyStore(service.database()));
        this.access = new IncidentAccess(store);
    }

    public void register(JavalinConfig cfg) {
        var r = cfg.routes;
        r.get("/v1/decision", this::decision, GATEWAY, SERVICE, AGENT);
        r.post("/v1/assessments", json(idempotency.wrap(this::assess)), SERVICE);
        r.get("/v1/incidents", this::incidents, USER, OPERATOR);
        r.get("/v1/incidents/{id}", this::incident, USER, OPERATOR);
        r.post("/v1/mitigations/{id}/approve", json(idempotency.wrap(ctx -> decide(ctx, "approve"))), USER, OPERATOR);
        r.post("/v1/mitigations/{id}/reject", json(idempotency.wrap(ctx -> decide(ctx, "reject"))), USER, OPERATOR);
        r.post("/v1/mitigations/{id}/modify", json(idempotency.wrap(ctx -> decide(ctx, "modify"))), USER, OPERATOR);
        r.get("/v1/me", ctx -> {
            Caller c = ServiceApp.caller(ctx);
            Map<String, Object> me = new LinkedHashMap<>();
            me.put("name", c.name());
            me.put("role", c.role().name().toLowerCase(java.util.Locale.ROOT));
            me.put("tenant", c.tenant());
            me.put("principal", c.principal());
            ctx.json(me);
        }, USER, OPERATOR);
        r.post("/v1/mitigations/{id}/release", json(idempotency.wrap(ctx -> decide(ctx, "release"))), OPERATOR);
        r.get("/v1/feedback", this::feedback, OPERATOR);
        r.get("/v1/audit", this::audit, OPERATOR);
        r.get("/v1/agent/commands", ctx -> {
            String tenant = required(ctx, "tenant");
            String host = required(ctx, "host");
            ownCommands(ServiceApp.caller(ctx), tenant, host);
            ctx.json(engine.actuators().agents().fetch(tenant, host));
        }, AGENT);
        r.post("/v1/agent/commands/{id}/ack", json(ctx -> {
            // read before the Idempotency-Key is reserved: a refused ack is not stored under it, so the agent's
            // corrected ack with the same key (CommandExecutor derives it from the command) is still taken
            Ack a = ack(ctx);
            idempotency.wrap(c -> acknowledge(c, a)).handle(ctx);
        }), AGENT);
        new KeyRoutes(engine.actuators().keys(), idempotency, store).register(cfg);
        String doc = OpenApiFragments.merge(List.of(OPENAPI)).toString();
        r.get("/v1/openapi/mitigation.json", ctx -> ctx.contentType("application/json").result(doc));
        new NotificationRoutes(store, service.stream()).register(cfg);
        new HistoryRoutes(store).register(cfg);
        new ProfileRoutes(engine, service.profileVersions(), idempotency).register(cfg);
        WebUi.register(cfg);
    }

    /** An agent's acknowledgement as stored: {@code body} is what it sent, its detail cut to the limit. */
    private record Ack(String commandId, boolean ok, String body) {
    }

    /** The acknowledgement in the body; 400 (the command stays pending) when Shadow cannot tell its outcome. */
    private static Ack ack(Context ctx) {
        String id = ctx.pathParam("id");
        ObjectNode body = JsonBody.anyObject(ctx.body(), "an agent ack", "{\"ok\": true, \"detail\": \"...\", "
                + "\"pids\": [..]}");
        List<String> unknown = JsonBody.unknown(body, ACK_FIELDS);
        if (!unknown.isEmpty()) {
            // kept with the acknowledgement: refusing it would lose it (see JsonBody)
            LOG.warn("agent ack of command {} has fields Shadow does not know, kept as sent: {}; known: {}",
                    ctx.pathParam("id"), unknown, ACK_FIELDS.stream().sorted().toList());
        }
        JsonNode ok = body.path("ok");
        if (!ok.isBoolean()) {
            // "done" or "failed" decides whether Shadow believes the host contained: it is never guessed
            throw new ApiError(400, "'ok' is required and must be a JSON boolean, true when the agent carried the "
                    + "command out and false when it could not (got " + (ok.isMissingNode() ? "no 'ok'" : ok.toString())
                    + "); send e.g. {\"ok\": false, \"detail\": \"nft missing\"}; command " + id
                    + " stays pending");
        }
        JsonNode detail = body.path("detail");
        if (!detail.isMissingNode() && !detail.isNull() && !detail.isTextual()) {
            throw new ApiError(400, "'detail' must be a string (what the agent did or why it could not)");
        }
        if (detail.isTextual()) {
            // an agent cannot act on a refusal, and its acknowledgement must not be lost: a long detail is cut
            body.put("detail", RequestLimits.cut(detail.asText(), RequestLimits.MAX_ACK_DETAIL_CHARS));
        }
        return new Ack(id, ok.booleanValue(), body.toString());
    }

    private void acknowledge(Context ctx, Ack a) {
        Caller c = ServiceApp.caller(ctx);
        engine.actuators().agents().get(a.commandId()).ifPresent(cmd -> ownCommands(c, cmd.tenant(), cmd.host()));
        AgentCommands.Acknowledged done = engine.actuators().agents().acknowledge(a.commandId(), c.name(), a.ok(),
                a.body()).orElseThrow(() -> new ApiError(409, "command " + a.commandId()
                        + " is unknown or acknowledged already"));
        var cmd = engine.actuators().agents().get(a.commandId());
        if (done.revoked()) {
            cmd.ifPresent(x -> engine.agentActedAfterRevoke(x, a.ok(), a.ok() ? null : failure(a.body()),
                    done.reversals()));
        } else if (!a.ok()) {
            cmd.ifPresent(x -> engine.agentFailed(x.id(), x.host(), failure(a.body())));
        }
        service.agentWatch().acknowledged(a.commandId(), a.ok()); // reported silent before: it answered late
        ctx.json(Map.of("acknowledged", a.commandId(), "status", done.status()));
    }

    /** What a failed acknowledgement says went wrong: its {@code detail}, else the body as sent. */
    private static String failure(String body) {
        try {
            JsonNode n = ServiceApp.JSON.readTree(body == null ? "{}" : body).path("detail");
            return n.isTextual() && !n.asText().isBlank() ? n.asText() : "no detail given";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return body;
        }
    }

    /**
     * An agent token bound to a tenant or a host ({@code tenant}, {@code principal} of its
     * {@code auth.tokens} entry) sees and acknowledges the commands of that tenant and host only; an
     * unbound agent token serves every one. Host names are the tenant's own: web-1 of acme is not web-1
     * of globex.
     */
    private static void ownCommands(Caller c, String tenant, String host) {
        if (!c.actsIn(tenant)) {
            throw new ApiError(403, "agent token '" + c.name() + "' is bound to tenant " + c.tenant() + " and may not "
                    + "read or acknowledge the commands of tenant " + tenant + " (host " + host + "); poll with "
                    + "tenant=" + c.tenant() + ", the agent's tenant, or give this host's agent a token of its tenant");
        }
        if (c.principal() != null && !c.principal().isBlank() && !c.principal().equals(host)) {
            throw new ApiError(403, "agent token '" + c.name() + "' is bound to host " + c.principal()
                    + " and may not read or acknowledge the commands of host " + host);
        }
    }

    /**
     * nginx auth_request / Envoy ext_authz: 200 allow, 403 deny, 429 throttle (with Retry-After). A
     * gateway that passes only 2xx/401/403 on (nginx auth_request) sends {@code X-Shadow-Throttle-Status: 403}
     * and maps 403 with {@code X-Shadow-Decision: throttle} back to 429 itself.
     */
    private void decision(Context ctx) {
        String principal = GatewayInput.value(ctx, "X-Shadow-Principal", "principal");
        String resource = GatewayInput.value(ctx, "X-Shadow-Resource", "resource");
        String host = GatewayInput.value(ctx, "X-Shadow-Host", "host");
        String tenant = GatewayInput.value(ctx, "X-Shadow-Tenant", "tenant");
        String key = GatewayInput.value(ctx, "X-Shadow-Key", null);
        String throttleStatus = GatewayInput.value(ctx, "X-Shadow-Throttle-Status", null);
        Caller c = ServiceApp.caller(ctx);
        if ((tenant == null || tenant.isBlank()) && c.role() == Role.GATEWAY && c.tenant() != null) {
            tenant = c.tenant(); // a gateway token bound to one tenant decides for it
        }
        if (tenant == null || tenant.isBlank()) {
            // without a tenant no rule can match and every request would pass: refuse to decide instead
            throw new ApiError(400, MISSING_TENANT);
        }
        if (!c.actsIn(tenant)) {
            throw new ApiError(403, c.role().name().toLowerCase(java.util.Locale.ROOT) + " token '" + c.name()
                    + "' is bound to tenant " + c.tenant() + " and may not ask for decisions of tenant " + tenant
                    + (c.role() == Role.GATEWAY ? "; give this gateway a token of tenant " + tenant + ", or one bound "
                            + "to no tenant" : "; ask with a gateway token (role gateway)"));
        }
        GatewayDecision d = engine.actuators().gatekeeper().decide(tenant, principal, resource, host, key);
        if (d.retryAfterSeconds() > 0) {
            ctx.header("Retry-After", Long.toString(d.retryAfterSeconds()));
        }
        ctx.header("X-Shadow-Decision", d.verdict());
        int status = d.httpStatus();
        if (status == 429 && "403".equals(throttleStatus)) {
            status = 403;
        }
        ctx.status(status).json(d);
    }

    private void assess(Context ctx) throws Exception {
        Assessment a = JsonBody.STRICT.forType(Assessment.class).readValue(ctx.body());
        if (a == null || a.anomaly() == null || a.risk() == null) {
            throw new ApiError(400, "body must be an assessment: {\"anomaly\": {...}, \"risk\": {...}}");
        }
        ctx.json(engine.handle(a));
    }

    /**
     * The newest {@code limit} decisions (default and most {@value RequestLimits#MAX_LIST}), oldest first; {@code
     * before} (a decision's {@code feedbackId}, the first of a page) pages back; {@code X-Total-Count} says how many
     * there are before it in all.
     */
    private void feedback(Context ctx) {
        RequestLimits.onlyQueryParams(ctx, "limit", "before");
        int limit = RequestLimits.listLimit(ctx);
        String before = ctx.queryParam("before");
        if (before != null && !store.hasFeedback(before)) {
            throw new ApiError(400, "query parameter 'before' must be the feedbackId of a decision (the first of a "
                    + "page, to read the page before it); there is no decision " + before);
        }
        ctx.header("X-Total-Count", Long.toString(store.countFeedback(before)));
        ctx.json(store.feedback(before, limit));
    }

    /**
     * The newest {@code limit} audit entries (default and most {@value RequestLimits#MAX_LIST}), of one
     * {@code subject} or all, oldest first; {@code before} (an entry's {@code seq}) pages back; {@code
     * X-Total-Count} says how many there are before it in all. The log only grows, so it is never read whole.
     */
    private void audit(Context ctx) {
        RequestLimits.onlyQueryParams(ctx, "subject", "limit", "before");
        int limit = RequestLimits.listLimit(ctx);
        String before = ctx.queryParam("before");
        Long beforeSeq = before == null ? null
                : RequestLimits.wholeNumber("query parameter 'before' (an entry's seq)", before, 1, Long.MAX_VALUE);
        String subject = ctx.queryParam("subject");
        ctx.header("X-Total-Count", Long.toString(store.countAudit(subject, beforeSeq)));
        ctx.json(store.auditLog(subject, beforeSeq, limit));
    }

    private void incidents(Context ctx) {
        RequestLimits.onlyQueryParams(ctx, "principal", "tenant", "status", "limit");
        Caller c = ServiceApp.caller(ctx);
        int limit = RequestLimits.listLimit(ctx);
        String principal = ctx.queryParam("principal");
        if (!c.seesEverything() && principal != null && !principal.equals(c.principal())) {
            throw new ApiError(403, "a user sees only their own incidents (" + c.principal() + "), not those of "
                    + principal + "; leave out 'principal' or ask an operator");
        }
        String status = ctx.queryParam("status");
        if (status != null && !status.equals(Incident.OPEN) && !status.equals(Incident.RESOLVED)) {
            throw new ApiError(400, "query parameter 'status' must be " + Incident.OPEN + " or " + Incident.RESOLVED
                    + " (got '" + status + "'); leave it out for both");
        }
        String of = c.seesEverything() ? principal : c.principal();
        var scope = c.listScope(ctx.queryParam("tenant"));
        // how many match in all, so that a client showing the first `limit` can say how many it leaves out
        ctx.header("X-Total-Count", Long.toString(scope.map(s -> store.countIncidents(s.tenant(), of, status))
                .orElse(0L)));
        ctx.json(scope.map(s -> store.incidents(s.tenant(), of, status, limit)).orElse(List.of()));
    }

    private void incident(Context ctx) {
        String id = ctx.pathParam("id");
        Caller c = ServiceApp.caller(ctx);
        Incident i = visibleIncident(c, id, "no incident " + id);
        Decider decider = new Decider(c.name(), c.tenant(), c.principal());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("incident", i);
        List<Map<String, Object>> ms = new ArrayList<>();
        for (Mitigation m : store.mitigationsOf(i.incidentId())) {
            if (!access.shown(c, i, m)) {
                continue;
            }
            Map<String, Object> mm = new LinkedHashMap<>();
            mm.put("mitigation", m);
            mm.put("actions", store.actionsOf(m.mitigationId()));
            mm.put("allowed", decisions.allowed(m, i, decider, c.seesEverything()));
            mm.put("releases", access.releases(m.mitigationId()));
            ms.add(mm);
        }
        out.put("mitigations", ms);
        // of the mitigations shown: another person's decided mitigation is not this caller's business
        Set<String> shown = ms.stream().map(mm -> ((Mitigation) mm.get("mitigation")).mitigationId())
                .collect(Collectors.toSet());
        out.put("decisions", decisions(i, c, shown));
        // a user reads the notices addressed to them, not another person's of the same incident
        out.put("notifications", store.notifications(i.incidentId()).stream()
                .filter(c::reads).toList());
        ctx.json(out);
    }

    /**
     * One decision as the incident view shows it: who took which, when and why. The comment is the
     * reviewers' (as in GET /v1/feedback): a user reads only the comments they wrote themselves, not
     * the notes a reviewer left on their case.
     */
    private static Map<String, Object> decision(String mitigationId, String decision, String decidedBy,
            Instant decidedAt, String comment, Caller c) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("mitigationId", mitigationId);
        d.put("decision", decision);
        d.put("decidedBy", decidedBy);
        d.put("decidedAt", decidedAt);
        d.put("comment", c.seesEverything() || c.name().equals(decidedBy) ? comment : null);
        return d;
    }

    /**
     * The decisions on the {@code shown} mitigations of {@code i}, oldest first: those that stand, and those a
     * review took the place of (a person's own decision on their own activity), marked {@code superseded} with
     * who reviewed it and when, so the history still says what the person decided.
     */
    private List<Map<String, Object>> decisions(Incident i, Caller c, Set<String> shown) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (SupersededDecision s : store.supersededOf(i.incidentId())) { // first: taken before what replaced them
            if (shown.contains(s.mitigationId())) {
                Map<String, Object> d = decision(s.mitigationId(), s.decision(), s.decidedBy(), s.decidedAt(),
                        s.comment(), c);
                d.put("superseded", Map.of("by", s.supersededBy(), "at", s.supersededAt()));
                out.add(d);
            }
        }
        for (FeedbackRecord f : store.feedbackOf(i.incidentId())) {
            if (shown.contains(f.mitigationId())) {
                out.add(decision(f.mitigationId(), f.decision(), f.decidedBy(), f.decidedAt(), f.comment(), c));
            }
        }
        out.sort(java.util.Comparator.comparing(d -> (Instant) d.get("decidedAt"))); // stable: ties keep that order
        return out;
    }

    private void decide(Context ctx, String what) throws Exception {
        Caller c = ServiceApp.caller(ctx);
        String id = ctx.pathParam("id");
        String notFound = "no mitigation " + id;
        Mitigation m = store.mitigation(id).orElseThrow(() -> new ApiError(404, notFound));
        visibleIncident(c, m.incidentId(), notFound);
        DecisionRequest request = DecisionRequest.parse(what, ctx.body());
        Decider decider = new Decider(c.name(), c.tenant(), c.principal());
        try {
            Mitigation out = switch (what) {
                case "approve" -> decisions.approve(id, decider, request.comment());
                case "reject" -> decisions.reject(id, decider, request.comment());
                case "release" -> {
                    List<ActionRecord> released = decisions.release(id, decider, request.comment());
                    ctx.json(Map.of("mitigation", store.mitigation(id).orElseThrow(), "actions", store.actionsOf(id),
                            "released", released.stream().map(ActionRecord::actionId).toList()));
                    yield null;
                }
                default -> decisions.modify(id, decider, request.comment(), request.actions());
            };
            if (out == null) {
                return;
            }
            List<ActionRecord> actions = store.actionsOf(id);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("mitigation", out);
            answer.put("actions", actions);
            if (what.equals("approve") && !out.dryRun() && actions.stream().noneMatch(ActionRecord::enforces)) {
                answer.put("note", alreadyEnded(id, actions));
            }
            ctx.json(answer);
        } catch (Decisions.DecisionException e) {
            throw new ApiError(e.status(), e.getMessage());
        }
    }

    /**
     * Why an approve kept nothing in force, action by action: ended at its time limit, never took effect
     * (applying it failed, it did not fit, or the host's agent could not carry it out), only records (log),
     * or ended before (undone, kept).
     */
    private static String alreadyEnded(String id, List<ActionRecord> actions) {
        List<String> expired = new ArrayList<>();
        List<String> never = new ArrayList<>();
        List<String> ended = new ArrayList<>();
        boolean logged = false;
        for (ActionRecord a : actions) {
            switch (a.status()) {
                case ActionRecord.EXPIRED -> expired.add(a.type() + " at " + a.undoneAt());
                case ActionRecord.FAILED, ActionRecord.SKIPPED -> never.add(a.type() + " (" + a.status() + ")");
                case ActionRecord.UNDONE, ActionRecord.KEPT -> ended.add(a.type() + " (" + a.status() + ")");
                default -> logged |= "log".equals(a.type());
            }
        }
        List<String> why = new ArrayList<>();
        if (!expired.isEmpty()) {
            why.add("its actions had already expired (" + String.join(", ", expired) + ")");
        }
        if (!never.isEmpty()) {
            why.add("never took effect: " + String.join(", ", never));
        }
        if (!ended.isEmpty()) {
            why.add("ended before: " + String.join(", ", ended));
        }
        if (logged) {
            why.add("log only records the anomaly");
        }
        return "nothing of mitigation " + id + " was in force when it was approved: "
                + (why.isEmpty() ? "its actions had all ended" : String.join("; ", why))
                + "; the approve records that it was a real threat, and keeps nothing in force";
    }

    /**
     * The incident {@code id} if the caller may see it. Another tenant's is answered with
     * {@code notFound}, exactly as one that does not exist, so its ids do not leak; another
     * principal's of the caller's own tenant is 403.
     */
    private Incident visibleIncident(Caller c, String id, String notFound) {
        return access.visible(c, id, notFound);
    }

    private static Handler json(Handler h) {
        return RequestLimits.bodyAtMost(RequestLimits.MAX_JSON_BYTES, h);
    }

    private static String required(Context ctx, String param) {
        String v = ctx.queryParam(param);
        if (v == null || v.isBlank()) {
            throw new ApiError(400, "query parameter '" + param + "' is required");
        }
        return v;
    }
}
