package io.shadow.features.baseline;

import io.shadow.features.EntityKey;
import java.time.Instant;
import java.util.Map;

/**
 * One immutable generation of baselines, as the nightly job wrote them, with the population priors
 * (entity id {@code *}) that new entities start from.
 *
 * @param version the Delta table version it was read at, or -1 when built in memory
 */
public record BaselineSnapshot(long version, Instant computedAt, Map<EntityKey, EntityBaseline> entities)
        implements java.io.Serializable {

    public static final BaselineSnapshot EMPTY = new BaselineSnapshot(-1, Instant.EPOCH, Map.of());

    public BaselineSnapshot {
        entities = new java.util.HashMap<>(entities);
    }

    public EntityBaseline entity(EntityKey key) {
        return entities.get(key);
    }

    /** The prior for a new entity: its tenant's population of the same kind. */
    public EntityBaseline population(EntityKey key) {
        return entities.get(key.population());
    }

    public int size() {
        return entities.size();
    }
}
