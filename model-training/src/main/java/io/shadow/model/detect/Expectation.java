package io.shadow.model.detect;

import io.shadow.features.Feature;
import io.shadow.features.baseline.FeatureBaseline;

/**
 * What one feature of one entity is expected to be in a given hour, on the feature's scale: level
 * and robust spread, mean and variance, and the usual bucket-to-bucket change with its spread.
 * The hour's figures are shrunk towards the entity's all-hours figures ({@code hour-prior}
 * pseudo-buckets), and the entity's towards its population's ({@code population-prior}), so a
 * new entity starts from its population and moves to its own as buckets accumulate. Spreads never
 * drop below the feature's resolution.
 *
 * @param samples buckets the entity's own figures rest on (0 for a new entity)
 */
public record Expectation(double level, double levelScale, double mean, double variance, double samples,
        double diffMedian, double diffScale) {

    /** P(Z > 3) for a standard normal: the edge of the normal range shown to users. */
    private static final double LN_THREE_SIGMA_TAIL = Math.log(0.0013499);

    public static Expectation of(Feature f, FeatureBaseline own, FeatureBaseline population, int hour,
            DetectorConfig cfg) {
        double[] o = own == null ? null : figures(own, hour, cfg.hourPrior());
        double[] p = population == null ? null : figures(population, hour, cfg.hourPrior());
        double[] e;
        double samples;
        if (o != null && p != null) {
            samples = own.samples();
            e = blend(o, samples, p, cfg.populationPrior());
        } else if (o != null) {
            samples = own.samples();
            e = o;
        } else if (p != null) {
            samples = 0;
            e = p;
        } else {
            samples = 0;
            e = new double[6];
        }
        double floor = f.resolution();
        double n = Math.max(samples, population == null ? 0 : population.samples());
        // Jeffreys-style posterior mean: a rate never seen is still not exactly zero
        double mean = (Math.max(e[2], 0) * n + 0.5) / (n + 1);
        return new Expectation(e[0], Math.max(Math.sqrt(e[1]), floor), mean, Math.max(e[3], mean), samples, e[4],
                Math.max(Math.sqrt(e[5]), floor));
    }

    /** {median, scale², mean, variance, diffMedian, diffScale²} of an hour, shrunk towards all hours. */
    private static double[] figures(FeatureBaseline b, int hour, double prior) {
        FeatureBaseline.Stats h = b.hour(hour);
        FeatureBaseline.Stats a = b.all();
        double[] hv = {h.median(), sq(h.scale()), h.mean(), h.variance(), h.diffMedian(), sq(h.diffScale())};
        double[] av = {a.median(), sq(a.scale()), a.mean(), a.variance(), a.diffMedian(), sq(a.diffScale())};
        return blend(hv, h.samples(), av, prior);
    }

    private static double[] blend(double[] a, double wa, double[] b, double wb) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = wa + wb == 0 ? b[i] : (wa * a[i] + wb * b[i]) / (wa + wb);
        }
        return out;
    }

    /**
     * Spreads above the expected level; positive when higher. Counts use their overdispersed-Poisson
     * tail probability, mapped to the normal quantile with the same tail.
     */
    public double levelDeviation(Feature f, double x) {
        if (f.isCount()) {
            return NoveltyScoring.zFromLogTail(CountTail.lnUpperTail(x, mean, variance));
        }
        return (x - level) / levelScale;
    }

    /** Spread-normalised excess of a change over the usual change. */
    public double changeDeviation(double change) {
        return (change - diffMedian) / diffScale;
    }

    /** The range a user would call normal (3 spreads, or the count with the same tail), in the feature's units. */
    public String normalRange(Feature f) {
        if (f.isCount()) {
            return "[0, " + CountTail.upperBound(mean, variance, LN_THREE_SIGMA_TAIL) + "]";
        }
        return "[" + Units.format(f, Math.max(0, f.fromScale(level - 3 * levelScale))) + ", "
                + Units.format(f, f.fromScale(level + 3 * levelScale)) + "]";
    }

    private static double sq(double v) {
        return v * v;
    }
}
