package io.shadow.scorer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.shadow.features.ActivityEvent;
import io.shadow.features.EntityKey;
import io.shadow.features.EventClass;
import io.shadow.features.Feature;
import io.shadow.features.ResourceType;
import io.shadow.features.baseline.BaselineSnapshot;
import io.shadow.features.baseline.EntityBaseline;
import io.shadow.features.baseline.FeatureBaseline;
import io.shadow.features.json.EventCodec;
import io.shadow.features.signal.Assessment;
import io.shadow.mitigation.api.Caller;
import io.shadow.mitigation.api.Role;
import io.shadow.mitigation.api.ServiceApp;
import io.shadow.mitigation.api.Tokens;
import io.shadow.model.detect.DetectorConfig;
import io.shadow.model.intel.ThreatIntel;
import io.shadow.model.registry.LocalModelRegistry;
import io.shadow.model.registry.ModelRegistry;
import io.shadow.model.risk.PatternHistory;
import io.shadow.model.risk.ResourceRisk;
import io.shadow.model.risk.RiskFactors;
import io.shadow.model.risk.RiskModelTrainer;
import io.shadow.model.risk.TrainingExample;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scorer on a real port: intake, bad input, and the champion model it loads from the registry. */
class ScorerHttpTest {
    private static final String TOKEN = "agent-token-0123456789";
    private static final Instant T0 = Instant.parse("2026-11-09T10:00:00Z");

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Assessment> handed = new CopyOnWriteArrayList<>();
    private LocalModelRegistry registry;
    private RiskModelHolder models;
    private Javalin app;

    @BeforeEach
    void start() {
        registry = new LocalModelRegistry(dir.resolve("registry"));
        models = new RiskModelHolder(registry, "shadow-risk");
        ThreatIntel intel = ThreatIntel.fromBlocklist(List.of("185.220.101.0/24"), "tor-exits", 0.9);
        OnlineScorer scorer = new OnlineScorer(DetectorConfig.defaults(), snapshot(), intel, PatternHistory.EMPTY,
                ResourceRisk.defaults(), models, a -> {
                    handed.add(a);
                    return "observed";
                });
        Tokens tokens = Tokens.of(TOKEN, new Caller("agent-1", Role.AGENT, null));
        app = ServiceApp.create(tokens, 64 * 1024, cfg -> new ScorerRoutes(scorer).register(cfg));
        app.start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        app.stop();
        models.close();
    }

    /** Principals that never delete anything, and a population that rarely does. */
    private static BaselineSnapshot snapshot() {
        Map<EntityKey, EntityBaseline> m = new java.util.HashMap<>();
        for (String p : List.of("u-1", "u-2", "*")) {
            Map<Feature, FeatureBaseline> f = new EnumMap<>(Feature.class);
            f.put(Feature.EVENTS, FeatureBaseline.flat(3, 2, 3, 6, 0, 2, 2000));
            f.put(Feature.DELETES, FeatureBaseline.flat(0, 0, 0.01, 0.01, 0, 0.1, 2000));
            EntityKey k = EntityKey.principal("acme", p);
            m.put(k, new EntityBaseline(k, f, Map.of()));
        }
        return new BaselineSnapshot(1, T0, m);
    }

    private static String deletes(String principal, String ip, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(EventCodec.toJson(ActivityEvent.builder().tenant("acme").time(T0.plusSeconds(i))
                    .eventClass(EventClass.API_ACTIVITY).operation("DeleteObject").principal(principal).srcIp(ip)
                    .resourceType(ResourceType.DATA_STORAGE).resourceId("s3://finance").build())).append('\n');
        }
        return sb.toString();
    }

    private HttpResponse<String> post(String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return EventCodec.mapper().readTree(r.body());
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
    }

    @Test
    void oversizedBodiesAndMissingTokensAreRefused() throws Exception {
        HttpResponse<String> big = post("/v1/events", deletes("u-1", "10.0.0.5", 400), TOKEN);
        assertThat(big.statusCode()).isEqualTo(413);
        assertThat(json(big).get("error").asText()).contains("send smaller batches");

        HttpResponse<String> anonymous = post("/v1/events", deletes("u-1", "10.0.0.5", 1), null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(json(anonymous).get("error").asText()).contains("Authorization: Bearer");
    }

    /** Two models that disagree on threat intelligence: one learned it means an incident, one that it does not. */
    private int train(boolean intelMeansIncident) {
        Random r = new Random(intelMeansIncident ? 1 : 2);
        List<TrainingExample> ex = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            RiskFactors f = new RiskFactors(r.nextDouble(), r.nextDouble(), 0, r.nextDouble() < 0.3 ? 0.9 : 0);
            boolean incident = f.threatIntel() > 0 ? intelMeansIncident : f.severity() > 0.8;
            ex.add(new TrainingExample(T0.plusSeconds(i), f, incident));
        }
        String run = registry.startRun("test", Map.of());
        new RiskModelTrainer(new RiskModelTrainer.Settings(400, 0.02f, 0.25, 0.5, 3, 0, 0))
                .train(ex, registry.artifactDirectory(run, "model"));
        registry.finishRun(run, true);
        return registry.registerVersion("shadow-risk", run, "model");
    }

    @Test
    void theScorerServesTheRegisteredChampionAndSwitchesWhenItChanges() throws Exception {
        int v1 = train(true);
        registry.setAlias("shadow-risk", ModelRegistry.CHAMPION, v1);
        assertThat(models.refresh()).isTrue();
        post("/v1/events", deletes("u-1", "185.220.101.47", 30), TOKEN);
        Assessment withV1 = handed.get(handed.size() - 1);

        int v2 = train(false);
        registry.setAlias("shadow-risk", ModelRegistry.CHAMPION, v2);
        assertThat(models.refresh()).isTrue();
        assertThat(models.refresh()).as("no switch without a new champion").isFalse();
        post("/v1/events", deletes("u-2", "185.220.101.47", 30), TOKEN);
        Assessment withV2 = handed.get(handed.size() - 1);

        assertThat(withV1.risk().model()).isEqualTo("shadow-risk:1");
        assertThat(withV2.risk().model()).isEqualTo("shadow-risk:2");
        assertThat(withV1.anomaly().evidence()).anyMatch(e -> e.kind().equals("threat_intel"));
        assertThat(withV1.risk().score() - withV2.risk().score())
                .as("the model that learned intel means an incident scores the intel match higher").isGreaterThan(30);
    }
}
