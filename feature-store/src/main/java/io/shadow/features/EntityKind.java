package io.shadow.features;

import java.util.Locale;

/** What a baseline is kept for: a principal (user or service) or a host. */
public enum EntityKind {
    PRINCIPAL,
    HOST;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static EntityKind fromWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
