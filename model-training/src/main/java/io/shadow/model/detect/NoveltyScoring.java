package io.shadow.model.detect;

import io.shadow.model.detect.stream.NormalTail;

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

    /** z such that P(Z > z) = exp(lnTail), for a standard normal Z (math shared with the stream detector). */
    static double zFromLogTail(double lnTail) {
        return NormalTail.zFromLogTail(lnTail);
    }

    static double lowerQuantile(double p) {
        return NormalTail.lowerQuantile(p);
    }
}
