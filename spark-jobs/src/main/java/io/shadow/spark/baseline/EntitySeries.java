package io.shadow.spark.baseline;

import io.shadow.features.Buckets;
import io.shadow.features.Feature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One entity's bucket series per feature, rebuilt from the sparse features table: a sum feature
 * is zero in every bucket its spans cover without a row (volumes excepted: on the log scale only
 * active buckets count), a mean feature has its observed buckets. Buckets inside confirmed
 * incidents are left out, and first differences are taken between buckets five minutes apart that
 * are both kept: exactly the series a zero-filled table gave, without storing its zeros.
 */
final class EntitySeries {
    static final long STEP = Buckets.SECONDS;

    private final String kind;
    private final Map<Feature, BucketValues> observed = new EnumMap<>(Feature.class);
    private final List<long[]> spans = new ArrayList<>();
    private final List<long[]> excluded;

    /** @param excluded confirmed incident windows as {@code [from, to]} epoch microseconds, inclusive */
    EntitySeries(String kind, List<long[]> excluded) {
        this.kind = kind;
        this.excluded = excluded;
    }

    /** A features row: the bucket's start in epoch seconds and its value. */
    void observe(Feature f, long bucket, double value) {
        observed.computeIfAbsent(f, x -> new BucketValues()).add(bucket, value);
    }

    /** A span of covered buckets, first and last bucket start in epoch seconds. */
    void cover(long first, long last) {
        spans.add(new long[] {first, last});
    }

    /**
     * Receives one series point: the feature, the bucket's hour of day, the value on the feature's
     * scale and the first difference into it (NaN if none).
     */
    interface PointSink {
        void accept(Feature f, int hour, double value, double diff);
    }

    /** Walks every feature's series in bucket order. */
    void points(PointSink sink) {
        long[] grid = grid();
        for (Feature f : Feature.values()) {
            if (!f.entityKind().wireName().equals(kind)) {
                continue;
            }
            BucketValues obs = observed.getOrDefault(f, new BucketValues());
            obs.sort();
            if (f.aggregation() == Feature.Aggregation.SUM && f.scale() != Feature.Scale.LOG) {
                zeroFilled(f, grid, obs, sink);
            } else {
                long prev = Long.MIN_VALUE;
                double prevValue = 0;
                for (int i = 0; i < obs.size; i++) {
                    double v = f.scale() == Feature.Scale.LOG ? (obs.values[i] > 0
                            ? StrictMath.log1p(obs.values[i]) : Double.NaN) : obs.values[i];
                    long b = obs.buckets[i];
                    if (Double.isNaN(v) || isExcluded(b)) {
                        continue;
                    }
                    sink.accept(f, Buckets.hourOfDay(b), v, b - prev == STEP ? v - prevValue : Double.NaN);
                    prev = b;
                    prevValue = v;
                }
            }
        }
    }

    private void zeroFilled(Feature f, long[] grid, BucketValues obs, PointSink sink) {
        // the grid and the observed buckets, merged in order (a row outside every span still counts)
        int i = 0;
        int j = 0;
        long prev = Long.MIN_VALUE;
        double prevValue = 0;
        while (i < grid.length || j < obs.size) {
            long b;
            double v;
            if (j < obs.size && (i >= grid.length || obs.buckets[j] <= grid[i])) {
                b = obs.buckets[j];
                v = obs.values[j++];
                if (i < grid.length && grid[i] == b) {
                    i++;
                }
            } else {
                b = grid[i++];
                v = 0;
            }
            if (isExcluded(b)) {
                continue;
            }
            sink.accept(f, Buckets.hourOfDay(b), v, b - prev == STEP ? v - prevValue : Double.NaN);
            prev = b;
            prevValue = v;
        }
    }

    /** Every bucket the spans cover, ascending, without repeats. */
    private long[] grid() {
        spans.sort((a, b) -> Long.compare(a[0], b[0]));
        long n = 0;
        for (long[] s : spans) {
            n += Math.max(0, (s[1] - s[0]) / STEP + 1);
        }
        long[] out = new long[Math.toIntExact(n)];
        int k = 0;
        for (long[] s : spans) {
            for (long b = s[0]; b <= s[1]; b += STEP) {
                if (k == 0 || b > out[k - 1]) {
                    out[k++] = b;
                }
            }
        }
        return Arrays.copyOf(out, k);
    }

    private boolean isExcluded(long bucket) {
        long micros = bucket * 1_000_000L;
        for (long[] w : excluded) {
            if (micros >= w[0] && micros <= w[1]) {
                return true;
            }
        }
        return false;
    }

    /** Buckets with values, appended in any order. */
    private static final class BucketValues {
        long[] buckets = new long[16];
        double[] values = new double[16];
        int size;

        void add(long bucket, double value) {
            if (size == buckets.length) {
                buckets = Arrays.copyOf(buckets, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            buckets[size] = bucket;
            values[size++] = value;
        }

        void sort() {
            Integer[] order = new Integer[size];
            for (int i = 0; i < size; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Long.compare(buckets[a], buckets[b]));
            long[] b = new long[size];
            double[] v = new double[size];
            for (int k = 0; k < size; k++) {
                b[k] = buckets[order[k]];
                v[k] = values[order[k]];
            }
            buckets = b;
            values = v;
        }
    }
}
