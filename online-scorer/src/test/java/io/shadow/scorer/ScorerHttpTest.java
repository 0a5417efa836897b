package io.shadow.scorer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.shadow.features.json.EventCodec;
import io.shadow.features.signal.Assessment;
import io.shadow.model.registry.LocalModelRegistry;
import io.shadow.model.registry.ModelRegistry;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scorer on a real port: intake, bad input, answers, and the champion model it loads from the registry. */
class ScorerHttpTest {
    private static final String TOKEN = TestServer.AGENT;
    private static final Instant T0 = TestServer.T0;

    @TempDir
    Path dir;

    private LocalModelRegistry registry;
    private TestServer server;
    private List<Assessment> handed;
    private RiskModelHolder models;

    @BeforeEach
    void start() {
        registry = new LocalModelRegistry(dir.resolve("registry"));
        server = new TestServer(registry, TestServer.baselines(1), ScorerSettings.defaults(), 64 * 1024);
        handed = server.handed;
        models = server.service.models();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static String deletes(String principal, String ip, int n) {
        return TestServer.deletes(principal, ip, n);
    }

    private HttpResponse<String> post(String path, String body, String token) throws Exception {
        return server.post(path, body, token);
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return TestServer.json(r);
    }

    @Test
    void aBurstOfDeletesIsScoredAndHandedOnWithItsExplanation() throws Exception {
        HttpResponse<String> r = post("/v1/events", deletes("u-1", "10.0.0.5", 30), TOKEN);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).get("accepted").asInt()).isEqualTo(30);
        assertThat(json(r).get("anomalies").asInt()).isPositive();
        Assessment first = handed.get(0);
        assertThat(first.anomaly().pattern()).isEqualTo("deletes@data_storage");
        assertThat(first.anomaly().evidence()).anySatisfy(e -> assertThat(e.describe()).startsWith("deletes = "));
        assertThat(first.risk().model()).isEqualTo("weighted-fallback");
        assertThat(first.risk().contributions()).extracting(c -> c.factor())
                .containsExactly("severity", "resource_risk", "prior_incidents", "threat_intel");
    }

    @Test
    void oneEventIsAnsweredWithItsAnomalyRiskAndExplanation() throws Exception {
        String fromTor = EventCodec.toJson(TestServer.delete("u-1", "185.220.101.47", T0).toBuilder().eventId(null)
                .userAgent("python-requests/2.32.3").build());

        HttpResponse<String> r = post("/v1/score", fromTor, TOKEN);

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode out = json(r);
        assertThat(out.get("anomalous").asBoolean()).isTrue();
        assertThat(out.get("model").asText()).isEqualTo("weighted-fallback");
        JsonNode a = out.get("anomalies").get(0);
        assertThat(a.get("entity").asText()).isEqualTo("acme/principal:u-1");
        assertThat(a.get("evidence")).anySatisfy(e -> assertThat(e.get("kind").asText()).isEqualTo("threat_intel"));
        assertThat(a.get("risk").get("contributions")).hasSize(4);
        assertThat(out.get("risk").asDouble()).isEqualTo(a.get("risk").get("score").asDouble()).isPositive();
        assertThat(a.get("explanation").asText()).contains("is listed in tor-exits")
                .contains("Risk ").contains("threat_intel +");
        assertThat(a.get("outcome").asText()).isEqualTo("observed");

        HttpResponse<String> quiet = post("/v1/score", EventCodec.toJson(TestServer.delete("u-2", "10.0.0.9", T0)
                .toBuilder().eventId(null).operation("GetObject").build()), TOKEN);
        assertThat(json(quiet).get("anomalous").asBoolean()).isFalse();
        assertThat(json(quiet).get("risk").asDouble()).isZero();
    }

    @Test
    void malformedEventsAreNamedAndTheRestOfTheBatchIsStillScored() throws Exception {
        String body = deletes("u-1", "10.0.0.5", 3)
                + "{\"time\":\"yesterday\",\"class_uid\":6003,\"operation\":\"x\",\"principal\":\"u\","
                + "\"resource_type\":\"data_storage\"}\n"
                + "not json at all\n";
        HttpResponse<String> r = post("/v1/events", body, TOKEN);

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode out = json(r);
        assertThat(out.get("accepted").asInt()).isEqualTo(3);
        assertThat(out.get("rejected").asInt()).isEqualTo(2);
        assertThat(out.get("errors").get(0).get("index").asInt()).isEqualTo(3);
        assertThat(out.get("errors").get(0).get("field").asText()).isEqualTo("time");
        assertThat(out.get("errors").get(0).get("error").asText())
                .contains("'yesterday' is not an ISO-8601 instant");
        assertThat(out.get("errors").get(1).get("error").asText()).contains("not valid JSON");

        HttpResponse<String> allBad = post("/v1/events", "nope\n", TOKEN);
        assertThat(allBad.statusCode()).isEqualTo(400);
        assertThat(json(allBad).get("error").asText()).startsWith("no valid event in the batch");
        assertThat(json(allBad).get("errors").get(0).get("index").asInt()).isZero();
    }

    @Test
    void aJsonArrayIsReadElementByElementAndInvalidEventsAreNamedWhileTheRestIsScored() throws Exception {
        String good = EventCodec.toJson(TestServer.delete("u-1", "10.0.0.5", T0));
        String noResourceType = "{\"time\":\"2026-11-09T10:00:01Z\",\"tenant\":\"acme\",\"class_uid\":6003,"
                + "\"operation\":\"x\",\"principal\":\"u-1\"}";

        HttpResponse<String> r = post("/v1/events", "[" + good + ", 17, " + noResourceType + ", " + good + "]", TOKEN);

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode out = json(r);
        assertThat(out.get("accepted").asInt()).isEqualTo(2);
        assertThat(out.get("errors")).extracting(e -> e.get("index").asInt()).containsExactly(1, 2);
        assertThat(out.get("errors").get(0).get("error").asText()).contains("expected a JSON object per event");
        assertThat(out.get("errors").get(1).get("field").asText()).isEqualTo("resource_type");
    }

    @Test
    void anArrayThatIsNotWellFormedJsonIsA400WithLineAndColumnAndNothingIsScored() throws Exception {
        String good = EventCodec.toJson(TestServer.delete("u-1", "10.0.0.5", T0));
        String other = EventCodec.toJson(TestServer.delete("u-1", "10.0.0.5", T0.plusSeconds(1)));
        String[][] cases = {
            {"[" + good + ", {\"time\": ]", "the body is not a well-formed JSON array: not valid JSON at line 1, "
                    + "column "},
            {"[" + good + ",]", "the body is not a well-formed JSON array: not valid JSON at line 1, column "},
            {"[" + good + ",\n" + other, "the body is not a well-formed JSON array: the JSON array is not closed (the "
                    + "body ends at line 2, column "},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = post("/v1/events", c[0], TOKEN);

            assertThat(r.statusCode()).as(c[0]).isEqualTo(400);
            String error = json(r).get("error").asText();
            assertThat(error).as(c[0]).startsWith(c[1]).contains("nothing was scored")
                    .doesNotContain("Source").doesNotContain("REDACTED").doesNotContain("StreamReadFeature");
            assertThat(json(r).has("accepted")).isFalse();
        }
        assertThat(handed).isEmpty();
        String metrics = server.get("/metrics", TestServer.OPERATOR).body();
        assertThat(metrics).doesNotContain("shadow_scorer_events_total{result=\"scored\"} 1.0");
        // the same events in a well-formed array are scored: nothing of the refused bodies was remembered
        HttpResponse<String> ok = post("/v1/events", "[" + good + "," + other + "]", TOKEN);
        assertThat(json(ok).get("accepted").asInt()).isEqualTo(2);
        assertThat(json(ok).get("duplicates").asInt()).isZero();
    }

    @Test
    void invalidJsonForOneEventNamesLineAndColumn() throws Exception {
        HttpResponse<String> r = post("/v1/score", "{\"time\":\n  \"2026-11-09T10:00:00Z\",", TOKEN);

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).get("error").asText()).startsWith("event rejected: not valid JSON at line 2, column ")
                .doesNotContain("Source");
    }

    @Test
    void anEmptyBatchIsAcceptedWithNothingScored() throws Exception {
        for (String body : List.of("[]", " [ ]\n", "", "  \n")) {
            HttpResponse<String> r = post("/v1/events", body, TOKEN);

            assertThat(r.statusCode()).as("'" + body + "': " + r.body()).isEqualTo(200);
            JsonNode out = json(r);
            assertThat(out.get("accepted").asInt()).isZero();
            assertThat(out.get("rejected").asInt()).isZero();
            assertThat(out.get("errors")).isEmpty();
            assertThat(out.has("error")).isFalse();
        }
        assertThat(handed).isEmpty();
    }

    @Test
    void emptyAndBadSingleEventsGetA400ThatSaysWhatToSend() throws Exception {
        HttpResponse<String> empty = post("/v1/score", "  \n", TOKEN);
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(json(empty).get("error").asText()).isEqualTo("request body is empty; send one event as a JSON "
                + "object");

        HttpResponse<String> bad = post("/v1/score", "{\"time\":\"2026-11-09T10:00:00Z\",\"tenant\":\"acme\","
                + "\"class_uid\":6003,\"operation\":\"x\",\"principal\":\"u\",\"resource_type\":\"volcano\"}", TOKEN);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).get("error").asText()).startsWith("event rejected: field 'resource_type': unknown "
                + "resource_type 'volcano'; expected one of [data_storage");
    }

    @Test
    void oversizedBodiesAndMissingTokensAreRefused() throws Exception {
        HttpResponse<String> big = post("/v1/events", deletes("u-1", "10.0.0.5", 400), TOKEN);
        assertThat(big.statusCode()).isEqualTo(413);
        assertThat(json(big).get("error").asText()).contains("send smaller batches");

        HttpResponse<String> anonymous = post("/v1/events", deletes("u-1", "10.0.0.5", 1), null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(json(anonymous).get("error").asText()).contains("Authorization: Bearer");
        assertThat(post("/v1/events", deletes("u-1", "10.0.0.5", 1), TestServer.OPERATOR).statusCode())
                .as("operators read status, they do not send events").isEqualTo(403);
    }

    @Test
    void aGatewayTokenCallsNoneOfTheScorersRoutes() throws Exception {
        String event = deletes("u-1", "10.0.0.5", 1);
        String[][] routes = {{"POST", "/v1/events", "[agent, service]"}, {"POST", "/v1/score", "[agent, service]"},
            {"GET", "/v1/scorer/status", "[operator, service]"}, {"GET", "/metrics", "[operator, service]"}};
        for (String[] r : routes) {
            HttpResponse<String> denied = r[0].equals("POST") ? post(r[1], event, TestServer.GATEWAY)
                    : server.get(r[1], TestServer.GATEWAY);
            assertThat(denied.statusCode()).as("%s %s", r[0], r[1]).isEqualTo(403);
            assertThat(json(denied).get("error").asText()).isEqualTo("role gateway may not call " + r[0] + " " + r[1]
                    + "; allowed: " + r[2] + " (and admin, which may call every route)");
        }
        assertThat(server.handed).as("nothing scored").isEmpty();
    }

    @Test
    void aTokenSentWithoutTheBearerSchemeIsRefusedSayingTheSchemeIsMissing() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.uri("/v1/events"))
                .header("Authorization", TOKEN).POST(HttpRequest.BodyPublishers.ofString(deletes("u-1", "10.0.0.5",
                        1))).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(json(r).get("error").asText()).isEqualTo("the Authorization header has no 'Bearer ' scheme; "
                + "send 'Authorization: Bearer <token>'");
        assertThat(handed).isEmpty();
    }

    @Test
    void theScorerServesTheRegisteredChampionAndSwitchesWhenItChanges() throws Exception {
        int v1 = Champions.train(registry, true);
        registry.setAlias("shadow-risk", ModelRegistry.CHAMPION, v1);
        assertThat(models.refresh()).isTrue();
        post("/v1/events", deletes("u-1", "185.220.101.47", 30), TOKEN);
        Assessment withV1 = handed.get(handed.size() - 1);

        int v2 = Champions.train(registry, false);
        registry.setAlias("shadow-risk", ModelRegistry.CHAMPION, v2);
        assertThat(models.refresh()).isTrue();
        assertThat(models.refresh()).as("no switch without a new champion").isFalse();
        post("/v1/events", deletes("u-2", "185.220.101.47", 30), TOKEN);
        Assessment withV2 = handed.get(handed.size() - 1);

        assertThat(withV1.risk().model()).isEqualTo("shadow-risk:1");
        assertThat(withV2.risk().model()).isEqualTo("shadow-risk:2");
        assertThat(withV1.anomaly().evidence()).anyMatch(e -> e.kind().equals("threat_intel"));
        assertThat(withV1.risk().score()).as("the model that learned intel means an incident scores the intel match "
                + "higher").isGreaterThan(withV2.risk().score() + 10);
        assertThat(intel(withV1)).as("what the intel match adds, by each model").isGreaterThan(30);
        assertThat(intel(withV2)).isLessThan(5);
    }

    private static double intel(Assessment a) {
        return a.risk().contributions().stream().filter(c -> c.factor().equals("threat_intel")).findFirst()
                .orElseThrow().points();
    }

    @Test
    void aChampionWhoseRunIsDeletedKeepsBeingServedAndTheScorerStaysReady() throws Exception {
        int v1 = Champions.train(registry, true);
        registry.setAlias("shadow-risk", ModelRegistry.CHAMPION, v1);
        assertThat(server.service.reloadModel()).isTrue();
        String runId = registry.version("shadow-risk", ModelRegistry.CHAMPION).orElseThrow().runId();
        try (java.util.stream.Stream<Path> runs = java.nio.file.Files.find(registry.root(), 2,
                (p, a) -> a.isDirectory() && p.getFileName().toString().equals(runId))) {
            for (Path run : runs.toList()) { // someone cleans up runs in the registry
                try (java.util.stream.Stream<Path> walk = java.nio.file.Files.walk(run)) {
                    for (Path f : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        java.nio.file.Files.delete(f);
                    }
                }
            }
        }

        assertThat(server.service.reloadModel()).as("nothing to switch to").isFalse();

        HttpResponse<String> ready = server.get("/ready", null);
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(TestServer.json(ready).get("model").asText()).isEqualTo("shadow-risk:1");
        post("/v1/events", deletes("u-1", "185.220.101.47", 30), TOKEN);
        assertThat(handed.get(handed.size() - 1).risk().model()).isEqualTo("shadow-risk:1");
    }
}
