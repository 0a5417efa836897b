package io.shadow.model.detect;

import io.shadow.features.Feature;
import io.shadow.features.baseline.FeatureBaseline;

/**
 * {@link Expectation#of} remembered for one baseline snapshot and configuration, shared by the threads that
 * score: a feature asks for its hour's expectation on every event of its entity's bucket (and for other hours
 * when its value is flagged, {@link UsualHour}), and each blend of hour, all hours and population takes some
 * twenty divisions. A direct-mapped table of immutable entries written without a lock: a reader sees a whole
 * entry (final fields), and uses it only when its feature, baselines (the same objects) and hour are those
 * asked for, so it returns exactly what the computation would. {@link Detector} replaces it with the snapshot,
 * so it keeps no older baselines alive.
 */
final class Expectations {
    /** About five times the feature-hours a few hundred busy entities ask for; a collision only costs a blend. */
    private static final int SLOTS = 8192;
    private final DetectorConfig cfg;
    private final Entry[] table = new Entry[SLOTS];

    private record Entry(Feature feature, FeatureBaseline own, FeatureBaseline population, int hour,
            Expectation expectation) {
    }

    Expectations(DetectorConfig cfg) {
        this.cfg = cfg;
    }

    DetectorConfig config() {
        return cfg;
    }

    /** {@link Expectation#of} with this configuration. */
    Expectation of(Feature f, FeatureBaseline own, FeatureBaseline population, int hour) {
        int slot = slot(f, own, population, hour);
        Entry e = table[slot];
        if (e != null && e.feature == f && e.own == own && e.population == population && e.hour == hour) {
            return e.expectation;
        }
        Expectation computed = Expectation.of(f, own, population, hour, cfg);
        table[slot] = new Entry(f, own, population, hour, computed);
        return computed;
    }

    private static int slot(Feature f, FeatureBaseline own, FeatureBaseline population, int hour) {
        int h = System.identityHashCode(own) * 31 + System.identityHashCode(population);
        h = (h * 31 + hour) * 31 + f.ordinal();
        h ^= h >>> 16;
        h *= 0x45d9f3b;
        h ^= h >>> 16;
        return h & (SLOTS - 1);
    }
}
