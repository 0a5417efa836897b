package io.shadow.model.detect;

import io.shadow.features.ActivityEvent;
import io.shadow.features.EntityKey;
import io.shadow.features.FeatureDefinitions;
import io.shadow.features.baseline.BaselineSnapshot;
import io.shadow.features.signal.Anomaly;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The online detector: feeds each event through the shared feature definitions into per-entity
 * state and compares it with the baseline snapshot. An anomaly is raised when a feature's level
 * and its rate of change are both unusual (the smaller of the two deviations counts, so noise in
 * either alone does not alert), or when first-seen values are improbable enough. Thread-safe:
 * entities are independent and each is locked on its own.
 */
public final class Detector {
    private final DetectorConfig config;
    private final Map<EntityKey, EntityState> states = new ConcurrentHashMap<>();
    private volatile BaselineSnapshot snapshot;

    public Detector(DetectorConfig config, BaselineSnapshot snapshot) {
        this.config = config;
        this.snapshot = snapshot;
    }

    public DetectorConfig config() {
        return config;
    }

    public BaselineSnapshot snapshot() {
        return snapshot;
    }

    /** Switches to a newer snapshot; values learned online since the old one are dropped from state. */
    public void updateSnapshot(BaselineSnapshot newer) {
        this.snapshot = newer;
        for (EntityState s : states.values()) {
            synchronized (s) {
                s.resetOnlineNovelty();
            }
        }
    }

    public int trackedEntities() {
        return states.size();
    }

    /** Observes one event; returns the anomalies it raised (usually none). */
    public List<Anomaly> observe(ActivityEvent e) {
        Map<EntityKey, List<EntityState.Contribution>> numbers = new LinkedHashMap<>(4);
        Map<EntityKey, List<EntityState.Categorical>> categories = new LinkedHashMap<>(4);
        FeatureDefinitions.contributions(e, (k, f, v) ->
                numbers.computeIfAbsent(k, x -> new ArrayList<>(8)).add(new EntityState.Contribution(f, v)));
        FeatureDefinitions.noveltyValues(e, (k, a, v) ->
                categories.computeIfAbsent(k, x -> new ArrayList<>(4)).add(new EntityState.Categorical(a, v)));
        List<Anomaly> out = List.of();
        BaselineSnapshot snap = snapshot;
        for (EntityKey k : keys(numbers, categories)) {
            EntityState state = states.computeIfAbsent(k, EntityState::new);
            Anomaly a;
            synchronized (state) {
                a = state.observe(e, numbers.getOrDefault(k, List.of()), categories.getOrDefault(k, List.of()),
                        snap.entity(k), snap.population(k), config);
            }
            if (a != null) {
                if (out.isEmpty()) {
                    out = new ArrayList<>(2);
                }
                out.add(a);
            }
        }
        return out;
    }

    private static List<EntityKey> keys(Map<EntityKey, ?> a, Map<EntityKey, ?> b) {
        List<EntityKey> keys = new ArrayList<>(a.keySet());
        for (EntityKey k : b.keySet()) {
            if (!a.containsKey(k)) {
                keys.add(k);
            }
        }
        return keys;
    }
}
