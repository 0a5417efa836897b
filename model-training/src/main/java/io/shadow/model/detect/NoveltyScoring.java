package io.shadow.model.detect;

/**
 * Turns first-seen values into evidence on the same z-scale as numeric deviations. The chance that
 * an entity shows a value it never showed is estimated from how often it has done so before
 * ({@code (distinct + 1) / (observations + 2)}); a value common across the tenant's population is
 * weak evidence however new it is to the entity. Independent novel attributes multiply, and the
 * joint tail probability is mapped to the standard-normal quantile with the same tail.
 */
final class NoveltyScoring {
    private NoveltyScoring() {
    }

    static double newValueProbability(long observations, long distinct) {
        return (distinct + 1.0) / (observations + 2.0);
    }

    /** Share of the population's observations that carry the value. */
    static double populationShare(long valueCount, long populationTotal) {
        return valueCount / (populationTotal + 1.0);
    }

    /** z such that P(Z > z) = exp(lnTail), for a standard normal Z. */
    static double zFromLogTail(double lnTail) {
        return -lowerQuantile(Math.exp(Math.max(lnTail, -700)));
    }

    /** Inverse of the standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
    static double lowerQuantile(double p) {
        if (p <= 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (p >= 1) {
            return Double.POSITIVE_INFINITY;
        }
        final double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
            1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
        final double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
            6.680131188771972e+01, -1.328068155288572e+01};
        final double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
            -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
        final double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
            3.754408661907416e+00};
        double plow = 0.02425;
        if (p < plow) {
            double q = Math.sqrt(-2 * Math.log(p));
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        if (p <= 1 - plow) {
            double q = p - 0.5;
            double r = q * q;
            return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                    / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
        }
        return -lowerQuantile(1 - p);
    }
}
