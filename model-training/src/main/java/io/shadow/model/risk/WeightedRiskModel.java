package io.shadow.model.risk;

import io.shadow.features.signal.RiskScore;
import java.util.Arrays;

/**
 * The transparent cold-start model, written down by analysts rather than learned:
 * {@code risk = 100 · σ(bias + Σ weight_i · factor_i)}. It serves until a trained model is
 * champion, and it is the prior the trained model starts from (see {@link RiskModelTrainer}), so
 * a handful of labels adjusts it rather than replacing it.
 */
public final class WeightedRiskModel implements RiskModel {
    public static final String ID = "weighted-fallback";
    private final double bias;
    private final double[] weights;

    public WeightedRiskModel(double bias, double severity, double resourceRisk, double priorIncidents,
            double threatIntel) {
        this.bias = bias;
        this.weights = new double[] {severity, resourceRisk, priorIncidents, threatIntel};
        if (severity < 0 || resourceRisk < 0 || priorIncidents < 0 || threatIntel < 0) {
            throw new IllegalArgumentException("risk.fallback weights must be non-negative (a factor can only raise "
                    + "risk), got " + Arrays.toString(weights));
        }
    }

    /**
     * Bias −6; severity 6, resource type 3, prior incidents 2, threat intelligence 5: a severe
     * deviation alone reaches the medium band, on a risky resource the high band; a threat-intel
     * match lifts even a mild anomaly to high; a mild anomaly on its own stays below the low band.
     */
    public static WeightedRiskModel defaults() {
        return new WeightedRiskModel(-6, 6, 3, 2, 5);
    }

    @Override
    public RiskScore score(RiskFactors factors) {
        return Shapley.explain(factors.toArray(), this::batch, ID);
    }

    /** Probabilities for a batch of factor rows. */
    public double[] batch(double[][] rows) {
        double[] out = new double[rows.length];
        for (int r = 0; r < rows.length; r++) {
            double z = bias;
            for (int i = 0; i < weights.length; i++) {
                z += weights[i] * rows[r][i];
            }
            out[r] = 1 / (1 + Math.exp(-z));
        }
        return out;
    }

    @Override
    public String id() {
        return ID;
    }
}
