package io.shadow.features.baseline;

import java.util.Arrays;

/**
 * Robust statistics of one feature of one entity: the level (median and robust spread of bucket
 * values) per hour of day and over all hours, and the rate of change (median and robust spread
 * of first differences between consecutive buckets). Spreads are 1.4826 × MAD, i.e. comparable
 * with a standard deviation.
 */
public final class FeatureBaseline implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    public static final int HOURS = 24;

    private final double[] hourMedian;
    private final double[] hourScale;
    private final long[] hourSamples;
    private final double median;
    private final double scale;
    private final double diffMedian;
    private final double diffScale;
    private final long samples;

    public FeatureBaseline(double[] hourMedian, double[] hourScale, long[] hourSamples, double median, double scale,
            double diffMedian, double diffScale, long samples) {
        if (hourMedian.length != HOURS || hourScale.length != HOURS || hourSamples.length != HOURS) {
            throw new IllegalArgumentException("hourly arrays must have 24 entries");
        }
        this.hourMedian = hourMedian.clone();
        this.hourScale = hourScale.clone();
        this.hourSamples = hourSamples.clone();
        this.median = median;
        this.scale = scale;
        this.diffMedian = diffMedian;
        this.diffScale = diffScale;
        this.samples = samples;
    }

    /** A baseline with the same level at every hour. */
    public static FeatureBaseline flat(double median, double scale, double diffMedian, double diffScale, long samples) {
        double[] m = new double[HOURS];
        double[] s = new double[HOURS];
        long[] n = new long[HOURS];
        Arrays.fill(m, median);
        Arrays.fill(s, scale);
        Arrays.fill(n, samples / HOURS);
        return new FeatureBaseline(m, s, n, median, scale, diffMedian, diffScale, samples);
    }

    public double hourMedian(int hour) {
        return hourMedian[hour];
    }

    public double hourScale(int hour) {
        return hourScale[hour];
    }

    public long hourSamples(int hour) {
        return hourSamples[hour];
    }

    public double median() {
        return median;
    }

    public double scale() {
        return scale;
    }

    public double diffMedian() {
        return diffMedian;
    }

    public double diffScale() {
        return diffScale;
    }

    public long samples() {
        return samples;
    }

    @Override
    public String toString() {
        return String.format("median=%.3g scale=%.3g diff=%.3g±%.3g n=%d", median, scale, diffMedian, diffScale,
                samples);
    }
}
