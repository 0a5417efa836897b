package io.shadow.scorer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.HandlerType;
import io.javalin.router.ParsedEndpoint;
import io.shadow.model.registry.LocalModelRegistry;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Readiness, health, Prometheus metrics and the OpenAPI document, on a real port. */
class ScorerOperationsTest {
    private static final Set<HandlerType> VERBS = Set.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT,
            HandlerType.PATCH, HandlerType.DELETE);

    @TempDir
    Path dir;

    private TestServer server(BaselineSource baselines) {
        return new TestServer(new LocalModelRegistry(dir.resolve("registry")), baselines, ScorerSettings.defaults(),
                1 << 20);
    }

    @Test
    void readyOnlyWithBaselinesLoadedAndReadyAgainAfterTheyArrive() throws Exception {
        AtomicLong version = new AtomicLong(-1);
        BaselineSource nightly = TestServer.moving(version, v -> { });
        try (TestServer s = server(nightly)) {
            HttpResponse<String> notYet = s.get("/ready", null);
            assertThat(notYet.statusCode()).isEqualTo(503);
            assertThat(TestServer.json(notYet).get("error").asText())
                    .isEqualTo("not ready: no baselines yet: run 'bin/shadow nightly' to build them; they are picked "
                            + "up at the next reload");
            assertThat(s.get("/health", null).statusCode()).as("alive all the same").isEqualTo(200);

            version.set(4);
            assertThat(s.service.reload()).isEqualTo("baselines v4");
            HttpResponse<String> ready = s.get("/ready", null);
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(TestServer.json(ready).get("baselines_version").asLong()).isEqualTo(4);
            assertThat(TestServer.json(ready).get("model").asText()).isEqualTo("weighted-fallback");

            s.service.drain();
            assertThat(TestServer.json(s.get("/ready", null)).get("error").asText()).contains("shutting down");
        }
    }

    @Test
    void newerBaselinesThatDoNotLoadLeaveTheScorerReadyOnTheOnesItServesAndSayWhy() throws Exception {
        AtomicLong version = new AtomicLong(4);
        BaselineSource nightly = TestServer.moving(version, v -> {
            if (v > 4) {
                throw new IllegalStateException("gold/baselines/_delta_log/00000000000000000005.json is damaged");
            }
        });
        try (TestServer s = server(nightly)) {
            assertThat(s.get("/ready", null).statusCode()).isEqualTo(200);

            version.set(5); // a damaged commit: every replica reading the table fails the same way
            assertThat(s.service.reload()).isEmpty();

            HttpResponse<String> ready = s.get("/ready", null);
            assertThat(ready.statusCode()).as("still serving v4: no reason to be drained").isEqualTo(200);
            assertThat(TestServer.json(ready).get("baselines_version").asLong()).isEqualTo(4);
            assertThat(TestServer.json(ready).get("warnings").get(0).asText()).isEqualTo("baselines did not load "
                    + "(gold/baselines/_delta_log/00000000000000000005.json is damaged); still serving v4");
            assertThat(TestServer.json(s.get("/v1/scorer/status", TestServer.OPERATOR)).get("warnings"))
                    .hasSize(1);
            assertThat(s.post("/v1/events", TestServer.deletes("u-1", "10.0.0.5", 3), TestServer.AGENT)
                    .statusCode()).isEqualTo(200);
        }
    }

    @Test
    void prometheusMetricsCountEventsAnomaliesLatenciesAndTheModelServed() throws Exception {
        try (TestServer s = server(TestServer.baselines(3))) {
            s.post("/v1/events", TestServer.deletes("u-1", "10.0.0.5", 30) + "broken\n", TestServer.AGENT);

            assertThat(s.get("/metrics", null).statusCode()).isEqualTo(401);
            HttpResponse<String> r = s.get("/metrics", TestServer.OPERATOR);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
            assertThat(r.body())
                    .contains("shadow_scorer_events_total{result=\"scored\"} 30.0")
                    .contains("shadow_scorer_events_total{result=\"rejected\"} 1.0")
                    .containsPattern("shadow_scorer_anomalies_total [1-9]")
                    .containsPattern("shadow_scorer_requests_seconds_bucket\\{route=\"/v1/events\",status=\"200\","
                            + "le=\"[0-9.]+\"\\} 1")
                    .contains("shadow_scorer_requests_seconds_count{route=\"/v1/events\",status=\"200\"} 1")
                    .contains("shadow_scorer_queue_depth 0.0")
                    .contains("shadow_scorer_in_flight 0.0")
                    .contains("shadow_scorer_model_info{model=\"weighted-fallback\"} 1\n")
                    .contains("shadow_scorer_baselines_version 3.0")
                    .contains("shadow_scorer_entities_tracked 1.0")
                    .contains("shadow_scorer_ready 1.0")
                    .contains("jvm_memory_used_bytes");
        }
    }

    @Test
    void everyAnswerIsTimedByRouteTemplateAndStatusRefusalsIncludedAndReloadsCountFromZero() throws Exception {
        try (TestServer s = server(TestServer.baselines(3))) {
            String metrics = s.get("/metrics", TestServer.OPERATOR).body();
            // before any reload: the counters alerts watch are there, at 0
            for (String what : List.of("baselines", "model", "threat_intel")) {
                for (String result : List.of("failed", "switched")) {
                    assertThat(metrics).contains("shadow_scorer_reloads_total{result=\"" + result + "\",what=\""
                            + what + "\"} 0.0");
                }
            }

            String event = io.shadow.features.json.EventCodec.toJson(TestServer.delete("u-1", "10.0.0.5",
                    TestServer.T0));
            assertThat(s.post("/v1/score", event, null).statusCode()).isEqualTo(401);
            assertThat(s.post("/v1/score", event, "a-token-nobody-has-0123").statusCode()).isEqualTo(401);
            assertThat(s.post("/v1/score", event, TestServer.GATEWAY).statusCode()).isEqualTo(403);
            assertThat(s.post("/v1/score", event, TestServer.AGENT).statusCode()).isEqualTo(200);
            assertThat(s.get("/v1/scorer/status", TestServer.OPERATOR).statusCode()).isEqualTo(200);
            assertThat(s.get("/no/such/route", TestServer.OPERATOR).statusCode()).isEqualTo(404);

            metrics = s.get("/metrics", TestServer.OPERATOR).body();
            assertThat(metrics)
                    .as("a fleet with a bad token shows in the scorer's own request metric")
                    .contains("shadow_scorer_requests_seconds_count{route=\"/v1/score\",status=\"401\"} 2")
                    .contains("shadow_scorer_requests_seconds_count{route=\"/v1/score\",status=\"403\"} 1")
                    .contains("shadow_scorer_requests_seconds_count{route=\"/v1/score\",status=\"200\"} 1")
                    .as("and in the one timer of every route")
                    .contains("shadow_http_server_requests_seconds_count{method=\"POST\",route=\"/v1/score\","
                            + "status=\"401\"} 2")
                    .contains("shadow_http_server_requests_seconds_count{method=\"POST\",route=\"/v1/score\","
                            + "status=\"200\"} 1")
                    .contains("shadow_http_server_requests_seconds_count{method=\"GET\",route=\"/v1/scorer/status\","
                            + "status=\"200\"} 1")
                    .contains("shadow_http_server_requests_seconds_count{method=\"GET\",route=\"unmatched\","
                            + "status=\"404\"} 1")
                    .containsPattern("shadow_http_server_requests_seconds_bucket\\{method=\"POST\",route=\"/v1/score\","
                            + "status=\"200\",le=\"10.0\"\\} 1")
                    .as("the route template, never the path asked").doesNotContain("/no/such/route");
        }
    }

    @Test
    void everyRouteTheServerRegistersIsInTheOpenApiDocumentAndNothingElse() throws Exception {
        try (TestServer s = server(TestServer.baselines(1))) {
            HttpResponse<String> r = s.get("/openapi.json", null);
            assertThat(r.statusCode()).isEqualTo(200);
            JsonNode doc = TestServer.json(r);
            assertThat(doc.get("openapi").asText()).startsWith("3.0");

            Set<String> registered = new TreeSet<>();
            for (ParsedEndpoint e : s.app.unsafe.internalRouter.allHttpHandlers()) {
                if (VERBS.contains(e.endpoint.method)) {
                    registered.add(e.endpoint.method.name().toLowerCase() + " " + e.endpoint.path);
                }
            }
            Set<String> documented = new TreeSet<>();
            doc.get("paths").fields().forEachRemaining(p -> p.getValue().fieldNames()
                    .forEachRemaining(m -> documented.add(m + " " + p.getKey())));

            assertThat(registered).contains("post /v1/events", "post /v1/score", "get /metrics", "get /ready",
                    "get /health", "get /openapi.json");
            assertThat(documented).isEqualTo(registered);
            List<String> refs = doc.findValuesAsText("$ref");
            assertThat(refs).isNotEmpty().allSatisfy(ref -> assertThat(doc.at(ref.substring(1)).isMissingNode())
                    .as("%s resolves", ref).isFalse());
        }
    }

    @Test
    void theEventSchemaStatesTheLengthLimitsTheIntakeEnforces() throws Exception {
        try (TestServer s = server(TestServer.baselines(1))) {
            JsonNode event = TestServer.json(s.get("/openapi.json", null)).at("/components/schemas/Event/properties");

            assertThat(event.at("/event_id/maxLength").asInt()).isEqualTo(io.shadow.mitigation.store.ColumnLimits.EVENT_ID);
            assertThat(event.at("/tenant/maxLength").asInt()).isEqualTo(io.shadow.mitigation.store.ColumnLimits.TENANT);
            assertThat(event.at("/principal/maxLength").asInt())
                    .isEqualTo(io.shadow.mitigation.store.ColumnLimits.PRINCIPAL);
            assertThat(event.at("/host/maxLength").asInt()).isEqualTo(io.shadow.mitigation.store.ColumnLimits.HOST);
            assertThat(event.at("/resource_id/maxLength").asInt())
                    .isEqualTo(io.shadow.mitigation.store.ColumnLimits.RESOURCE_ID);
            assertThat(event.at("/time/oneOf/1/minimum").asLong())
                    .isEqualTo(io.shadow.features.json.EventCodec.MIN_EPOCH_MILLIS);
        }
    }
}
