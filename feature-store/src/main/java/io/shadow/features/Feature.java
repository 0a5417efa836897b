package io.shadow.features;

import java.util.Locale;

/**
 * A numeric per-entity, per-bucket feature. Sums add event contributions up within a bucket;
 * means average samples. {@code resolution} is the smallest change that means anything for the
 * feature (one event, 64 KiB, two CPU points): spreads are never taken below it, so a feature
 * that is always zero does not turn its first non-zero value into an infinite deviation.
 */
public enum Feature {
    EVENTS(EntityKind.PRINCIPAL, Aggregation.SUM, 1.0, true, "API calls and data accesses"),
    BYTES_OUT(EntityKind.PRINCIPAL, Aggregation.SUM, 65_536, false, "bytes sent to the principal"),
    BYTES_IN(EntityKind.PRINCIPAL, Aggregation.SUM, 65_536, false, "bytes uploaded by the principal"),
    DELETES(EntityKind.PRINCIPAL, Aggregation.SUM, 1.0, true, "delete operations"),
    PRIVILEGED_OPS(EntityKind.PRINCIPAL, Aggregation.SUM, 1.0, true, "privilege-changing identity operations"),
    FAILURES(EntityKind.PRINCIPAL, Aggregation.SUM, 1.0, true, "failed operations"),
    CPU_PCT(EntityKind.HOST, Aggregation.MEAN, 2.0, false, "mean CPU utilisation %"),
    MEM_PCT(EntityKind.HOST, Aggregation.MEAN, 2.0, false, "mean memory utilisation %"),
    NET_OUT(EntityKind.HOST, Aggregation.SUM, 65_536, false, "bytes the host sent"),
    PROCESS_STARTS(EntityKind.HOST, Aggregation.SUM, 1.0, true, "processes started");

    /** How contributions within one bucket combine. */
    public enum Aggregation { SUM, MEAN }

    private final EntityKind entityKind;
    private final Aggregation aggregation;
    private final double resolution;
    private final boolean count;
    private final String description;

    Feature(EntityKind entityKind, Aggregation aggregation, double resolution, boolean count, String description) {
        this.entityKind = entityKind;
        this.aggregation = aggregation;
        this.resolution = resolution;
        this.count = count;
        this.description = description;
    }

    public EntityKind entityKind() {
        return entityKind;
    }

    public Aggregation aggregation() {
        return aggregation;
    }

    public double resolution() {
        return resolution;
    }

    /** Counts are Poisson-like: their spread is at least the square root of their level. */
    public boolean isCount() {
        return count;
    }

    public String description() {
        return description;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Feature fromWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
