package io.shadow.model.detect;

import io.shadow.features.Feature;
import io.shadow.features.baseline.FeatureBaseline;

/**
 * What one feature of one entity is expected to be in a given hour: a level with its spread, and
 * the usual bucket-to-bucket change with its spread. Derived from the entity's own baseline, shrunk
 * towards its hour-independent level and towards its population's baseline by how much data each
 * rests on; spreads never drop below the feature's resolution (nor, for counts, the Poisson
 * spread of the level).
 */
public record Expectation(double level, double levelScale, double diffMedian, double diffScale) {

    public static Expectation of(Feature f, FeatureBaseline own, FeatureBaseline population, int hour,
            DetectorConfig cfg) {
        double[] ownHour = own == null ? null : hourly(own, hour, cfg.hourPrior());
        double[] popHour = population == null ? null : hourly(population, hour, cfg.hourPrior());
        double level;
        double scale2;
        double diffMedian;
        double diffScale2;
        if (ownHour != null && popHour != null) {
            double n = own.samples();
            double k = cfg.populationPrior();
            level = (n * ownHour[0] + k * popHour[0]) / (n + k);
            scale2 = (n * sq(ownHour[1]) + k * sq(popHour[1])) / (n + k);
            diffMedian = (n * own.diffMedian() + k * population.diffMedian()) / (n + k);
            diffScale2 = (n * sq(own.diffScale()) + k * sq(population.diffScale())) / (n + k);
        } else if (ownHour != null) {
            level = ownHour[0];
            scale2 = sq(ownHour[1]);
            diffMedian = own.diffMedian();
            diffScale2 = sq(own.diffScale());
        } else if (popHour != null) {
            level = popHour[0];
            scale2 = sq(popHour[1]);
            diffMedian = population.diffMedian();
            diffScale2 = sq(population.diffScale());
        } else {
            level = 0;
            scale2 = 0;
            diffMedian = 0;
            diffScale2 = 0;
        }
        double floor = Math.max(f.resolution(), f.isCount() ? Math.sqrt(Math.max(level, 0)) : 0);
        return new Expectation(level, Math.max(Math.sqrt(scale2), floor), diffMedian,
                Math.max(Math.sqrt(diffScale2), floor));
    }

    /** {level, scale} of an hour, shrunk towards the all-hours figures with {@code prior} pseudo-buckets. */
    private static double[] hourly(FeatureBaseline b, int hour, double prior) {
        double n = b.hourSamples(hour);
        double level = (n * b.hourMedian(hour) + prior * b.median()) / (n + prior);
        double scale2 = (n * sq(b.hourScale(hour)) + prior * sq(b.scale())) / (n + prior);
        return new double[] {level, Math.sqrt(scale2)};
    }

    /** Spreads above the expected level; positive when higher. */
    public double levelDeviation(double x) {
        return (x - level) / levelScale;
    }

    /** Spreads by which the change from the previous bucket exceeds the usual change. */
    public double rateDeviation(double x, double previous) {
        return (x - previous - diffMedian) / diffScale;
    }

    /** The range a user would call normal: level ± 3 spreads, not below zero. */
    public String normalRange(Feature f) {
        return "[" + Units.format(f, Math.max(0, level - 3 * levelScale)) + ", "
                + Units.format(f, level + 3 * levelScale) + "]";
    }

    private static double sq(double v) {
        return v * v;
    }
}
