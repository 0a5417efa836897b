package io.shadow.scorer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.shadow.features.signal.Assessment;
import io.shadow.model.registry.MlflowGate;
import io.shadow.model.registry.MlflowModelRegistry;
import io.shadow.model.registry.ModelRegistry;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real scorer restarted while its real MLflow server cannot be reached ({@link MlflowGate} in front
 * of it, stopped): it serves the champion it last saw, from its cache, says so in {@code /ready},
 * and keeps asking the registry, switching to the new champion once it answers. Only a scorer that
 * never saw a champion falls back to the weighted model.
 */
class ChampionOutageIT {
    @TempDir
    Path dir;

    @Test
    void aScorerRestartedDuringAnOutageServesTheCachedChampionAndPicksUpTheNextOneWhenTheServerIsBack()
            throws Exception {
        String uri = System.getenv("SHADOW_TEST_MLFLOW_URI");
        Assumptions.assumeTrue(uri != null && !uri.isBlank(), "SHADOW_TEST_MLFLOW_URI is unset: skipping; run with "
                + "eval \"$(bin/test-services start)\" (or bin/test)");
        String model = "shadow-risk-outage-" + UUID.randomUUID().toString().substring(0, 8);
        MlflowModelRegistry nightly = new MlflowModelRegistry(URI.create(uri), dir.resolve("nightly"));
        int v1 = Champions.train(nightly, model, true);
        int v2 = Champions.train(nightly, model, false);
        nightly.setAlias(model, ModelRegistry.CHAMPION, v1);
        ScorerSettings poll = ScorerSettings.defaults().withIntervals(Duration.ZERO, Duration.ZERO)
                .withModelPoll(Duration.ofMillis(250));

        try (MlflowGate mlflow = MlflowGate.open(URI.create(uri))) {
            Path cache = dir.resolve("registry-cache");
            try (TestServer first = new TestServer(registry(mlflow, cache), model, TestServer.baselines(1), poll,
                    4 << 20)) {
                assertThat(first.service.models().get().id()).isEqualTo(model + ":" + v1);
            }

            mlflow.stop();
            try (TestServer never = new TestServer(registry(mlflow, dir.resolve("empty-cache")), model,
                    TestServer.baselines(1), poll, 4 << 20)) {
                assertThat(never.service.models().get().id()).as("no champion was ever seen here")
                        .isEqualTo("weighted-fallback");
            }
            try (TestServer restarted = new TestServer(registry(mlflow, cache), model, TestServer.baselines(1), poll,
                    4 << 20)) {
                HttpResponse<String> ready = restarted.get("/ready", null);
                assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
                JsonNode body = TestServer.json(ready);
                assertThat(body.get("model").asText()).isEqualTo(model + ":" + v1);
                assertThat(body.get("warnings").get(0).asText())
                        .startsWith("cannot reach the MLflow tracking server at " + mlflow.uri() + "/ (GET "
                                + "/api/2.0/mlflow/registered-models/alias: ")
                        .contains("; serving " + model + ":" + v1 + ", cached in " + cache.resolve(model)
                                + ": the champion at " + mlflow.uri() + "/ when it last answered (")
                        .endsWith("); the registry is asked again at every model poll");
                assertThat(restarted.post("/v1/events", TestServer.deletes("u-outage", "185.220.101.47", 30),
                        TestServer.AGENT).statusCode()).isEqualTo(200);
                assertThat(restarted.handed).as("a threat-intel match is assessed").isNotEmpty();
                Assessment scored = restarted.handed.get(restarted.handed.size() - 1);
                assertThat(scored.risk().model()).isEqualTo(model + ":" + v1);

                nightly.setAlias(model, ModelRegistry.CHAMPION, v2);
                mlflow.start();
                long back = System.nanoTime();
                while (!restarted.service.models().get().id().equals(model + ":" + v2)
                        && System.nanoTime() - back < 20_000_000_000L) {
                    Thread.sleep(50);
                }
                assertThat(restarted.service.models().get().id()).as("still polling").isEqualTo(model + ":" + v2);
                JsonNode again = TestServer.json(restarted.get("/ready", null));
                assertThat(again.has("warnings")).as(again.toString()).isFalse();
            }
        }
    }

    private static MlflowModelRegistry registry(MlflowGate mlflow, Path cache) {
        return new MlflowModelRegistry(mlflow.uri(), cache, Duration.ofSeconds(2));
    }
}
