package io.shadow.features;

import java.util.Locale;

/**
 * A numeric per-entity, per-bucket feature. Sums add event contributions up within a bucket;
 * means average samples. {@code resolution} is the smallest change that means anything for the
 * feature, on its {@link Scale} (one event, two CPU points, a quarter of a log unit): spreads
 * are never taken below it, so a feature that is always zero does not turn its first non-zero
 * value into an infinite deviation.
 */
public enum Feature {
    EVENTS(EntityKind.PRINCIPAL, Aggregation.SUM, Scale.COUNT, 1.0, "API calls and data accesses"),
    BYTES_OUT(EntityKind.PRINCIPAL, Aggregation.SUM, Scale.LOG, 0.25, "bytes sent to the principal"),
    BYTES_IN(EntityKind.PRINCIPAL, Aggregation.SUM, Scale.LOG, 0.25, "bytes uploaded by the principal"),
    DELETES(EntityKind.PRINCIPAL, Aggregation.SUM, Scale.COUNT, 1.0, "delete operations"),
    PRIVILEGED_OPS(EntityKind.PRINCIPAL, Aggregation.SUM, Scale.COUNT, 1.0, "privilege-changing identity operations"),
    FAILURES(EntityKind.PRINCIPAL, Aggregation.SUM, Scale.COUNT, 1.0, "failed operations"),
    CPU_PCT(EntityKind.HOST, Aggregation.MEAN, Scale.LINEAR, 2.0, "mean CPU utilisation %"),
    MEM_PCT(EntityKind.HOST, Aggregation.MEAN, Scale.LINEAR, 2.0, "mean memory utilisation %"),
    NET_OUT(EntityKind.HOST, Aggregation.SUM, Scale.LOG, 0.25, "bytes the host sent"),
    PROCESS_STARTS(EntityKind.HOST, Aggregation.SUM, Scale.COUNT, 1.0, "processes started");

    /** How contributions within one bucket combine. */
    public enum Aggregation { SUM, MEAN }

    /**
     * How a bucket value is compared with its baseline. {@code COUNT}: as is, with a spread of at
     * least the Poisson spread of the level. {@code LINEAR}: as is. {@code LOG}: volumes, whose
     * per-event sizes are heavy-tailed, are compared as {@code ln(1 + value)} over active buckets
     * only (an idle bucket is not a deviation; counts cover activity), so a deviation is a ratio
     * to the usual volume rather than a difference.
     */
    public enum Scale { COUNT, LINEAR, LOG }

    private final EntityKind entityKind;
    private final Aggregation aggregation;
    private final Scale scale;
    private final double resolution;
    private final String description;

    Feature(EntityKind entityKind, Aggregation aggregation, Scale scale, double resolution, String description) {
        this.entityKind = entityKind;
        this.aggregation = aggregation;
        this.scale = scale;
        this.resolution = resolution;
        this.description = description;
    }

    public EntityKind entityKind() {
        return entityKind;
    }

    public Aggregation aggregation() {
        return aggregation;
    }

    public Scale scale() {
        return scale;
    }

    public double resolution() {
        return resolution;
    }

    public boolean isCount() {
        return scale == Scale.COUNT;
    }

    /** Bucket value → the scale baselines are kept on; NaN when the bucket does not count (idle, log scale). */
    public double toScale(double bucketValue) {
        if (scale != Scale.LOG) {
            return bucketValue;
        }
        return bucketValue > 0 ? Math.log1p(bucketValue) : Double.NaN;
    }

    /** Inverse of {@link #toScale}, for showing ranges in the feature's own units. */
    public double fromScale(double v) {
        return scale == Scale.LOG ? Math.expm1(v) : v;
    }

    public String description() {
        return description;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    private static final WireNames<Feature> WIRE = new WireNames<>(Feature.class, Feature::wireName);

    public static Feature fromWire(String s) {
        Feature f = WIRE.find(s); // per row in the nightly baselines
        return f != null ? f : valueOf(s.toUpperCase(Locale.ROOT)); // not a feature: valueOf says so
    }
}
