package io.shadow.features;

import java.util.Locale;

/** A categorical attribute whose first-seen values are evidence of compromise. */
public enum NoveltyAttribute {
    /** The source network: the /24 of an IPv4 address, the /48 of an IPv6 one. */
    SOURCE_NETWORK(EntityKind.PRINCIPAL),
    USER_AGENT(EntityKind.PRINCIPAL),
    OPERATION(EntityKind.PRINCIPAL),
    /** The executable a host started, by file name. */
    PROCESS(EntityKind.HOST);

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
