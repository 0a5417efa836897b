package io.shadow.model.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shadow.model.registry.LocalModelRegistry;
import io.shadow.model.registry.ModelRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The champion/challenger step shared by the nightly run and {@code bin/shadow train}. */
class ChampionChallengerTest {
    private static final RiskModelTrainer.Settings FAST = new RiskModelTrainer.Settings(200, 0.05f, 0.25, 0.5, 7L,
            100, 0.5);

    private static List<TrainingExample> examples(int n, long seed) {
        Random r = new Random(seed);
        List<TrainingExample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RiskFactors f = new RiskFactors(r.nextDouble(), r.nextDouble(), r.nextDouble() * 0.5, 0);
            out.add(new TrainingExample(Instant.ofEpochSecond(i * 60L), f, f.severity() > 0.7 && f.resourceRisk() > 0.4));
        }
        return out;
    }

    @Test
    void theFirstModelBecomesChampionAndLaterOnesFollowThePolicy(@TempDir Path dir) {
        LocalModelRegistry registry = new LocalModelRegistry(dir);
        ChampionChallenger cc = new ChampionChallenger(registry, FAST, "risk", "exp");
        List<TrainingExample> data = examples(240, 3);

        ChampionChallenger.Result first = cc.run(data, Map.of("window_from", "all"), ChampionChallenger.Policy.IF_BETTER);
        assertThat(first.promoted()).isTrue();
        assertThat(first.championId()).isNull();
        assertThat(first.holdout()).hasSize(first.metrics().holdoutRows())
                .allSatisfy(h -> assertThat(h.champion()).isNull());
        assertThat(registry.version("risk", ModelRegistry.CHAMPION).orElseThrow().version()).isEqualTo(1);

        ChampionChallenger.Result second = cc.run(data, Map.of(), ChampionChallenger.Policy.NEVER);
        assertThat(second.version()).isEqualTo(2);
        assertThat(second.promoted()).isFalse();
        assertThat(second.championId()).isEqualTo("risk:1");
        assertThat(second.holdout()).hasSize(second.metrics().holdoutRows())
                .allSatisfy(h -> assertThat(h.champion()).isBetween(0.0, 1.0));
        assertThat(second.championPrAuc()).isEqualTo(ModelMetrics.evaluate(0,
                data.subList(data.size() - second.holdout().size(), data.size()),
                second.holdout().stream().mapToDouble(ChampionChallenger.HoldoutScore::champion).toArray(), 0.5)
                .prAuc());
        assertThat(registry.version("risk", ModelRegistry.CHAMPION).orElseThrow().version()).isEqualTo(1);

        ChampionChallenger.Result third = cc.run(data, Map.of(), ChampionChallenger.Policy.ALWAYS);
        assertThat(third.promoted()).isTrue();
        assertThat(third.reason()).endsWith("promoted");
        assertThat(registry.version("risk", ModelRegistry.CHAMPION).orElseThrow().version()).isEqualTo(3);
    }

    @Test
    void anUnknownPolicyNamesTheChoices() {
        assertThat(ChampionChallenger.Policy.fromWire("if-better")).isEqualTo(ChampionChallenger.Policy.IF_BETTER);
        assertThatThrownBy(() -> ChampionChallenger.Policy.fromWire("sometimes"))
                .hasMessage("unknown promotion policy 'sometimes'; use if-better, never or always");
    }
}
