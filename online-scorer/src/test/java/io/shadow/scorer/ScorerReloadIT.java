package io.shadow.scorer;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.features.signal.Assessment;
import io.shadow.model.registry.LocalModelRegistry;
import io.shadow.model.registry.ModelRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot reload under load: while clients send batches that raise anomalies (so every batch is
 * scored by the TensorFlow champion), the champion and the baselines are switched ten times.
 * No request may fail, and both models must have scored.
 */
class ScorerReloadIT {
    @TempDir
    Path dir;

    @Test
    void tenReloadsUnderLoadFailNoRequest() throws Exception {
        LocalModelRegistry registry = new LocalModelRegistry(dir.resolve("registry"));
        int v1 = Champions.train(registry, true);
        int v2 = Champions.train(registry, false);
        registry.setAlias("shadow-risk", ModelRegistry.CHAMPION, v1);
        AtomicLong version = new AtomicLong(1);
        BaselineSource nightly = TestServer.moving(version, v -> { });
        ScorerSettings manual = ScorerSettings.defaults().withIntervals(Duration.ZERO, Duration.ZERO)
                .withModelPoll(Duration.ZERO);
        try (TestServer server = new TestServer(registry, nightly, manual, 4 << 20)) {
            ThreatLoad load = new ThreatLoad(server, 3);
            for (int i = 1; i <= 10; i++) {
                Thread.sleep(200);
                registry.setAlias("shadow-risk", ModelRegistry.CHAMPION, i % 2 == 1 ? v2 : v1);
                version.incrementAndGet();
                assertThat(server.service.reload()).isEqualTo("baselines v" + version.get() + " model shadow-risk:"
                        + (i % 2 == 1 ? v2 : v1));
            }
            Thread.sleep(200);
            Map<Integer, Integer> seen = load.stop();

            assertThat(seen).as("every request during the reloads").containsOnlyKeys(200);
            assertThat(load.sent()).isGreaterThan(30);
            Set<String> models = server.handed.stream().map(Assessment::risk).map(r -> r.model())
                    .collect(Collectors.toSet());
            assertThat(models).containsExactlyInAnyOrder("shadow-risk:1", "shadow-risk:2");
            assertThat(server.service.scorer().detector().snapshot().version()).isEqualTo(11);
            String metrics = server.get("/metrics", TestServer.OPERATOR).body();
            assertThat(metrics).contains("shadow_scorer_reloads_total{result=\"switched\",what=\"model\"} 10.0",
                    "shadow_scorer_reloads_total{result=\"switched\",what=\"baselines\"} 10.0",
                    "shadow_scorer_model_info{model=\"shadow-risk:1\"} 1");
            assertThat(List.of(server.get("/ready", null).statusCode())).containsExactly(200);
        }
    }
}
