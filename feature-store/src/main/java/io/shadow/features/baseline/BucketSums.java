package io.shadow.features.baseline;

import io.shadow.features.ActivityEvent;
import io.shadow.features.Buckets;
import io.shadow.features.EntityKey;
import io.shadow.features.Feature;
import io.shadow.features.FeatureDefinitions;
import io.shadow.features.NoveltyAttribute;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Events summed per entity, feature and five-minute bucket by the shared feature definitions, with each entity's
 * novelty values and how often it showed them: what baselines fitted in plain Java (the scorer benchmark, tests
 * that need an entity's real hour-of-day figures without Spark) start from.
 *
 * @param buckets per entity (in order of first appearance) and feature, each bucket's start (epoch seconds) to
 *     {sum, events}
 * @param usual per entity, each novelty attribute's values and their counts
 */
public record BucketSums(Map<EntityKey, Map<Feature, TreeMap<Long, double[]>>> buckets,
        Map<EntityKey, Map<NoveltyAttribute, Map<String, Long>>> usual) {

    public static BucketSums of(Iterable<ActivityEvent> events) {
        // in order of first appearance: a population pooling its entities in this order is the same from run to run
        Map<EntityKey, Map<Feature, TreeMap<Long, double[]>>> buckets = new LinkedHashMap<>();
        Map<EntityKey, Map<NoveltyAttribute, Map<String, Long>>> usual = new HashMap<>();
        for (ActivityEvent e : events) {
            long b = Buckets.start(e.time());
            FeatureDefinitions.contributions(e, (k, f, v) -> {
                double[] acc = buckets.computeIfAbsent(k, x -> new EnumMap<>(Feature.class))
                        .computeIfAbsent(f, x -> new TreeMap<>()).computeIfAbsent(b, x -> new double[2]);
                acc[0] += v;
                acc[1]++;
            });
            FeatureDefinitions.noveltyValues(e, (k, a, v) -> usual.computeIfAbsent(k,
                    x -> new EnumMap<>(NoveltyAttribute.class)).computeIfAbsent(a, x -> new HashMap<>())
                    .merge(v, 1L, Long::sum));
        }
        return new BucketSums(buckets, usual);
    }

    /** The entity's first bucket with any feature (epoch seconds). */
    public long firstBucket(EntityKey k) {
        return buckets.get(k).values().stream().mapToLong(TreeMap::firstKey).min().orElseThrow();
    }
}
