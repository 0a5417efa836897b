package io.shadow.scorer;

import static io.shadow.mitigation.api.Role.AGENT;
import static io.shadow.mitigation.api.Role.OPERATOR;
import static io.shadow.mitigation.api.Role.SERVICE;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.shadow.features.ActivityEvent;
import io.shadow.features.json.EventFormatException;
import io.shadow.features.json.Utf8Text;
import io.shadow.mitigation.api.ApiError;
import io.shadow.mitigation.api.ServiceApp;
import io.shadow.scorer.intake.Answers;
import io.shadow.scorer.intake.BodyEncoding;
import io.shadow.scorer.intake.EventBatch;
import io.shadow.scorer.intake.TenantCoverage;
import io.shadow.scorer.load.Admission;
import io.shadow.scorer.metrics.ScorerMetrics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scorer's HTTP routes. Intake: {@code POST /v1/events} takes a JSON array or NDJSON batch and
 * scores every valid event, listing the invalid ones with the field at fault (the rest of the batch
 * is still processed; {@link io.shadow.scorer.intake.IntakeRules} say what is valid beyond the wire
 * format, including that an agent token bound to a tenant or a host sends only that tenant's and host's
 * events) and counting those of tenants without baselines; {@code POST /v1/score} scores one event
 * and answers with its anomalies, risk and explanation. Both pass {@link Admission}: overload is
 * answered 429 or 503 with {@code Retry-After}. Operations: {@code GET /v1/scorer/status},
 * {@code GET /ready}, {@code GET /metrics} (Prometheus); the OpenAPI fragment is {@link #OPENAPI}.
 */
public final class ScorerRoutes {
    /** Classpath resource of the scorer's OpenAPI fragment, for {@code ServiceApp.openApi}. */
    public static final String OPENAPI = "openapi/scorer.json";

    private final ScorerService service;
    private final OnlineScorer scorer;
    private final Admission admission;
    private final ScorerMetrics metrics;

    public ScorerRoutes(ScorerService service) {
        this.service = service;
        this.scorer = service.scorer();
        this.admission = service.admission();
        this.metrics = service.metrics();
    }

    public void register(JavalinConfig cfg) {
        // one request timer for every route of the service this is part of, refusals included
        ServiceApp.observeRequests(cfg, metrics::http);
        cfg.routes.post("/v1/events", admitted(this::events), AGENT, SERVICE);
        cfg.routes.post("/v1/score", admitted(this::score), AGENT, SERVICE);
        cfg.routes.get("/v1/scorer/status", this::status, OPERATOR, SERVICE);
        cfg.routes.get("/ready", this::ready);
        cfg.routes.get("/metrics", ctx -> ctx.contentType(ScorerMetrics.CONTENT_TYPE).result(metrics.scrape()),
                OPERATOR, SERVICE);
    }

    private void events(Context ctx) throws InterruptedException {
        EventBatch batch = EventBatch.parse(ctx.bodyAsBytes(), service.intake().forCaller(ServiceApp.caller(ctx)));
        // coverage first, while the events just parsed are in this core's cache
        TenantCoverage.Gaps gaps = service.coverage().check(batch.events(), scorer.detector().snapshot());
        List<ScoredEvent> scored = service.shards().scoreAll(batch.events());
        Map<String, Object> out = Answers.batch(batch, scored, gaps);
        metrics.batch(batch.events().size(), (Integer) out.get("duplicates"), batch.errors().size(),
                (Integer) out.get("anomalies"));
        metrics.unjudged(gaps.events());
        if (batch.events().isEmpty() && !batch.errors().isEmpty()) {
            Map<String, Object> rejected = new LinkedHashMap<>();
            rejected.put("status", 400);
            rejected.put("error", "no valid event in the batch; 'errors' names each one's problem");
            rejected.putAll(out);
            ctx.status(400).json(rejected);
            return;
        }
        ctx.json(out);
    }

    private void score(Context ctx) throws InterruptedException {
        byte[] bytes = ctx.bodyAsBytes();
        String body;
        try {
            body = Utf8Text.decode(bytes, 0, bytes.length, "the body");
        } catch (EventFormatException ex) {
            throw new ApiError(400, "event rejected: " + ex.getMessage());
        }
        if (body.isBlank()) {
            throw new ApiError(400, "request body is empty; send one event as a JSON object");
        }
        ActivityEvent e;
        try {
            e = service.intake().forCaller(ServiceApp.caller(ctx)).decode(body);
        } catch (EventFormatException ex) {
            metrics.batch(0, 0, 1, 0);
            throw new ApiError(400, "event rejected: " + ex.getMessage());
        }
        ScoredEvent s = service.shards().score(e);
        TenantCoverage.Gaps gaps = service.coverage().check(List.of(e), scorer.detector().snapshot());
        metrics.batch(1, s.duplicate() ? 1 : 0, 0, s.assessments().size());
        metrics.unjudged(gaps.events());
        ctx.json(Answers.scored(s, service.models().get().id(), gaps));
    }

    private void status(Context ctx) {
        var d = scorer.detector();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", service.models().get().id());
        out.put("baselines_version", d.snapshot().version());
        out.put("baseline_entities", d.snapshot().size());
        out.put("tracked_entities", d.trackedEntities());
        out.put("max_entities", service.settings().maxEntities());
        out.put("in_flight", admission.inFlight());
        out.put("queued", admission.queued());
        out.put("mitigations_held", service.sink().held());
        out.put("mitigations_dropped", service.sink().dropped());
        ScorerService.Readiness r = service.readiness();
        out.put("ready", r.ready());
        out.put("warnings", r.warnings());
        ctx.json(out);
    }

    private void ready(Context ctx) {
        ScorerService.Readiness r = service.readiness();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", r.ready() ? 200 : 503);
        out.put("ready", r.ready());
        if (!r.ready()) {
            out.put("error", "not ready: " + String.join("; ", r.reasons()));
        }
        if (!r.warnings().isEmpty()) {
            out.put("warnings", r.warnings());
        }
        out.put("model", r.model());
        out.put("baselines_version", r.baselinesVersion());
        ctx.status(r.ready() ? 200 : 503).json(out);
    }

    /**
     * Wraps a scoring handler in admission control. The body is read before a scoring slot is asked
     * for (ServiceApp reads it, bounded by server.max-request-bytes and server.body-timeout): a slow or
     * stalled upload never holds a slot. Request metrics are taken for every route by
     * {@link ScorerMetrics#http}, refusals included.
     */
    private Handler admitted(Handler handler) {
        return ctx -> {
            BodyEncoding.requireIdentity(ctx);
            ctx.bodyAsBytes(); // in already: ServiceApp read it before the route ran
            Admission.Verdict v = admission.enter();
            if (v != Admission.Verdict.ADMITTED) {
                int status = v == Admission.Verdict.QUEUE_FULL ? 429 : 503;
                overloaded(ctx, status);
                metrics.overload(status);
                return;
            }
            try {
                handler.handle(ctx);
            } finally {
                admission.leave();
                service.afterScoring();
            }
        };
    }

    private void overloaded(Context ctx, int status) {
        // read the refused body first (its size is bounded by server.max-request-bytes): a connection
        // closed on unread bytes is reset, and the client would see no answer instead of this one
        try {
            ctx.req().getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        } catch (java.io.IOException | RuntimeException e) {
            // the client went away, or sent too much: the answer below is all it gets either way
        }
        int after = service.settings().retryAfterSeconds();
        ctx.header("Retry-After", Integer.toString(after));
        ServiceApp.error(ctx, status, status == 429
                ? "too many scoring requests at once (" + admission.maxInFlight() + " in flight, "
                        + service.settings().maxQueued() + " queued); retry after " + after + " s, and send fewer, "
                        + "larger batches"
                : "the scorer is overloaded (no scoring slot within " + service.settings().queueTimeout()
                        .toMillis() + " ms); retry after " + after + " s");
    }
}
