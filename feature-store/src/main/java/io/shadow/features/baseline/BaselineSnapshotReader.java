package io.shadow.features.baseline;

import io.shadow.features.EntityKey;
import io.shadow.features.EntityKind;
import io.shadow.features.Feature;
import io.shadow.features.NoveltyAttribute;
import io.shadow.features.table.KernelTableReader;
import io.shadow.features.table.ShadowTable;
import io.shadow.features.table.TableCatalog;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/** Loads the latest {@link BaselineSnapshot} from the gold tables with Delta Kernel. */
public final class BaselineSnapshotReader {
    private final KernelTableReader reader;
    private final TableCatalog catalog;

    public BaselineSnapshotReader(KernelTableReader reader, TableCatalog catalog) {
        this.reader = reader;
        this.catalog = catalog;
    }

    /** The version of the baselines table now, to decide whether a reload is due. */
    public long currentVersion() {
        return reader.latestVersion(catalog.path(ShadowTable.BASELINES)).orElse(-1L);
    }

    public BaselineSnapshot read() {
        Map<EntityKey, Map<Feature, Builder>> features = new HashMap<>();
        long[] computedAt = {0};
        long version = reader.scan(catalog.path(ShadowTable.BASELINES), r -> {
            EntityKey key = key(r);
            Feature f = Feature.fromWire(r.string("feature"));
            Builder b = features.computeIfAbsent(key, k -> new EnumMap<>(Feature.class))
                    .computeIfAbsent(f, x -> new Builder());
            int hour = r.intValue("hour");
            FeatureBaseline.Stats stats = new FeatureBaseline.Stats(r.doubleValue("median"), r.doubleValue("scale"),
                    r.doubleValue("mean"), r.doubleValue("variance"), r.doubleValue("diff_median"),
                    r.doubleValue("diff_scale"), r.longValue("samples"));
            if (hour < 0) {
                b.all = stats;
            } else {
                b.hours[hour] = stats;
            }
            computedAt[0] = Math.max(computedAt[0], r.longValue("computed_at"));
        });
        Map<EntityKey, Map<NoveltyAttribute, Map<String, Long>>> novelty = new HashMap<>();
        reader.scan(catalog.path(ShadowTable.NOVELTY_PROFILES), r -> novelty
                .computeIfAbsent(key(r), k -> new EnumMap<>(NoveltyAttribute.class))
                .computeIfAbsent(NoveltyAttribute.fromWire(r.string("attribute")), a -> new HashMap<>())
                .put(r.string("value"), r.longValue("count")));

        Map<EntityKey, EntityBaseline> entities = new HashMap<>();
        for (EntityKey key : union(features.keySet(), novelty.keySet())) {
            Map<Feature, FeatureBaseline> fb = new EnumMap<>(Feature.class);
            features.getOrDefault(key, Map.of()).forEach((f, b) -> fb.put(f, b.build()));
            entities.put(key, new EntityBaseline(key, fb, novelty.getOrDefault(key, Map.of())));
        }
        return new BaselineSnapshot(version, Instant.ofEpochSecond(0, computedAt[0] * 1000), entities);
    }

    private static java.util.Set<EntityKey> union(java.util.Set<EntityKey> a, java.util.Set<EntityKey> b) {
        java.util.Set<EntityKey> u = new java.util.HashSet<>(a);
        u.addAll(b);
        return u;
    }

    private static EntityKey key(KernelTableReader.NamedRow r) {
        return new EntityKey(r.string("tenant"), EntityKind.fromWire(r.string("entity_kind")), r.string("entity_id"));
    }

    /** Collects the hourly and all-hours rows of one entity-feature. */
    private static final class Builder {
        final FeatureBaseline.Stats[] hours = new FeatureBaseline.Stats[FeatureBaseline.HOURS];
        FeatureBaseline.Stats all = new FeatureBaseline.Stats(0, 0, 0, 0, 0, 0, 0);

        FeatureBaseline build() {
            return new FeatureBaseline(hours, all);
        }
    }
}
