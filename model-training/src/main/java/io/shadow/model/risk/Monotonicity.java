package io.shadow.model.risk;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Whether a risk model's score never falls as one factor rises, the others held: checked on a grid
 * of 11 values per factor over [0, 1] (14,641 rows, one batch). Analysts read a risk score that
 * way (a more sensitive resource, more prior incidents, a threat-intel match can only add), the
 * weighted fallback holds it by its non-negative weights and the trainer by construction; the check
 * guards what the registry may hold from elsewhere (a model trained by an older Shadow, imported
 * from another registry) before it is promoted or served.
 */
public final class Monotonicity {
    /** Grid steps per factor: values 0, 0.1, …, 1. */
    static final int STEPS = 10;
    /** A fall smaller than this (probability; 0.1 risk points) is float noise, not a violation. */
    static final double TOLERANCE = 1e-3;

    /** The largest fall found: risk {@code riskFrom} → {@code riskTo} (0–100) as {@code factor} rises. */
    public record Violation(String factor, double from, double to, double riskFrom, double riskTo, double[] at) {
        /** {@code risk falls from 41.2 to 16.0 as resource_risk rises from 0.6 to 0.7 (severity 0.4, …)}. */
        public String describe() {
            StringBuilder others = new StringBuilder();
            for (int i = 0; i < RiskFactors.COUNT; i++) {
                if (!RiskFactors.NAMES.get(i).equals(factor)) {
                    others.append(others.isEmpty() ? "" : ", ").append(RiskFactors.NAMES.get(i)).append(' ')
                            .append(String.format(Locale.ROOT, "%.1f", at[i]));
                }
            }
            return String.format(Locale.ROOT, "risk falls from %.1f to %.1f as %s rises from %.1f to %.1f (%s)",
                    riskFrom, riskTo, factor, from, to, others);
        }
    }

    private Monotonicity() {
    }

    /** @param model probabilities in [0, 1] for a batch of factor rows */
    public static Optional<Violation> check(Function<double[][], double[]> model) {
        int side = STEPS + 1;
        int n = (int) Math.pow(side, RiskFactors.COUNT);
        double[][] rows = new double[n][RiskFactors.COUNT];
        for (int r = 0; r < n; r++) {
            int rest = r;
            for (int i = RiskFactors.COUNT - 1; i >= 0; i--) {
                rows[r][i] = (rest % side) / (double) STEPS;
                rest /= side;
            }
        }
        double[] p = model.apply(rows);
        Violation worst = null;
        double worstFall = TOLERANCE;
        int stride = 1;
        for (int i = RiskFactors.COUNT - 1; i >= 0; i--) {
            for (int r = 0; r < n; r++) {
                if ((r / stride) % side == STEPS) {
                    continue; // factor i already at 1
                }
                double fall = p[r] - p[r + stride];
                if (fall > worstFall) {
                    worstFall = fall;
                    worst = new Violation(RiskFactors.NAMES.get(i), rows[r][i], rows[r + stride][i], 100 * p[r],
                            100 * p[r + stride], rows[r].clone());
                }
            }
            stride *= side;
        }
        return Optional.ofNullable(worst);
    }
}
