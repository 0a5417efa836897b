package io.shadow.features.signal;

import java.util.List;

/**
 * A 0–100 risk score with each factor's contribution: {@code base} plus the contributions' points
 * equals {@code score}.
 *
 * @param model the model that produced it, {@code name:version}, or {@code weighted-fallback}
 */
public record RiskScore(double score, double base, List<FactorContribution> contributions, String model) {
    public RiskScore {
        contributions = List.copyOf(contributions);
    }
}
