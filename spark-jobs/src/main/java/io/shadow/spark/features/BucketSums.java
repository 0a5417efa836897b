package io.shadow.spark.features;

import io.shadow.features.ActivityEvent;
import io.shadow.features.Buckets;
import io.shadow.features.EntityKey;
import io.shadow.features.EntityKind;
import io.shadow.features.Feature;
import io.shadow.features.FeatureDefinitions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * A task's feature contributions per entity and UTC day: a block of the day's five-minute
 * buckets, each a sum and a sample count per feature of the entity's kind. An entity is active
 * on a few days in a task, so blocks are few; they are handed on when they hold
 * {@link #MAX_CELLS} numbers (128 MB).
 */
final class BucketSums {
    static final int PER_DAY = (int) (86_400L / Buckets.SECONDS);
    static final long MAX_CELLS = 16L << 20;
    private static final Feature[] FEATURES = Feature.values();
    /** A feature's place among the features of its entity kind. */
    private static final int[] SLOT = new int[FEATURES.length];
    private static final Map<EntityKind, Feature[]> OF_KIND = new EnumMap<>(EntityKind.class);

    static {
        for (EntityKind k : EntityKind.values()) {
            Feature[] of = Arrays.stream(FEATURES).filter(f -> f.entityKind() == k).toArray(Feature[]::new);
            OF_KIND.put(k, of);
            for (int i = 0; i < of.length; i++) {
                SLOT[of[i].ordinal()] = i;
            }
        }
    }

    private final Map<Block, double[]> blocks = new HashMap<>();
    private long cells;
    private EntityKey lastEntity;
    private double[] lastBlock;
    private int lastOffset;

    private record Block(EntityKey entity, long day) {
    }

    void add(ActivityEvent e) {
        long bucket = Buckets.start(e.time());
        long day = Math.floorDiv(bucket, 86_400L);
        int slot = (int) ((bucket - day * 86_400L) / Buckets.SECONDS);
        lastEntity = null;
        FeatureDefinitions.contributions(e, (k, f, v) -> {
            if (k != lastEntity) { // the definitions pass one key object per entity and event
                lastEntity = k;
                int width = 2 * OF_KIND.get(k.kind()).length;
                lastBlock = blocks.computeIfAbsent(new Block(k, day), x -> {
                    cells += (long) PER_DAY * width;
                    return new double[PER_DAY * width];
                });
                lastOffset = slot * width;
            }
            if (f.entityKind() != k.kind()) {
                throw new IllegalStateException("feature " + f.wireName() + " is a " + f.entityKind()
                        + " feature, but an event contributed it to " + k);
            }
            lastBlock[lastOffset + 2 * SLOT[f.ordinal()]] += v;
            lastBlock[lastOffset + 2 * SLOT[f.ordinal()] + 1]++;
        });
    }

    boolean full() {
        return cells >= MAX_CELLS;
    }

    /** One {@link FeatureJob#SCAN} row per entity and bucket with contributions, made as they are read; the sums start afresh. */
    Iterator<Row> drain() {
        Iterator<Map.Entry<Block, double[]>> held = new ArrayList<>(blocks.entrySet()).iterator();
        blocks.clear();
        cells = 0;
        lastEntity = null;
        return new Iterator<>() {
            private Block block;
            private Feature[] features;
            private double[] sums;
            private int width;
            private int slot = PER_DAY;

            @Override
            public boolean hasNext() {
                while (true) {
                    for (; slot < PER_DAY; slot++) {
                        for (int i = slot * width + 1; i < (slot + 1) * width; i += 2) {
                            if (sums[i] > 0) {
                                return true;
                            }
                        }
                    }
                    if (!held.hasNext()) {
                        return false;
                    }
                    Map.Entry<Block, double[]> next = held.next();
                    block = next.getKey();
                    sums = next.getValue();
                    features = OF_KIND.get(block.entity().kind());
                    width = 2 * features.length;
                    slot = 0;
                }
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Object[] v = new Object[FeatureJob.SCAN.size()];
                v[0] = block.entity().tenant();
                v[1] = block.entity().kind().wireName();
                v[2] = block.entity().id();
                v[3] = Instant.ofEpochSecond(block.day() * 86_400L + slot * Buckets.SECONDS);
                for (int i = 0; i < FEATURES.length; i++) {
                    v[7 + 2 * i] = FeatureJob.NO_SUM;
                    v[8 + 2 * i] = FeatureJob.NO_SAMPLES;
                }
                int o = slot * width;
                for (int i = 0; i < features.length; i++) {
                    v[7 + 2 * features[i].ordinal()] = sums[o + 2 * i];
                    v[8 + 2 * features[i].ordinal()] = (long) sums[o + 2 * i + 1];
                }
                v[7 + 2 * FEATURES.length] = FeatureJob.NO_SAMPLES;
                slot++;
                return RowFactory.create(v);
            }
        };
    }
}
