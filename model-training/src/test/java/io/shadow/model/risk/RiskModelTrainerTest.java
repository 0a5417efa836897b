package io.shadow.model.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.shadow.features.signal.FactorContribution;
import io.shadow.features.signal.RiskScore;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RiskModelTrainerTest {

    @Test
    void learnsTheLabelsAndExplainsEachScore(@TempDir Path dir) {
        ModelMetrics metrics = new RiskModelTrainer(RiskModelTrainer.Settings.defaults())
                .train(TrainingFixtures.examples(600, 1), dir.resolve("model"));

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
    void theSameRowsAndSeedGiveTheSameModelPredictionForPrediction(@TempDir Path dir) throws Exception {
        List<TrainingExample> rows = TrainingFixtures.examples(600, 1);
        RiskModelTrainer trainer = new RiskModelTrainer(RiskModelTrainer.Settings.defaults());
        double[][] probe = new double[200][];
        java.util.Random r = new java.util.Random(5);
        for (int i = 0; i < probe.length; i++) {
            probe[i] = new RiskFactors(r.nextDouble(), r.nextDouble(), r.nextDouble(), r.nextDouble() * 0.5).toArray();
        }
        // the second training runs while other threads keep the cores busy, as a nightly run on a loaded
        // machine would: the order in which threads finish must not change a float of the model
        trainer.train(rows, dir.resolve("a"));
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        List<Thread> busy = java.util.stream.IntStream.range(0, 2).mapToObj(i -> new Thread(() -> {
            double x = 0;
            while (!stop.get()) {
                x += Math.sqrt(x + 1);
            }
        })).toList();
        busy.forEach(Thread::start);
        try {
            trainer.train(rows, dir.resolve("b"));
        } finally {
            stop.set(true);
            for (Thread t : busy) {
                t.join();
            }
        }

        try (TensorFlowRiskModel a = TensorFlowRiskModel.load(dir.resolve("a"), "risk:1");
                TensorFlowRiskModel b = TensorFlowRiskModel.load(dir.resolve("b"), "risk:2")) {
            assertThat(b.predict(probe)).containsExactly(a.predict(probe));
        }
    }

    @Test
    void refusesATrainingSetWithoutIncidents(@TempDir Path dir) {
        List<TrainingExample> benignOnly = TrainingFixtures.examples(50, 2).stream()
                .map(e -> new TrainingExample(e.time(), e.factors(), false)).toList();
        assertThatThrownBy(() -> new RiskModelTrainer(RiskModelTrainer.Settings.defaults())
                .train(benignOnly, dir.resolve("m")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no confirmed incident");
    }

    @Test
    void weightedFallbackIsALogisticOfTheWeightedFactorsAndSaysWhy() {
        WeightedRiskModel m = WeightedRiskModel.defaults();
        RiskScore s = m.score(new RiskFactors(1, 0.5, 0, 1));
        assertThat(s.score()).isCloseTo(100 / (1 + Math.exp(-(-6 + 6 + 1.5 + 5))), within(1e-9));
        assertThat(s.base()).isCloseTo(100 / (1 + Math.exp(6)), within(1e-9));
        assertThat(s.base() + s.contributions().stream().mapToDouble(FactorContribution::points).sum())
                .isCloseTo(s.score(), within(1e-9));
        assertThat(s.contributions()).filteredOn(c -> c.factor().equals("prior_incidents"))
                .singleElement().extracting(FactorContribution::points).isEqualTo(0.0);
        RiskScore mild = m.score(new RiskFactors(0.3, 0.5, 0, 0));
        assertThat(mild.score()).as("a mild anomaly alone stays below the low band").isLessThan(30);
        assertThatThrownBy(() -> new WeightedRiskModel(-6, 1, -1, 0, 0))
                .hasMessageContaining("non-negative");
    }
}
