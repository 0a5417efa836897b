package io.shadow.model.detect;

import io.shadow.model.detect.stream.NormalTail;

/**
 * Turns first-seen values into evidence on the same z-scale as numeric deviations. The chance that
 * an entity shows a value it never showed is estimated from how often it has done so before
 * ({@code (distinct + 1) / (observations + 2)}); a value common across the tenant's population is
 * weak evidence however new it is to the entity. The novel attributes of one event multiply (the chance
 * of that event), and the joint tail probability is mapped to the standard-normal quantile with the same
 * tail. Separate pieces of evidence (the first-seen values of different events, still recent, and a
 * bucket's numeric deviation) are combined by {@link #fisherLogTail}, one term each.
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

    /** z such that P(Z > z) = exp(lnTail), for a standard normal Z (math shared with the stream detector). */
    static double zFromLogTail(double lnTail) {
        return NormalTail.zFromLogTail(lnTail);
    }

    /** ln P(Z > z) for a standard normal Z; the asymptotic series where the tail underflows. */
    static double lnUpperTail(double z) {
        if (z < 30) {
            return Math.log(NormalTail.upper(z));
        }
        return -z * z / 2 - Math.log(z * Math.sqrt(2 * Math.PI));
    }

    /**
     * Fisher's combination of {@code k} independent tails whose logarithms sum to {@code lnSum}: ln of
     * P(chi-squared with 2k degrees of freedom > -2 lnSum), which is uniform when none of them is
     * anomalous. So a score combined from several pieces of evidence alerts no more often on normal
     * activity than a single score does, while pieces that are each unusual add up. A first-seen value's
     * tail is p when new and 1 otherwise, never below uniform, so with such terms the combination errs on
     * the side of silence.
     */
    static double fisherLogTail(double lnSum, int k) {
        if (k <= 0) {
            return 0;
        }
        double s = -Math.min(lnSum, 0);
        double term = 1;
        double series = 1;
        for (int j = 1; j < k; j++) {
            term *= s / j;
            series += term;
        }
        return Math.min(0, -s + Math.log(series));
    }

    static double lowerQuantile(double p) {
        return NormalTail.lowerQuantile(p);
    }
}
