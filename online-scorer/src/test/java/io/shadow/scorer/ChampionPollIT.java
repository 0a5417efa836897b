package io.shadow.scorer;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.features.signal.Assessment;
import io.shadow.model.registry.MlflowModelRegistry;
import io.shadow.model.registry.ModelRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scorer notices a new champion by itself: a real scorer on a free port polls a real MLflow
 * server's champion alias while clients keep sending batches that each raise a threat-intel
 * anomaly. The nightly side moves the alias; the scorer downloads and swaps the model with no
 * failed request, and the scores change to the new model's.
 */
class ChampionPollIT {
    @TempDir
    Path dir;

    @Test
    void aMovedChampionAliasIsPickedUpUnderLoadWithoutAFailedRequest() throws Exception {
        String uri = System.getenv("SHADOW_TEST_MLFLOW_URI");
        Assumptions.assumeTrue(uri != null && !uri.isBlank(), "SHADOW_TEST_MLFLOW_URI is unset: skipping; run with "
                + "eval \"$(bin/test-services start)\" (or bin/test)");
        String model = "shadow-risk-poll-" + UUID.randomUUID().toString().substring(0, 8);
        MlflowModelRegistry nightly = new MlflowModelRegistry(URI.create(uri), dir.resolve("nightly"));
        int v1 = Champions.train(nightly, model, true);
        int v2 = Champions.train(nightly, model, false);
        nightly.setAlias(model, ModelRegistry.CHAMPION, v1);
        ScorerSettings pollOnly = ScorerSettings.defaults().withIntervals(Duration.ZERO, Duration.ZERO)
                .withModelPoll(Duration.ofMillis(250));

        try (TestServer server = new TestServer(new MlflowModelRegistry(URI.create(uri), dir.resolve("scorer")),
                model, TestServer.baselines(1), pollOnly, 4 << 20)) {
            assertThat(server.service.models().get().id()).isEqualTo(model + ":" + v1);
            ThreatLoad load = new ThreatLoad(server, 3);
            Thread.sleep(1000);
            int beforeSwitch = server.handed.size();
            long moved = System.nanoTime();
            nightly.setAlias(model, ModelRegistry.CHAMPION, v2);
            while (!server.service.models().get().id().equals(model + ":" + v2)
                    && System.nanoTime() - moved < 20_000_000_000L) {
                Thread.sleep(5);
            }
            double switchMs = (System.nanoTime() - moved) / 1e6;
            int atSwitch = server.handed.size();
            Thread.sleep(1000);
            Map<Integer, Integer> seen = load.stop();
            List<Assessment> all = List.copyOf(server.handed);
            double before = mean(all.subList(0, beforeSwitch), model + ":" + v1);
            double after = mean(all.subList(atSwitch, all.size()), model + ":" + v2);
            System.out.printf("champion poll: alias moved -> scorer switched in %.0f ms; %s requests by status; "
                    + "mean risk %.1f with v1, %.1f with v2%n", switchMs, seen, before, after);
            assertThat(seen).as("every request while the champion changed").containsOnlyKeys(200);
            assertThat(server.service.models().get().id()).isEqualTo(model + ":" + v2);
            // a switch downloads the new champion from MLflow and loads it into TensorFlow, seconds on a
            // loaded 2-core machine; a poll that stopped would not switch at all (the wait above ends at 20 s)
            assertThat(switchMs).as("picked up within a few poll intervals and a model load").isLessThan(15_000);
            assertThat(all.subList(0, beforeSwitch)).isNotEmpty()
                    .allSatisfy(a -> assertThat(a.risk().model()).isEqualTo(model + ":" + v1));
            assertThat(all.subList(all.size() - 10, all.size()))
                    .allSatisfy(a -> assertThat(a.risk().model()).isEqualTo(model + ":" + v2));
            assertThat(before - after).as("v1 learned that threat intel means an incident, v2 that it does not")
                    .isGreaterThan(30);
        }
    }

    private static double mean(List<Assessment> as, String model) {
        return as.stream().filter(a -> a.risk().model().equals(model)).mapToDouble(a -> a.risk().score()).average()
                .orElseThrow();
    }
}
