package io.shadow.bench;

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
 * Baselines for the scorer benchmark, fitted in plain Java from the workload's history with the
 * shared feature definitions: per entity and feature, the median and robust spread of its active
 * five-minute buckets and of their changes, per hour of day and over all hours, the usual values of each novelty
 * attribute, and a pooled population per entity kind. Coarser than the nightly Spark job, but it
 * gives every entity of the stream a baseline, so the detector does its full work per event.
 */
final class BenchBaselines {
    private BenchBaselines() {
    }

    static BaselineSnapshot fit(List<ActivityEvent> history) {
        // entities in order of first appearance: the population pools their buckets in this order,
        // and its change statistics depend on it (a hash order would vary from JVM to JVM)
        BucketSums sums = BucketSums.of(history);
        Map<EntityKey, Map<Feature, TreeMap<Long, double[]>>> buckets = sums.buckets();
        Map<EntityKey, Map<NoveltyAttribute, Map<String, Long>>> usual = sums.usual();
        Map<EntityKey, EntityBaseline> entities = new HashMap<>();
        Map<EntityKey, Map<Feature, List<double[]>>> pooled = new HashMap<>();
        Map<EntityKey, Map<NoveltyAttribute, Map<String, Long>>> pooledUsual = new HashMap<>();
        for (var entity : buckets.entrySet()) {
            Map<Feature, FeatureBaseline> features = new EnumMap<>(Feature.class);
            for (var feature : entity.getValue().entrySet()) {
                List<double[]> values = values(feature.getKey(), feature.getValue());
                features.put(feature.getKey(), stats(feature.getKey(), values));
                pooled.computeIfAbsent(entity.getKey().population(), x -> new EnumMap<>(Feature.class))
                        .computeIfAbsent(feature.getKey(), x -> new ArrayList<>()).addAll(values);
            }
            Map<NoveltyAttribute, Map<String, Long>> u = usual.getOrDefault(entity.getKey(), Map.of());
            entities.put(entity.getKey(), new EntityBaseline(entity.getKey(), features, u));
            u.forEach((a, m) -> m.forEach((v, n) -> pooledUsual.computeIfAbsent(entity.getKey().population(),
                    x -> new EnumMap<>(NoveltyAttribute.class)).computeIfAbsent(a, x -> new HashMap<>())
                    .merge(v, n, Long::sum)));
        }
        for (var population : pooled.entrySet()) {
            Map<Feature, FeatureBaseline> features = new EnumMap<>(Feature.class);
            population.getValue().forEach((f, v) -> features.put(f, stats(f, v)));
            entities.put(population.getKey(), new EntityBaseline(population.getKey(), features,
                    pooledUsual.getOrDefault(population.getKey(), Map.of())));
        }
        return new BaselineSnapshot(1, Instant.now(), entities);
    }

    /** Values on the feature's scale, with the hour of day of each bucket in {@code hours}. */
    private static List<double[]> values(Feature f, TreeMap<Long, double[]> buckets) {
        List<double[]> out = new ArrayList<>(buckets.size());
        for (var b : buckets.entrySet()) {
            double[] acc = b.getValue();
            double v = f.aggregation() == Feature.Aggregation.MEAN ? acc[0] / acc[1] : acc[0];
            double s = f.toScale(v);
            if (!Double.isNaN(s)) {
                out.add(new double[] {s, Buckets.hourOfDay(b.getKey())});
            }
        }
        return out;
    }

    /** Per hour of day where the hour has enough buckets, and over all hours. */
    private static FeatureBaseline stats(Feature f, List<double[]> values) {
        FeatureBaseline.Stats[] hours = new FeatureBaseline.Stats[FeatureBaseline.HOURS];
        for (int h = 0; h < FeatureBaseline.HOURS; h++) {
            int hour = h;
            List<Double> inHour = values.stream().filter(v -> v[1] == hour).map(v -> v[0]).toList();
            if (inHour.size() >= 6) {
                hours[h] = figures(f, inHour);
            }
        }
        return new FeatureBaseline(hours, figures(f, values.stream().map(v -> v[0]).toList()));
    }

    private static FeatureBaseline.Stats figures(Feature f, List<Double> values) {
        double[] x = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (x.length == 0) {
            return new FeatureBaseline.Stats(0, f.resolution(), 0, f.resolution(), 0, f.resolution(), 0);
        }
        double median = x[x.length / 2];
        double[] dev = Arrays.stream(x).map(v -> Math.abs(v - median)).sorted().toArray();
        double scale = Math.max(1.4826 * dev[dev.length / 2], f.resolution());
        double mean = Arrays.stream(x).average().orElse(0);
        double variance = Math.max(Arrays.stream(x).map(v -> (v - mean) * (v - mean)).sum() / x.length,
                f.resolution());
        double[] diffs = new double[Math.max(0, x.length - 1)];
        for (int i = 1; i < values.size(); i++) {
            diffs[i - 1] = Math.abs(values.get(i) - values.get(i - 1));
        }
        Arrays.sort(diffs);
        double diffScale = Math.max(diffs.length == 0 ? scale : 1.4826 * diffs[diffs.length / 2], f.resolution());
        return new FeatureBaseline.Stats(median, scale, mean, variance, 0, diffScale, x.length);
    }
}
