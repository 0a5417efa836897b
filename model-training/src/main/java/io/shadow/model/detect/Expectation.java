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
        // figure by figure, the arithmetic of blending whole vectors, in small records the JIT can
        // keep in registers (every event of every entity asks for several expectations)
        Figures o = own == null ? null : new Figures(own, hour, cfg.hourPrior());
        Figures p = population == null ? null : new Figures(population, hour, cfg.hourPrior());
        Figures e;
        double samples;
        if (o != null && p != null) {
            samples = own.samples();
            e = o.blend(samples, p, cfg.populationPrior());
        } else if (o != null) {
            samples = own.samples();
            e = o;
        } else if (p != null) {
            samples = 0;
            e = p;
        } else {
            samples = 0;
            e = new Figures(0, 0, 0, 0, 0, 0);
        }
        double floor = f.resolution();
        double n = Math.max(samples, population == null ? 0 : population.samples());
        // Jeffreys-style posterior mean: a rate never seen is still not exactly zero
        double mean = (Math.max(e.mean, 0) * n + 0.5) / (n + 1);
        return new Expectation(e.median, Math.max(Math.sqrt(e.scale2), floor), mean, Math.max(e.variance, mean),
                samples, e.diffMedian, Math.max(Math.sqrt(e.diffScale2), floor));
    }

    /** {median, scale², mean, variance, diffMedian, diffScale²} of one hour, or a blend of such figures. */
    private record Figures(double median, double scale2, double mean, double variance, double diffMedian,
            double diffScale2) {

        /** An hour's figures shrunk towards all hours' with {@code prior} pseudo-buckets. */
        Figures(FeatureBaseline b, int hour, double prior) {
            this(b.hour(hour), b.all(), prior);
        }

        private Figures(FeatureBaseline.Stats h, FeatureBaseline.Stats a, double prior) {
            this(mix(h.median(), h.samples(), a.median(), prior),
                    mix(sq(h.scale()), h.samples(), sq(a.scale()), prior),
                    mix(h.mean(), h.samples(), a.mean(), prior),
                    mix(h.variance(), h.samples(), a.variance(), prior),
                    mix(h.diffMedian(), h.samples(), a.diffMedian(), prior),
                    mix(sq(h.diffScale()), h.samples(), sq(a.diffScale()), prior));
        }

        Figures blend(double wa, Figures b, double wb) {
            return new Figures(mix(median, wa, b.median, wb), mix(scale2, wa, b.scale2, wb),
                    mix(mean, wa, b.mean, wb), mix(variance, wa, b.variance, wb),
                    mix(diffMedian, wa, b.diffMedian, wb),
                    mix(diffScale2, wa, b.diffScale2, wb));
        }
    }

    /** The weighted mean of {@code a} and {@code b}; {@code b} when neither has weight. */
    private static double mix(double a, double wa, double b, double wb) {
        return wa + wb == 0 ? b : (wa * a + wb * b) / (wa + wb);
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
