package io.shadow.features.baseline;

import io.shadow.features.EntityKey;
import io.shadow.features.Feature;
import io.shadow.features.NoveltyAttribute;
import java.util.EnumMap;
import java.util.Map;

/**
 * All that is known of one entity's normal behaviour: a {@link FeatureBaseline} per feature and,
 * per novelty attribute, the values it has shown with their counts.
 */
public record EntityBaseline(
        EntityKey entity,
        Map<Feature, FeatureBaseline> features,
        Map<NoveltyAttribute, Map<String, Long>> usualValues) implements java.io.Serializable {

    public EntityBaseline {
        features = features.isEmpty() ? new EnumMap<>(Feature.class) : new EnumMap<>(features);
        usualValues = usualValues.isEmpty() ? new EnumMap<>(NoveltyAttribute.class) : copy(usualValues);
    }

    private static Map<NoveltyAttribute, Map<String, Long>> copy(Map<NoveltyAttribute, Map<String, Long>> m) {
        Map<NoveltyAttribute, Map<String, Long>> out = new EnumMap<>(NoveltyAttribute.class);
        m.forEach((k, v) -> out.put(k, new java.util.HashMap<>(v)));
        return out;
    }

    public FeatureBaseline feature(Feature f) {
        return features.get(f);
    }

    public Map<String, Long> usual(NoveltyAttribute a) {
        return usualValues.getOrDefault(a, Map.of());
    }
}
