package io.shadow.model.promotion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shadow.model.registry.LocalModelRegistry;
import io.shadow.model.registry.ModelRegistry;
import io.shadow.model.risk.ModelMetrics;
import io.shadow.model.risk.RiskFactors;
import io.shadow.model.risk.RiskModelTrainer;
import io.shadow.model.risk.TrainingExample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The champion/challenger step shared by the nightly run and {@code bin/shadow train}. */
class ChampionChallengerTest {
    private static final RiskModelTrainer.Settings FAST = new RiskModelTrainer.Settings(200, 0.05f, 0.25, 0.5, 7L,
            100, 0.5);

    /**
     * Incidents are severe anomalies with a history of incidents: a pattern the weighted fallback (which weighs
     * severity three times prior incidents) ranks worse than a trained model, so a first model can replace it.
     */
    private static List<TrainingExample> examples(int n, long seed) {
        Random r = new Random(seed);
        List<TrainingExample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RiskFactors f = new RiskFactors(r.nextDouble(), r.nextDouble(), r.nextDouble() * 0.5, 0);
            out.add(new TrainingExample(Instant.ofEpochSecond(i * 60L), f, f.severity() > 0.5 && f.priorIncidents() > 0.3));
        }
        return out;
    }

    @Test
    void theFirstModelBecomesChampionAndLaterOnesFollowThePolicy(@TempDir Path dir) {
        LocalModelRegistry registry = new LocalModelRegistry(dir);
        ChampionChallenger cc = new ChampionChallenger(registry, FAST, "risk", "exp");
        List<TrainingExample> data = examples(240, 3);

        ChampionChallenger.Result first = cc.run(data, Map.of("window_from", "all"),
                ChampionPromotion.Policy.IF_BETTER);
        assertThat(first.decision().promoted()).isTrue();
        assertThat(first.decision().championId()).isEqualTo("weighted-fallback");
        assertThat(first.decision().challenger().prAuc()).isGreaterThan(first.decision().champion().prAuc());
        assertThat(first.holdout()).hasSize(first.decision().challenger().holdoutRows())
                .allSatisfy(h -> assertThat(h.champion()).isNull());
        assertThat(registry.version("risk", ModelRegistry.CHAMPION).orElseThrow().version()).isEqualTo(1);

        ChampionChallenger.Result second = cc.run(data, Map.of(), ChampionPromotion.Policy.NEVER);
        assertThat(second.decision().version()).isEqualTo(2);
        assertThat(second.decision().promoted()).isFalse();
        assertThat(second.decision().championId()).isEqualTo("risk:1");
        assertThat(second.holdout()).hasSize(second.decision().challenger().holdoutRows())
                .allSatisfy(h -> assertThat(h.champion()).isBetween(0.0, 1.0));
        double[] championScores = second.holdout().stream().mapToDouble(ChampionChallenger.HoldoutScore::champion)
                .toArray();
        assertThat(second.decision().champion().prAuc()).as("the curves plot what the decision compared")
                .isEqualTo(ModelMetrics.evaluate(0, data.subList(data.size() - championScores.length, data.size()),
                        championScores, FAST.operatingThreshold()).prAuc());
        assertThat(registry.version("risk", ModelRegistry.CHAMPION).orElseThrow().version()).isEqualTo(1);

        ChampionChallenger.Result third = cc.run(data, Map.of(), ChampionPromotion.Policy.ALWAYS);
        assertThat(third.decision().promoted()).isTrue();
        assertThat(registry.version("risk", ModelRegistry.CHAMPION).orElseThrow().version()).isEqualTo(3);
    }

    @Test
    void aHoldOutTheChampionWasTrainedOnIsSaidToFlatterIt(@TempDir Path dir) {
        LocalModelRegistry registry = new LocalModelRegistry(dir);
        ChampionChallenger cc = new ChampionChallenger(registry, FAST, "risk", "exp");
        List<TrainingExample> data = examples(240, 3);
        cc.run(data, Map.of(), ChampionPromotion.Policy.IF_BETTER); // trained on rows 0-179 (02:59)
        assertThat(registry.version("risk", ModelRegistry.CHAMPION).orElseThrow().metrics())
                .containsEntry(ChampionPromotion.TRAIN_LAST, 179 * 60.0);

        // a data scientist retrains on an earlier window: its hold-out, rows 120-159, is in the champion's past
        ChampionChallenger.Result earlier = cc.run(data.subList(0, 160), Map.of(), ChampionPromotion.Policy.NEVER);

        assertThat(earlier.decision().reason()).endsWith("(note: risk:1 was trained on rows up to "
                + "1970-01-01T02:59:00Z, which include 40 of the 40 hold-out rows, so its figures are optimistic)");
        assertThat(registry.versions("risk")).filteredOn(v -> v.version() == 2).singleElement()
                .satisfies(v -> assertThat(v.metrics()).as("the champion's training rows are not known: not "
                        + "logged as 0").doesNotContainKey(ChampionPromotion.CHAMPION_PREFIX + "train_rows")
                        .containsKey(ChampionPromotion.CHAMPION_PREFIX + "pr_auc"));
        ChampionChallenger.Result later = cc.run(data, Map.of(), ChampionPromotion.Policy.NEVER);
        assertThat(later.decision().reason()).as("a hold-out after the champion's data").doesNotContain("note:");
    }

    @Test
    void aChampionWhoseRunDirectoryWasDeletedDoesNotStopTheNextRound(@TempDir Path dir) throws IOException {
        LocalModelRegistry registry = new LocalModelRegistry(dir);
        ChampionChallenger cc = new ChampionChallenger(registry, FAST, "risk", "exp");
        List<TrainingExample> data = examples(240, 3);
        String lost = cc.run(data, Map.of(), ChampionPromotion.Policy.IF_BETTER).runId();
        try (Stream<Path> walk = Files.walk(registry.root().resolve("1").resolve(lost))) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }

        ChampionChallenger.Result next = cc.run(data, Map.of(), ChampionPromotion.Policy.IF_BETTER);

        assertThat(next.decision().promoted()).isTrue();
        assertThat(next.decision().reason()).contains("its run " + lost + " is missing from the model registry at "
                + registry.root()).endsWith(": challenger promoted");
        assertThat(next.holdout()).isNotEmpty().allSatisfy(h -> assertThat(h.champion()).isNull());
        assertThat(registry.version("risk", ModelRegistry.CHAMPION).orElseThrow().version()).isEqualTo(2);
    }

    @Test
    void aPolicyThatOverridesTheRuleSaysWhatTheRuleWouldHaveDone(@TempDir Path dir) {
        LocalModelRegistry registry = new LocalModelRegistry(dir);
        ChampionChallenger cc = new ChampionChallenger(registry, FAST, "risk", "exp");
        List<TrainingExample> data = examples(240, 3);

        ChampionChallenger.Result never = cc.run(data, Map.of(), ChampionPromotion.Policy.NEVER);
        assertThat(never.decision().promoted()).isFalse();
        assertThat(never.decision().reason()).startsWith("first model: challenger PR-AUC ")
                .endsWith(": the if-better rule would promote it; not promoted (policy never)");
        assertThat(registry.version("risk", ModelRegistry.CHAMPION)).isEmpty();

        assertThat(cc.run(data, Map.of(), ChampionPromotion.Policy.IF_BETTER).decision().reason())
                .startsWith("first model: challenger PR-AUC ").endsWith(": becomes champion");
        // a challenger clearly worse than the champion on the same hold-out: trained on the same rows
        // with their labels inverted (retraining on the same rows gives the same model, a tie, which
        // would not show that the rule is overridden on quality)
        ChampionChallenger.Result always = cc.run(labelsInvertedBeforeHoldout(data), Map.of(),
                ChampionPromotion.Policy.ALWAYS);
        assertThat(always.decision().promoted()).isTrue();
        assertThat(always.decision().challenger().prAuc()).isLessThan(always.decision().champion().prAuc());
        assertThat(always.decision().reason()).startsWith("challenger PR-AUC ").contains(" vs champion risk:2 ")
                .endsWith(": the if-better rule would keep the champion; promoted anyway (policy always)");
    }

    /** {@code data} (in time order) with the labels of every row before the hold-out inverted. */
    private static List<TrainingExample> labelsInvertedBeforeHoldout(List<TrainingExample> data) {
        int training = data.size() - RiskModelTrainer.holdout(data, FAST.holdoutFraction()).size();
        List<TrainingExample> out = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            TrainingExample e = data.get(i);
            out.add(i < training ? new TrainingExample(e.time(), e.factors(), !e.incident()) : e);
        }
        return out;
    }

    @Test
    void anUnknownPolicyNamesTheChoices() {
        assertThat(ChampionPromotion.Policy.fromWire("if-better")).isEqualTo(ChampionPromotion.Policy.IF_BETTER);
        assertThatThrownBy(() -> ChampionPromotion.Policy.fromWire("sometimes"))
                .hasMessage("unknown promotion policy 'sometimes'; use if-better, never or always");
    }
}
