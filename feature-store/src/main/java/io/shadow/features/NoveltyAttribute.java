package io.shadow.features;

import java.util.Locale;

/** A categorical attribute whose first-seen values are evidence of compromise. */
public enum NoveltyAttribute {
    /** The source network: the /24 of an IPv4 address, the /48 of an IPv6 one. */
    SOURCE_NETWORK(EntityKind.PRINCIPAL),
    USER_AGENT(EntityKind.PRINCIPAL),
    OPERATION(EntityKind.PRINCIPAL),
    /** The executable a host started, by file name. */
    PROCESS(EntityKind.HOST),
    /**
     * The data container a principal read or wrote: a bucket or a database, not the object or table (a
     * person's work reaches new objects every day, a new container seldom), see
     * {@link FeatureDefinitions#dataContainer}.
     */
    RESOURCE(EntityKind.PRINCIPAL);

    private final EntityKind entityKind;

    NoveltyAttribute(EntityKind entityKind) {
        this.entityKind = entityKind;
    }

    public EntityKind entityKind() {
        return entityKind;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static NoveltyAttribute fromWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
