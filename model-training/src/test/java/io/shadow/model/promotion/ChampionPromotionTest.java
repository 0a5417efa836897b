package io.shadow.model.promotion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shadow.model.registry.LocalModelRegistry;
import io.shadow.model.registry.MissingRunException;
import io.shadow.model.registry.ModelRegistry;
import io.shadow.model.risk.ModelMetrics;
import io.shadow.model.risk.RiskModelTrainer;
import io.shadow.model.risk.TrainingExample;
import io.shadow.model.risk.TrainingFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real TF models in a real local registry: the alias moves only for a challenger that wins on the same hold-out. */
class ChampionPromotionTest {
    private static final String MODEL = "shadow-risk";
    private static final RiskModelTrainer.Settings SETTINGS = new RiskModelTrainer.Settings(300, 0.02f, 0.25, 0.5,
            3, 0, 0);

    @TempDir
    Path dir;

    private LocalModelRegistry registry;
    private ChampionPromotion promotion;
    private List<TrainingExample> examples;

    @BeforeEach
    void setUp() {
        registry = new LocalModelRegistry(dir);
        promotion = new ChampionPromotion(registry, MODEL, SETTINGS.operatingThreshold());
        examples = TrainingFixtures.examples(600, 11);
    }

    /** The same rows with the labels of the training part shuffled; the hold-out keeps the true labels. */
    private List<TrainingExample> shuffledTrainingLabels() {
        int train = examples.size() - RiskModelTrainer.holdout(examples, SETTINGS.holdoutFraction()).size();
        List<Boolean> labels = new ArrayList<>(examples.subList(0, train).stream().map(TrainingExample::incident)
                .toList());
        Collections.shuffle(labels, new Random(5));
        List<TrainingExample> out = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            TrainingExample e = examples.get(i);
            out.add(i < train ? new TrainingExample(e.time(), e.factors(), labels.get(i)) : e);
        }
        return out;
    }

    private record Round(String run, ChampionPromotion.Decision decision) {
    }

    private Round challenge(List<TrainingExample> trainOn) {
        return challenge(trainOn, ChampionPromotion.Policy.IF_BETTER);
    }

    private Round challenge(List<TrainingExample> trainOn, ChampionPromotion.Policy policy) {
        String run = registry.startRun("promotion-test", Map.of());
        ModelMetrics m = new RiskModelTrainer(SETTINGS).train(trainOn, registry.artifactDirectory(run, "model"));
        return new Round(run, promotion.challenge(run, "model", m,
                RiskModelTrainer.holdout(trainOn, SETTINGS.holdoutFraction()), policy));
    }

    /** A model written elsewhere (an older Shadow, another registry), judged on {@code trainOn}'s hold-out. */
    private Round challengeWith(Path savedModelSource, List<TrainingExample> trainOn,
            ChampionPromotion.Policy policy) throws IOException {
        String run = registry.startRun("promotion-test", Map.of());
        Path target = registry.artifactDirectory(run, "model");
        BentModels.copy(savedModelSource, target);
        List<TrainingExample> holdout = RiskModelTrainer.holdout(trainOn, SETTINGS.holdoutFraction());
        ModelMetrics m;
        try (var model = io.shadow.model.risk.TensorFlowRiskModel.load(target, run)) {
            m = ModelMetrics.evaluate(0, holdout, model.predict(holdout.stream().map(e -> e.factors().toArray())
                    .toArray(double[][]::new)), SETTINGS.operatingThreshold());
        }
        return new Round(run, promotion.challenge(run, "model", m, holdout, policy));
    }

    private int champion() {
        return registry.version(MODEL, ModelRegistry.CHAMPION).orElseThrow().version();
    }

    @Test
    void aChallengerTrainedOnShuffledLabelsIsNotPromoted() {
        Round first = challenge(examples);
        Round worse = challenge(shuffledTrainingLabels());

        assertThat(first.decision().promoted()).isTrue();
        assertThat(first.decision().reason()).startsWith("first model: challenger PR-AUC ")
                .contains(" vs weighted-fallback PR-AUC ").endsWith(": becomes champion");
        assertThat(first.decision().championId()).isEqualTo("weighted-fallback");
        assertThat(first.decision().challenger().prAuc()).isGreaterThan(first.decision().champion().prAuc());
        assertThat(registry.metrics(first.run())).containsKeys("fallback_pr_auc", "fallback_precision",
                "fallback_recall");
        assertThat(worse.decision().promoted()).isFalse();
        assertThat(worse.decision().version()).isEqualTo(2);
        assertThat(champion()).as("the alias stays on the better model").isEqualTo(1);
        assertThat(worse.decision().champion().prAuc()).isGreaterThan(worse.decision().challenger().prAuc() + 0.1);
        assertThat(worse.decision().reason()).contains("vs champion shadow-risk:1").endsWith("champion kept");
        assertThat(registry.metrics(worse.run())).containsKeys("pr_auc", "precision", "recall", "champion_pr_auc",
                "champion_precision", "champion_recall");
        assertThat(registry.metrics(worse.run()).get("champion_pr_auc"))
                .isEqualTo(worse.decision().champion().prAuc());
        assertThat(registry.tag(worse.run(), ChampionPromotion.DECISION_TAG)).hasValueSatisfying(t ->
                assertThat(t).startsWith("not promoted shadow-risk:2: challenger PR-AUC"));
    }

    @Test
    void aFirstModelThatRanksTheHoldOutWorseThanTheWeightedFallbackLeavesTheFallbackServing() {
        Round weak = challenge(shuffledTrainingLabels());

        assertThat(weak.decision().promoted()).isFalse();
        assertThat(weak.decision().championId()).isEqualTo("weighted-fallback");
        assertThat(weak.decision().champion().prAuc()).isGreaterThan(weak.decision().challenger().prAuc());
        assertThat(weak.decision().reason()).startsWith("first model: challenger PR-AUC ")
                .endsWith(": the weighted fallback keeps serving");
        assertThat(registry.version(MODEL, ModelRegistry.CHAMPION)).isEmpty();
    }

    @Test
    void aFirstModelWhoseHoldOutHasNoIncidentIsNotPromotedSayingThatItCouldNotBeEvaluated() {
        // e.g. the first night after registry.uri moved to a new MLflow server, on a quiet hold-out
        int train = examples.size() - RiskModelTrainer.holdout(examples, SETTINGS.holdoutFraction()).size();
        List<TrainingExample> quiet = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            TrainingExample e = examples.get(i);
            quiet.add(i < train ? e : new TrainingExample(e.time(), e.factors(), false));
        }
        Round first = challenge(quiet);

        assertThat(first.decision().promoted()).isFalse();
        assertThat(first.decision().reason()).isEqualTo("first model in this registry, not evaluated: the hold-out "
                + "of 150 rows has no confirmed incident, so PR-AUC cannot rank it against the weighted fallback: "
                + "the weighted fallback keeps serving");
        assertThat(registry.tag(first.run(), ChampionPromotion.DECISION_TAG)).hasValue("not promoted shadow-risk:1: "
                + first.decision().reason());
        assertThat(registry.version(MODEL, ModelRegistry.CHAMPION)).isEmpty();
    }

    @Test
    void aChallengerThatBeatsTheChampionOnTheSameHoldOutTakesTheAlias() {
        Round weak = challenge(shuffledTrainingLabels(), ChampionPromotion.Policy.ALWAYS);
        Round better = challenge(examples);

        assertThat(weak.decision().promoted()).isTrue();
        assertThat(better.decision().promoted()).isTrue();
        assertThat(champion()).isEqualTo(2);
        assertThat(better.decision().challenger().prAuc()).isGreaterThan(better.decision().champion().prAuc());
        assertThat(better.decision().challenger().holdoutRows()).isEqualTo(better.decision().champion().holdoutRows())
                .isEqualTo(150);
        assertThat(registry.tag(better.run(), ChampionPromotion.DECISION_TAG)).hasValueSatisfying(t ->
                assertThat(t).startsWith("promoted shadow-risk:2").endsWith(": promoted"));
    }

    @Test
    void aTieKeepsTheChampionAndAMismatchedHoldOutIsRefused() {
        challenge(examples);
        Round same = challenge(examples);
        assertThat(same.decision().challenger().prAuc()).as("same data, same seed: same model")
                .isEqualTo(same.decision().champion().prAuc());
        assertThat(same.decision().promoted()).isFalse();
        assertThat(same.decision().reason()).endsWith("tie, champion kept");
        assertThat(champion()).isEqualTo(1);

        String run = registry.startRun("promotion-test", Map.of());
        ModelMetrics m = new RiskModelTrainer(SETTINGS).train(examples, registry.artifactDirectory(run, "model"));
        assertThatThrownBy(() -> promotion.challenge(run, "model", m, examples.subList(0, 10)))
                .hasMessageContaining("evaluated on 150 hold-out rows but 10 were given");
    }

    @Test
    void aChampionWhoseRunIsMissingIsReplacedAndAVersionWithoutItsRunIsNeverPromoted() throws Exception {
        Round first = challenge(shuffledTrainingLabels(), ChampionPromotion.Policy.ALWAYS);
        Path run = registry.root().resolve("1").resolve(first.run());
        assertThat(run).isDirectory();
        deleteRecursively(run); // e.g. removed by hand, or a registry copied without it

        Round next = challenge(shuffledTrainingLabels()); // as good as the lost one: only its absence promotes it

        assertThat(next.decision().promoted()).isTrue();
        assertThat(next.decision().championId()).isEqualTo("shadow-risk:1");
        assertThat(next.decision().reason()).isEqualTo("champion shadow-risk:1 did not load on the hold-out (its run "
                + first.run() + " is missing from the model registry at " + registry.root() + "): challenger promoted");
        assertThat(champion()).isEqualTo(2);
        assertThatThrownBy(() -> registry.setAlias(MODEL, ModelRegistry.CHAMPION, 1))
                .isInstanceOf(MissingRunException.class)
                .hasMessage("shadow-risk:1 was registered from run " + first.run() + ", which is missing from the "
                        + "model registry at " + registry.root() + "; alias 'champion' stays where it was; point it at "
                        + "a version whose run exists");
        assertThat(champion()).isEqualTo(2);
    }

    @Test
    void aChampionWhoseRiskFallsAsAFactorRisesGivesWayAndSuchAChallengerIsNeverPromoted() throws IOException {
        // ranks this hold-out almost perfectly, but its risk falls as resource risk rises above 0.95
        Path bent = BentModels.export(dir.resolve("bent"));
        Round old = challengeWith(bent, examples, ChampionPromotion.Policy.ALWAYS); // e.g. trained by an older Shadow
        assertThat(champion()).isEqualTo(1);

        Round weaker = challenge(shuffledTrainingLabels());
        assertThat(weaker.decision().champion().prAuc()).as("the bent champion ranks better")
                .isGreaterThan(weaker.decision().challenger().prAuc());
        assertThat(weaker.decision().promoted()).as("not monotone, but no worse than what would replace it").isFalse();
        assertThat(weaker.decision().reason()).contains("; champion shadow-risk:1 is not monotone: risk falls from ")
                .contains("as resource_risk rises from 0.9 to 1.0").contains("; the weighted fallback's PR-AUC ")
                .endsWith(": champion shadow-risk:1 kept: the challenger does not beat the weighted fallback either");

        Round good = challenge(examples);
        assertThat(good.decision().promoted()).isTrue();
        assertThat(good.decision().reason()).contains("; champion shadow-risk:1 is not monotone: risk falls from ")
                .endsWith(": challenger promoted");
        assertThat(champion()).isEqualTo(3);

        Round bentAgain = challengeWith(bent, examples, ChampionPromotion.Policy.IF_BETTER);
        assertThat(bentAgain.decision().challenger().prAuc()).isGreaterThan(weaker.decision().challenger().prAuc());
        assertThat(bentAgain.decision().promoted()).isFalse();
        assertThat(bentAgain.decision().reason()).startsWith("the challenger is not monotone: risk falls from ")
                .endsWith(": champion shadow-risk:3 kept");
        assertThat(champion()).isEqualTo(3);
        assertThat(old.decision().reason()).startsWith("the challenger is not monotone")
                .contains("promoted anyway (policy always)");
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
