package io.shadow.agents.act;

import io.javalin.Javalin;
import io.shadow.features.EntityKey;
import io.shadow.features.ProcessRef;
import io.shadow.features.ResourceType;
import io.shadow.features.signal.Anomaly;
import io.shadow.features.signal.Assessment;
import io.shadow.features.signal.Evidence;
import io.shadow.features.signal.RiskScore;
import io.shadow.mitigation.MitigationService;
import io.shadow.mitigation.api.Caller;
import io.shadow.mitigation.api.MitigationRoutes;
import io.shadow.mitigation.api.Role;
import io.shadow.mitigation.api.ServiceApp;
import io.shadow.mitigation.api.Tokens;
import io.shadow.mitigation.engine.Outcome;
import io.shadow.mitigation.profile.ProfileLoader;
import io.shadow.mitigation.store.Database;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The real mitigation service and API (H2 in a temp dir, Javalin on a free port) for agent tests. */
final class ShadowApi implements AutoCloseable {
    static final String AGENT_TOKEN = "agent-token-0123456789abcdef";
    static final String TENANT = "acme";
    final MitigationService service;
    private final Javalin app;

    ShadowApi(Path dir, String host) throws Exception {
        Path profiles = Path.of(ShadowApi.class.getResource("/profiles/process-actions.yaml").toURI());
        service = new MitigationService(Database.open(Database.h2Url(dir), "sa", ""), ProfileLoader.load(profiles),
                Clock.systemUTC(), Duration.ofHours(1), Duration.ofHours(1));
        app = ServiceApp.create(Tokens.of(AGENT_TOKEN, new Caller("agent-" + host, Role.AGENT, null)), 1 << 20,
                cfg -> new MitigationRoutes(service).register(cfg)).start("127.0.0.1", 0);
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + app.port());
    }

    /** An anomaly of {@code host} with this risk, on the host itself or a process no event named. */
    Outcome anomaly(String host, double risk, ResourceType type, String resourceId) {
        return anomaly(host, risk, type, resourceId, null);
    }

    /** An anomaly of {@code host} with this risk raised by an event about {@code process} (its executable). */
    Outcome anomaly(String host, double risk, ResourceType type, String resourceId, ProcessRef process) {
        Anomaly a = new Anomaly("anm-" + UUID.randomUUID(), EntityKey.host(TENANT, host), Instant.now(),
                "evt-" + UUID.randomUUID(), 9, "cpu@" + type.wireName(), type, resourceId, null, host, null, null,
                List.of(new Evidence("feature", "cpu_pct", "99", "5 ± 3", 9, Instant.now())), process);
        return service.engine().handle(new Assessment(a, new RiskScore(risk, risk, List.of(), "test")));
    }

    @Override
    public void close() {
        app.stop();
        service.close();
    }
}
