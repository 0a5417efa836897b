package io.shadow.model.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.shadow.features.signal.FactorContribution;
import io.shadow.features.signal.RiskScore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RiskModelTrainerTest {

    /** Incidents are severe anomalies on risky resources, or any threat-intel match. */
    private static List<TrainingExample> examples(int n, long seed) {
        Random r = new Random(seed);
        List<TrainingExample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RiskFactors f = new RiskFactors(r.nextDouble(), r.nextDouble(), r.nextDouble() * 0.5,
                    r.nextDouble() < 0.1 ? 0.9 : 0);
            boolean incident = (f.severity() > 0.7 && f.resourceRisk() > 0.5) || f.threatIntel() > 0;
            out.add(new TrainingExample(Instant.ofEpochSecond(i * 60L), f, incident));
        }
        return out;
    }

    @Test
    void learnsTheLabelsAndExplainsEachScore(@TempDir Path dir) {
        ModelMetrics metrics = new RiskModelTrainer(RiskModelTrainer.Settings.defaults())
                .train(examples(600, 1), dir.resolve("model"));

        assertThat(metrics.holdoutRows()).isEqualTo(150);
        assertThat(metrics.prAuc()).isGreaterThan(0.8);
        try (TensorFlowRiskModel model = TensorFlowRiskModel.load(dir.resolve("model"), "risk:1")) {
            RiskScore severeOnIdentity = model.score(new RiskFactors(0.95, 0.9, 0.1, 0));
            RiskScore mildOnNetwork = model.score(new RiskFactors(0.2, 0.3, 0.1, 0));
            RiskScore intelMatch = model.score(new RiskFactors(0.3, 0.3, 0, 0.9));

            assertThat(severeOnIdentity.score()).isGreaterThan(70);
            assertThat(mildOnNetwork.score()).isLessThan(30);
            assertThat(intelMatch.score()).isGreaterThan(70);
            assertThat(intelMatch.contributions()).filteredOn(c -> c.factor().equals("threat_intel"))
                    .singleElement().extracting(FactorContribution::points).asInstanceOf(
                            org.assertj.core.api.InstanceOfAssertFactories.DOUBLE).isGreaterThan(20);
            double sum = severeOnIdentity.base() + severeOnIdentity.contributions().stream()
                    .mapToDouble(FactorContribution::points).sum();
            assertThat(sum).isCloseTo(severeOnIdentity.score(), within(1e-3));
            assertThat(severeOnIdentity.model()).isEqualTo("risk:1");
        }
    }

    @Test
    void refusesATrainingSetWithoutIncidents(@TempDir Path dir) {
        List<TrainingExample> benignOnly = examples(50, 2).stream()
                .map(e -> new TrainingExample(e.time(), e.factors(), false)).toList();
        assertThatThrownBy(() -> new RiskModelTrainer(RiskModelTrainer.Settings.defaults())
                .train(benignOnly, dir.resolve("m")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no confirmed incident");
    }

    @Test
    void weightedFallbackIsTheWeightedSumAndSaysWhy() {
        RiskScore s = WeightedRiskModel.defaults().score(new RiskFactors(1, 0.5, 0, 1));
        assertThat(s.score()).isCloseTo(100 * (0.5 + 0.1 + 0.2), within(1e-9));
        assertThat(s.base()).isZero();
        assertThat(s.contributions()).extracting(FactorContribution::points)
                .usingElementComparator((a, b) -> Math.abs(a - b) < 1e-9 ? 0 : Double.compare(a, b))
                .containsExactly(50.0, 10.0, 0.0, 20.0);
        assertThatThrownBy(() -> new WeightedRiskModel(0.5, 0.5, 0.5, 0))
                .hasMessageContaining("sum to 1");
    }
}
