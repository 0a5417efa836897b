package io.shadow.features;

import java.util.Objects;

/** The entity a baseline belongs to, within one tenant (client). */
public record EntityKey(String tenant, EntityKind kind, String id) implements java.io.Serializable {
    /** Entity id of a population prior: the whole tenant's entities of one kind. */
    public static final String POPULATION = "*";

    public EntityKey {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
    }

    public static EntityKey principal(String tenant, String id) {
        return new EntityKey(tenant, EntityKind.PRINCIPAL, id);
    }

    public static EntityKey host(String tenant, String id) {
        return new EntityKey(tenant, EntityKind.HOST, id);
    }

    public EntityKey population() {
        return new EntityKey(tenant, kind, POPULATION);
    }

    @Override
    public String toString() {
        return tenant + "/" + kind.wireName() + ":" + id;
    }
}
