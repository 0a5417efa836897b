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
    void theTrainedModelNeverLowersRiskAsAFactorRisesAndExplainsFromTheMildestAnomaly(@TempDir Path dir) {
        // a few weeks whose confirmed incidents happen to be on the network while moderate anomalies on data
        // stores were false alarms: an unconstrained MLP learnt that a data store lowers risk (a data-storage
        // anomaly scored below a network one, explanations read "resource risk -16")
        List<TrainingExample> rows = new java.util.ArrayList<>(TrainingFixtures.examples(120, 3));
        java.util.Random r = new java.util.Random(11);
        for (int i = 0; i < 60; i++) {
            boolean network = i % 2 == 0;
            rows.add(new TrainingExample(java.time.Instant.ofEpochSecond(120 * 60L + i * 60L), new RiskFactors(
                    0.4 + 0.15 * r.nextDouble(), network ? 0.5 : 0.8, 0.3, 0), network));
        }
        new RiskModelTrainer(RiskModelTrainer.Settings.defaults()).train(rows, dir.resolve("model"));

        try (TensorFlowRiskModel model = TensorFlowRiskModel.load(dir.resolve("model"), "risk:1")) {
            assertThat(Monotonicity.check(model::predict)).isEmpty();
            RiskScore dataStore = model.score(new RiskFactors(0.45, 0.8, 0.3, 0));
            RiskScore network = model.score(new RiskFactors(0.45, 0.5, 0.3, 0));
            assertThat(dataStore.score()).isGreaterThanOrEqualTo(network.score());
            assertThat(dataStore.contributions()).as("every factor at or above the reference adds, never subtracts")
                    .allSatisfy(c -> assertThat(c.points()).isGreaterThanOrEqualTo(-1e-3));
            assertThat(dataStore.base()).as("the base is the reference anomaly's own risk")
                    .isCloseTo(100 * model.predict(new double[][] {RiskFactors.REFERENCE.toArray()})[0], within(1e-6));
        }
    }

    @Test
    void monotonicityNamesTheFactorAndWhereRiskFalls() {
        // risk falls as resource risk rises above 0.6: what the first trained champions did
        java.util.function.Function<double[][], double[]> bent = batch -> java.util.Arrays.stream(batch)
                .mapToDouble(r -> 0.3 * r[0] + 0.2 * r[3] + (r[1] > 0.6 ? 0.1 : 0.3)).toArray();
        Monotonicity.Violation v = Monotonicity.check(bent).orElseThrow();
        assertThat(v.factor()).isEqualTo("resource_risk");
        assertThat(v.describe()).startsWith("risk falls from ").contains("as resource_risk rises from 0.6 to 0.7");
        assertThat(Monotonicity.check(WeightedRiskModel.defaults()::batch)).isEmpty();
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
        double reference = -6 + 6 * RiskFactors.REFERENCE.severity() + 3 * 0.5;
        assertThat(s.base()).isCloseTo(100 / (1 + Math.exp(-reference)), within(1e-9));
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
