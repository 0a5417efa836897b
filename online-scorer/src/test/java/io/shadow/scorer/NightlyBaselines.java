package io.shadow.scorer;

import io.shadow.features.ActivityEvent;
import io.shadow.features.Buckets;
import io.shadow.features.EntityKey;
import io.shadow.features.Feature;
import io.shadow.features.NoveltyAttribute;
import io.shadow.features.baseline.BaselineSnapshot;
import io.shadow.features.baseline.BucketSums;
import io.shadow.features.baseline.EntityBaseline;
import io.shadow.features.baseline.FeatureBaseline;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Baselines fitted in plain Java by the nightly job's rules (spark-jobs' {@code FeatureJob}, {@code EntitySeries},
 * {@code BaselineJob}, {@code RobustSummary}), for tests that need an entity's real hour-of-day figures without
 * Spark: every entity is covered from its first bucket to the end of the history, a count's quiet buckets are
 * zeros, a volume counts its active buckets only, a mean its observed ones; per hour of day and over all hours,
 * the median, spread max(1.4826 × MAD, (p95 − median) / 1.645), mean and variance of the values and of the
 * changes between buckets five minutes apart; quantiles at rank ⌈q·n⌉; the population (id {@code *}) pools
 * every entity of its kind.
 */
final class NightlyBaselines {
    private NightlyBaselines() {
    }

    /** The snapshot a nightly run over {@code history} (which ends at {@code end}, exclusive) would write. */
    static BaselineSnapshot fit(List<ActivityEvent> history, Instant end) {
        BucketSums sums = BucketSums.of(history);
        Map<EntityKey, Map<Feature, TreeMap<Long, double[]>>> buckets = sums.buckets();
        Map<EntityKey, Map<NoveltyAttribute, Map<String, Long>>> usual = sums.usual();
        long last = Buckets.start(end.getEpochSecond() - 1);
        Map<EntityKey, EntityBaseline> out = new HashMap<>();
        Map<EntityKey, Map<Feature, Hours>> populations = new HashMap<>();
        Map<EntityKey, Map<NoveltyAttribute, Map<String, Long>>> populationUsual = new HashMap<>();
        buckets.forEach((k, features) -> {
            Map<Feature, FeatureBaseline> fb = new EnumMap<>(Feature.class);
            for (Feature f : Feature.values()) {
                if (f.entityKind() != k.kind()) {
                    continue;
                }
                Hours h = series(f, features.getOrDefault(f, new TreeMap<>()), sums.firstBucket(k), last);
                if (h.isEmpty()) {
                    continue;
                }
                fb.put(f, h.baseline());
                populations.computeIfAbsent(k.population(), x -> new EnumMap<>(Feature.class))
                        .computeIfAbsent(f, x -> new Hours()).addAll(h);
            }
            Map<NoveltyAttribute, Map<String, Long>> u = usual.getOrDefault(k, Map.of());
            out.put(k, new EntityBaseline(k, fb, u));
            u.forEach((a, m) -> m.forEach((v, n) -> populationUsual.computeIfAbsent(k.population(),
                    x -> new EnumMap<>(NoveltyAttribute.class)).computeIfAbsent(a, x -> new HashMap<>())
                    .merge(v, n, Long::sum)));
        });
        populations.forEach((k, features) -> {
            Map<Feature, FeatureBaseline> fb = new EnumMap<>(Feature.class);
            features.forEach((f, h) -> fb.put(f, h.baseline()));
            out.put(k, new EntityBaseline(k, fb, populationUsual.getOrDefault(k, Map.of())));
        });
        return new BaselineSnapshot(1, end, out);
    }

    /** One feature's series from {@code from} to {@code to} (bucket starts), as {@code EntitySeries} walks it. */
    private static Hours series(Feature f, TreeMap<Long, double[]> observed, long from, long to) {
        Hours h = new Hours();
        long prev = Long.MIN_VALUE;
        double prevValue = 0;
        boolean zeroFilled = f.aggregation() == Feature.Aggregation.SUM && f.scale() != Feature.Scale.LOG;
        Iterable<Long> walk = zeroFilled ? range(from, to) : observed.keySet();
        for (long b : walk) {
            double[] acc = observed.get(b);
            double raw = acc == null ? 0 : f.aggregation() == Feature.Aggregation.MEAN ? acc[0] / acc[1] : acc[0];
            double v = f.toScale(raw);
            if (Double.isNaN(v)) {
                continue;
            }
            h.add(Buckets.hourOfDay(b), v, b - prev == Buckets.SECONDS ? v - prevValue : Double.NaN);
            prev = b;
            prevValue = v;
        }
        return h;
    }

    private static List<Long> range(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long b = from; b <= to; b += Buckets.SECONDS) {
            out.add(b);
        }
        return out;
    }

    /** Values and changes per hour of day. */
    private static final class Hours {
        final List<List<Double>> values = new ArrayList<>();
        final List<List<Double>> diffs = new ArrayList<>();

        Hours() {
            for (int i = 0; i < FeatureBaseline.HOURS; i++) {
                values.add(new ArrayList<>());
                diffs.add(new ArrayList<>());
            }
        }

        void add(int hour, double value, double diff) {
            values.get(hour).add(value);
            if (!Double.isNaN(diff)) {
                diffs.get(hour).add(diff);
            }
        }

        void addAll(Hours o) {
            for (int i = 0; i < FeatureBaseline.HOURS; i++) {
                values.get(i).addAll(o.values.get(i));
                diffs.get(i).addAll(o.diffs.get(i));
            }
        }

        boolean isEmpty() {
            return values.stream().allMatch(List::isEmpty);
        }

        FeatureBaseline baseline() {
            FeatureBaseline.Stats[] hours = new FeatureBaseline.Stats[FeatureBaseline.HOURS];
            List<Double> allValues = new ArrayList<>();
            List<Double> allDiffs = new ArrayList<>();
            for (int i = 0; i < FeatureBaseline.HOURS; i++) {
                if (!values.get(i).isEmpty()) {
                    hours[i] = stats(values.get(i), diffs.get(i));
                    allValues.addAll(values.get(i));
                    allDiffs.addAll(diffs.get(i));
                }
            }
            return new FeatureBaseline(hours, stats(allValues, allDiffs));
        }
    }

    private static FeatureBaseline.Stats stats(List<Double> values, List<Double> diffs) {
        double[] v = summary(values);
        double[] d = diffs.isEmpty() ? new double[] {0, 0} : summary(diffs);
        return new FeatureBaseline.Stats(v[0], v[1], v[2], v[3], d[0], d[1], values.size());
    }

    /** {median, scale, mean, variance}, as {@code RobustSummary.of}. */
    private static double[] summary(List<Double> values) {
        double[] x = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = x.length;
        double mean = Arrays.stream(x).sum() / n;
        double variance = Arrays.stream(x).map(a -> (a - mean) * (a - mean)).sum() / n;
        double median = quantile(x, 0.5);
        double[] dev = Arrays.stream(x).map(a -> Math.abs(a - median)).sorted().toArray();
        double scale = Math.max(1.4826 * quantile(dev, 0.5), (quantile(x, 0.95) - median) / 1.645);
        return new double[] {median, scale, mean, variance};
    }

    private static double quantile(double[] sorted, double q) {
        int rank = (int) Math.max(1, Math.ceil(q * sorted.length));
        return sorted[rank - 1];
    }
}
