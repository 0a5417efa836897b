package io.shadow.scorer;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.shadow.features.ActivityEvent;
import io.shadow.features.EntityKey;
import io.shadow.features.EventClass;
import io.shadow.features.Feature;
import io.shadow.features.NoveltyAttribute;
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
import io.shadow.model.registry.ModelRegistry;
import io.shadow.model.risk.PatternHistory;
import io.shadow.model.risk.ResourceRisk;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real scorer on a free port for tests: {@link ScorerService} behind the shared HTTP shell, with
 * a small baseline snapshot (principals that rarely delete, from the office network) and a sink
 * that records what it is handed.
 */
final class TestServer implements AutoCloseable {
    static final String AGENT = "agent-token-0123456789";
    /** An agent token bound to host {@code web-1}. */
    static final String AGENT_WEB_1 = "agent-web-1-token-0123456789";
    /** An agent token bound to tenant {@code acme} and its host {@code web-1}. */
    static final String AGENT_ACME_WEB_1 = "agent-acme-web-1-token-0123456789";
    static final String SERVICE = "service-token-0123456789";
    static final String OPERATOR = "operator-token-0123456789";
    /** A token of role gateway: decisions only, none of the scorer's routes. */
    static final String GATEWAY = "gateway-token-0123456789";
    static final String ADMIN = "admin-token-0123456789";
    static final Instant T0 = Instant.parse("2026-11-09T10:00:00Z");

    final ScorerService service;
    final Javalin app;
    final List<Assessment> handed = new CopyOnWriteArrayList<>();
    /** What the mitigation side does with an assessment after it was recorded in {@link #handed}; tests may fail it. */
    volatile AssessmentSink then = a -> "observed";
    private final HttpClient http = HttpClient.newHttpClient();

    TestServer(ModelRegistry registry, BaselineSource baselines, ScorerSettings settings, long maxRequestBytes) {
        this(registry, "shadow-risk", baselines, settings, maxRequestBytes);
    }

    TestServer(ModelRegistry registry, String modelName, BaselineSource baselines, ScorerSettings settings,
            long maxRequestBytes) {
        this(registry, modelName, baselines, settings, ServiceApp.Options.defaults(maxRequestBytes));
    }

    /** With the HTTP shell's {@code options}: body timeout, stop timeout. */
    TestServer(ModelRegistry registry, BaselineSource baselines, ScorerSettings settings, ServiceApp.Options options) {
        this(registry, "shadow-risk", baselines, settings, options);
    }

    TestServer(ModelRegistry registry, String modelName, BaselineSource baselines, ScorerSettings settings,
            ServiceApp.Options options) {
        ThreatIntel intel = ThreatIntel.fromBlocklist(List.of("185.220.101.0/24"), "tor-exits", 0.9);
        service = new ScorerService(DetectorConfig.defaults(), baselines, intel, ResourceRisk.defaults(),
                new RiskModelHolder(registry, modelName), a -> {
                    handed.add(a);
                    return then.accept(a);
                }, settings);
        Tokens tokens = new Tokens(Map.of(AGENT, new Caller("agent-1", Role.AGENT, null),
                AGENT_WEB_1, new Caller("web-1-agent", Role.AGENT, "web-1"),
                AGENT_ACME_WEB_1, new Caller("acme-web-1", Role.AGENT, "acme", "web-1"),
                SERVICE, new Caller("collector", Role.SERVICE, null),
                OPERATOR, new Caller("ops", Role.OPERATOR, null), ADMIN, new Caller("root", Role.ADMIN, null),
                GATEWAY, new Caller("nginx", Role.GATEWAY, null)));
        app = ServiceApp.create(tokens, options, null, null, 0, cfg -> {
            service.register(cfg);
            ServiceApp.openApi(cfg, List.of(ScorerRoutes.OPENAPI));
        });
        app.start("127.0.0.1", 0);
    }

    static BaselineSource baselines(long version) {
        return BaselineSource.fixed(snapshot(version), PatternHistory.EMPTY);
    }

    /** {@link #snapshot} for principals of each of {@code tenants}. */
    static BaselineSource baselines(long version, String... tenants) {
        return BaselineSource.fixed(snapshot(version, tenants), PatternHistory.EMPTY);
    }

    /**
     * Baselines whose version the test moves: {@link #snapshot} of the current {@code version} (none
     * while it is negative), or what {@code read} throws for it.
     */
    static BaselineSource moving(java.util.concurrent.atomic.AtomicLong version,
            java.util.function.LongConsumer read) {
        return new BaselineSource() {
            @Override
            public long currentVersion() {
                return version.get();
            }

            @Override
            public Generation read() {
                long v = version.get();
                read.accept(v);
                return new Generation(v < 0 ? BaselineSnapshot.EMPTY : snapshot(v), PatternHistory.EMPTY);
            }
        };
    }

    /** Principals u-* (and the population) that never delete and work from 10.0.0.0/24 with the AWS CLI. */
    static BaselineSnapshot snapshot(long version) {
        return snapshot(version, "acme");
    }

    /** The same principals in each of {@code tenants}. */
    static BaselineSnapshot snapshot(long version, String... tenants) {
        Map<EntityKey, EntityBaseline> m = new HashMap<>();
        for (String tenant : tenants) {
            for (String p : List.of("u-1", "u-2", "*")) {
                Map<Feature, FeatureBaseline> f = new EnumMap<>(Feature.class);
                f.put(Feature.EVENTS, FeatureBaseline.flat(3, 2, 3, 6, 0, 2, 2000));
                f.put(Feature.DELETES, FeatureBaseline.flat(0, 0, 0.01, 0.01, 0, 0.1, 2000));
                Map<NoveltyAttribute, Map<String, Long>> usual = new EnumMap<>(NoveltyAttribute.class);
                usual.put(NoveltyAttribute.SOURCE_NETWORK, Map.of("10.0.0.0/24", 5000L));
                usual.put(NoveltyAttribute.USER_AGENT, Map.of("aws-cli/2.22.4", 5000L));
                EntityKey k = EntityKey.principal(tenant, p);
                m.put(k, new EntityBaseline(k, f, usual));
            }
        }
        return new BaselineSnapshot(version, T0, m);
    }

    static ActivityEvent delete(String principal, String ip, Instant at) {
        return ActivityEvent.builder().tenant("acme").time(at).eventClass(EventClass.API_ACTIVITY)
                .operation("DeleteObject").principal(principal).srcIp(ip).resourceType(ResourceType.DATA_STORAGE)
                .resourceId("s3://finance").build();
    }

    /** {@code n} deletes one second apart as NDJSON. */
    static String deletes(String principal, String ip, int n) {
        return deletes(principal, ip, n, T0);
    }

    static String deletes(String principal, String ip, int n, Instant from) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(EventCodec.toJson(delete(principal, ip, from.plusSeconds(i)))).append('\n');
        }
        return sb.toString();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + app.port() + path);
    }

    HttpResponse<String> post(String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return EventCodec.mapper().readTree(r.body());
    }

    /** Stops like a service stops: no more requests, then a last checkpoint. */
    @Override
    public void close() {
        service.drain();
        app.stop();
        service.close();
    }
}
