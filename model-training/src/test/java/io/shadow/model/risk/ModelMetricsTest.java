package io.shadow.model.risk;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hold-out figures as people read them: a figure the hold-out cannot give says why, never NaN. */
class ModelMetricsTest {
    private static TrainingExample example(int i, boolean incident) {
        return new TrainingExample(Instant.ofEpochSecond(i * 60L), new RiskFactors(0.5, 0.5, 0, 0), incident);
    }

    @Test
    void noPredictionAboveTheThresholdLeavesPrecisionUndefinedAndSaysSo() {
        List<TrainingExample> holdout = List.of(example(0, true), example(1, false), example(2, false));
        ModelMetrics m = ModelMetrics.evaluate(10, holdout, new double[] {0.4, 0.2, 0.1}, 0.5);

        assertThat(m.precision()).isNaN();
        assertThat(m.summary()).isEqualTo("PR-AUC 1.000, precision n/a (no positive predictions), recall 0.000");
        assertThat(ModelMetrics.describe(m.asMap())).isEqualTo("hold-out 3 rows, 1 in incidents (no-skill PR-AUC "
                + "0.333): PR-AUC 1.000, "
                + "precision n/a (no positive predictions), recall 0.000");
    }

    @Test
    void aHoldOutWithoutIncidentsLeavesPrAucAndRecallUndefined() {
        List<TrainingExample> holdout = List.of(example(0, false), example(1, false));
        ModelMetrics m = ModelMetrics.evaluate(10, holdout, new double[] {0.9, 0.1}, 0.5);

        assertThat(m.summary()).isEqualTo("PR-AUC n/a (no incident in the hold-out), precision 0.000, "
                + "recall n/a (no incident in the hold-out)");
    }
}
