package io.shadow.spark.baseline;

import java.util.Arrays;

/**
 * Median, robust spread, mean and variance of a multiset of values given as distinct values with
 * counts (a bucket series with many zeros is a few numbers). The spread is the larger of 1.4826 ×
 * MAD and (p95 − median) / 1.645: both are σ for normal data, but security features are
 * zero-inflated and skewed (an hour in which a job runs half the time has MAD 0; a user's bytes
 * per bucket span small queries and large downloads), and only increases are alerted on, so the
 * upper tail sets the spread when it is wider. Quantiles are exact, with Spark's
 * {@code percentile_approx} rule: the value at rank ⌈q·n⌉ of the sorted values.
 */
record RobustSummary(double median, double scale, double mean, double variance, long samples) {
    static final double MAD_TO_SIGMA = 1.4826;
    static final double UPPER_TO_SIGMA = 1.645;

    /** @param values distinct values in ascending order; {@code counts[i]} > 0 is how often {@code values[i]} occurs */
    static RobustSummary of(double[] values, long[] counts) {
        long n = 0;
        double total = 0;
        for (int i = 0; i < values.length; i++) {
            n += counts[i];
            total += values[i] * counts[i];
        }
        if (n == 0) {
            throw new IllegalArgumentException("no values to summarise");
        }
        double mean = total / n;
        double squares = 0;
        for (int i = 0; i < values.length; i++) {
            squares += (values[i] - mean) * (values[i] - mean) * counts[i];
        }
        double median = quantile(values, counts, n, 0.5);
        double upper = (quantile(values, counts, n, 0.95) - median) / UPPER_TO_SIGMA;
        Histogram deviations = new Histogram(values.length);
        for (int i = 0; i < values.length; i++) {
            deviations.add(Math.abs(values[i] - median), counts[i]);
        }
        deviations.compact();
        double mad = quantile(deviations.values, deviations.counts, n, 0.5) * MAD_TO_SIGMA;
        return new RobustSummary(median, Math.max(mad, upper), mean, squares / n, n);
    }

    /** The value at rank ⌈q·n⌉ (1-based) of the sorted multiset. */
    private static double quantile(double[] values, long[] counts, long n, double q) {
        long rank = Math.max(1, (long) Math.ceil(q * n));
        long seen = 0;
        for (int i = 0; i < values.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return values[i];
            }
        }
        return values[values.length - 1];
    }

    /** Values with counts, collected in any order; {@link #compact} sorts them and merges equal values. */
    static final class Histogram {
        double[] values;
        long[] counts;
        int size;

        Histogram(int capacity) {
            values = new double[Math.max(4, capacity)];
            counts = new long[values.length];
        }

        void add(double value, long count) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
                counts = Arrays.copyOf(counts, size * 2);
            }
            values[size] = value;
            counts[size++] = count;
        }

        boolean isEmpty() {
            return size == 0;
        }

        /** Sorts by value and merges equal values; afterwards the arrays hold exactly the distinct values. */
        void compact() {
            Integer[] order = new Integer[size];
            for (int i = 0; i < size; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Double.compare(values[a], values[b]));
            double[] v = new double[size];
            long[] c = new long[size];
            int m = 0;
            for (int k = 0; k < size; k++) {
                int i = order[k];
                if (m > 0 && Double.compare(v[m - 1], values[i]) == 0) {
                    c[m - 1] += counts[i];
                } else {
                    v[m] = values[i];
                    c[m++] = counts[i];
                }
            }
            values = Arrays.copyOf(v, m);
            counts = Arrays.copyOf(c, m);
            size = m;
        }

        RobustSummary summary() {
            compact();
            return RobustSummary.of(values, counts);
        }
    }
}
