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
        double mad = medianDeviation(values, counts, n, median) * MAD_TO_SIGMA;
        return new RobustSummary(median, Math.max(mad, upper), mean, squares / n, n);
    }

    /**
     * The median of |x − median| without sorting the deviations: below the median they grow
     * leftwards, from it upwards they grow rightwards, so the two sorted runs are merged from the
     * middle out up to rank ⌈n/2⌉.
     */
    private static double medianDeviation(double[] values, long[] counts, long n, double median) {
        long rank = Math.max(1, (long) Math.ceil(0.5 * n));
        int right = 0;
        while (right < values.length && values[right] < median) {
            right++;
        }
        int left = right - 1;
        long seen = 0;
        double deviation = 0;
        while (seen < rank) {
            boolean takeLeft = right >= values.length
                    || left >= 0 && median - values[left] < values[right] - median;
            if (takeLeft) {
                deviation = median - values[left];
                seen += counts[left--];
            } else {
                deviation = values[right] - median;
                seen += counts[right++];
            }
        }
        return deviation;
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
            // each value as a long that sorts like Double.compare; indices sorted by it, primitives only
            long[] keys = new long[size];
            for (int i = 0; i < size; i++) {
                keys[i] = sortable(values[i]);
            }
            double[] v = new double[size];
            long[] c = new long[size];
            int m = 0;
            int[] order = order(keys);
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

        /** Indices of {@code keys} in ascending key order (stable). */
        private static int[] order(long[] keys) {
            int n = keys.length;
            int[] order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            if (n < 2) {
                return order;
            }
            // a merge sort on primitive ints: the boxed sort this replaces was a tenth of the nightly baselines' time
            int[] tmp = new int[n];
            for (int width = 1; width < n; width *= 2) {
                for (int lo = 0; lo < n - width; lo += 2 * width) {
                    int mid = lo + width;
                    int hi = Math.min(lo + 2 * width, n);
                    if (keys[order[mid - 1]] <= keys[order[mid]]) {
                        continue; // already in order
                    }
                    int a = lo;
                    int b = mid;
                    int t = lo;
                    while (a < mid && b < hi) {
                        tmp[t++] = keys[order[b]] < keys[order[a]] ? order[b++] : order[a++];
                    }
                    while (a < mid) {
                        tmp[t++] = order[a++];
                    }
                    while (b < hi) {
                        tmp[t++] = order[b++];
                    }
                    System.arraycopy(tmp, lo, order, lo, hi - lo);
                }
            }
            return order;
        }

        /** A long whose signed order is {@link Double#compare}'s order of the doubles. */
        private static long sortable(double x) {
            long bits = Double.doubleToLongBits(x);
            return bits ^ ((bits >> 63) & Long.MAX_VALUE);
        }

        RobustSummary summary() {
            compact();
            return RobustSummary.of(values, counts);
        }
    }
}
