package io.shadow.features.baseline;

import java.util.Arrays;

/**
 * Statistics of one feature of one entity, on the feature's scale, per hour of day and over all
 * hours: the median and robust spread of bucket values (spread = the larger of 1.4826 × MAD and
 * (p95 − median) / 1.645, both σ for normal data), their mean and
 * variance (which count features use for their overdispersed-Poisson tail), and the median and
 * robust spread of first differences between consecutive buckets (the rate of change).
 */
public final class FeatureBaseline implements java.io.Serializable {
    private static final long serialVersionUID = 2L;
    public static final int HOURS = 24;

    /** Figures of one hour of day, or of all hours; the change figures describe buckets ending in that hour. */
    public record Stats(double median, double scale, double mean, double variance, double diffMedian,
            double diffScale, long samples) implements java.io.Serializable {
    }

    private final Stats[] hours;
    private final Stats all;

    public FeatureBaseline(Stats[] hours, Stats all) {
        if (hours.length != HOURS) {
            throw new IllegalArgumentException("a baseline needs 24 hourly figures, got " + hours.length);
        }
        this.hours = hours.clone();
        for (int h = 0; h < HOURS; h++) {
            Stats x = this.hours[h];
            if (x == null) {
                this.hours[h] = new Stats(all.median(), all.scale(), all.mean(), all.variance(), all.diffMedian(),
                        all.diffScale(), 0);
            } else if (x.diffScale() <= 0) {
                // no bucket-to-bucket change seen in this hour: borrow the all-hours figures
                this.hours[h] = new Stats(x.median(), x.scale(), x.mean(), x.variance(), all.diffMedian(),
                        all.diffScale(), x.samples());
            }
        }
        this.all = all;
    }

    /** A baseline with the same figures at every hour. */
    public static FeatureBaseline flat(double median, double scale, double mean, double variance, double diffMedian,
            double diffScale, long samples) {
        Stats[] h = new Stats[HOURS];
        Arrays.fill(h, new Stats(median, scale, mean, variance, diffMedian, diffScale, samples / HOURS));
        return new FeatureBaseline(h, new Stats(median, scale, mean, variance, diffMedian, diffScale, samples));
    }

    public Stats hour(int hour) {
        return hours[hour];
    }

    public Stats all() {
        return all;
    }

    public double median() {
        return all.median();
    }

    public double scale() {
        return all.scale();
    }

    public long samples() {
        return all.samples();
    }

    public double diffMedian() {
        return all.diffMedian();
    }

    public double diffScale() {
        return all.diffScale();
    }

    @Override
    public String toString() {
        return String.format("median=%.3g scale=%.3g mean=%.3g var=%.3g diff=%.3g±%.3g n=%d", all.median(),
                all.scale(), all.mean(), all.variance(), all.diffMedian(), all.diffScale(), all.samples());
    }
}
