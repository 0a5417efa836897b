package io.shadow.model.risk;

import io.shadow.features.signal.RiskScore;

/**
 * The transparent cold-start model: a weighted sum of the factors, used until a trained model is
 * the champion. Weights must sum to 1 so the score stays within 0–100.
 */
public final class WeightedRiskModel implements RiskModel {
    public static final String ID = "weighted-fallback";
    private final double[] weights;

    public WeightedRiskModel(double severity, double resourceRisk, double priorIncidents, double threatIntel) {
        this.weights = new double[] {severity, resourceRisk, priorIncidents, threatIntel};
        double sum = severity + resourceRisk + priorIncidents + threatIntel;
        if (Math.abs(sum - 1) > 1e-6 || severity < 0 || resourceRisk < 0 || priorIncidents < 0 || threatIntel < 0) {
            throw new IllegalArgumentException("risk.fallback-weights must be non-negative and sum to 1, got "
                    + java.util.Arrays.toString(weights));
        }
    }

    /** Severity 0.5, resource type 0.2, prior incidents 0.1, threat intelligence 0.2. */
    public static WeightedRiskModel defaults() {
        return new WeightedRiskModel(0.5, 0.2, 0.1, 0.2);
    }

    @Override
    public RiskScore score(RiskFactors factors) {
        return Shapley.explain(factors.toArray(), this::batch, ID);
    }

    private double[] batch(double[][] rows) {
        double[] out = new double[rows.length];
        for (int r = 0; r < rows.length; r++) {
            for (int i = 0; i < weights.length; i++) {
                out[r] += weights[i] * rows[r][i];
            }
        }
        return out;
    }

    @Override
    public String id() {
        return ID;
    }
}
