package io.shadow.model.risk;

import io.shadow.features.signal.FactorContribution;
import io.shadow.features.signal.RiskScore;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Exact Shapley values over the four risk factors against {@link RiskFactors#REFERENCE} (the mildest
 * anomaly the scorer raises): every coalition of factors is scored in one batch (16 rows), a factor
 * outside the coalition at its reference value, so the contributions add up to the score minus the
 * reference's score whatever the model's shape. The reference used to be all zeros, a point no
 * anomaly has (every resource type's risk is at least 0.5), where the base read "1" and a
 * resource's contribution measured the model's extrapolation rather than what the resource adds.
 */
final class Shapley {
    private static final int N = RiskFactors.COUNT;
    private static final int SUBSETS = 1 << N;
    private static final double[] WEIGHT = new double[N];

    static {
        // |S|! (n - |S| - 1)! / n! for |S| = 0..n-1
        for (int s = 0; s < N; s++) {
            WEIGHT[s] = factorial(s) * factorial(N - s - 1) / factorial(N);
        }
    }

    private Shapley() {
    }

    /**
     * @param model scores a batch of factor rows, returning probabilities in [0, 1]
     */
    static RiskScore explain(double[] x, Function<double[][], double[]> model, String modelId) {
        double[] reference = RiskFactors.REFERENCE.toArray();
        double[][] rows = new double[SUBSETS][N];
        for (int mask = 0; mask < SUBSETS; mask++) {
            for (int i = 0; i < N; i++) {
                rows[mask][i] = (mask & (1 << i)) != 0 ? x[i] : reference[i];
            }
        }
        double[] f = model.apply(rows);
        List<FactorContribution> out = new ArrayList<>(N);
        for (int i = 0; i < N; i++) {
            double phi = 0;
            for (int mask = 0; mask < SUBSETS; mask++) {
                if ((mask & (1 << i)) == 0) {
                    phi += WEIGHT[Integer.bitCount(mask)] * (f[mask | (1 << i)] - f[mask]);
                }
            }
            out.add(new FactorContribution(RiskFactors.NAMES.get(i), x[i], 100 * phi));
        }
        return new RiskScore(100 * f[SUBSETS - 1], 100 * f[0], out, modelId);
    }

    private static double factorial(int n) {
        double r = 1;
        for (int i = 2; i <= n; i++) {
            r *= i;
        }
        return r;
    }
}
