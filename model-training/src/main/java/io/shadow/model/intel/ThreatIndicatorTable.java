package io.shadow.model.intel;

import io.shadow.features.table.KernelTableReader;
import io.shadow.features.table.ShadowTable;
import io.shadow.features.table.TableCatalog;
import java.nio.file.Path;
import java.util.List;

/**
 * Loads the index from the {@code threat_indicators} Delta table with Delta Kernel (no Spark, so the
 * scorer can call it), falling back to the configured feed files while the nightly sync has not
 * written the table yet.
 */
public final class ThreatIndicatorTable {
    private ThreatIndicatorTable() {
    }

    /**
     * What was loaded and from where; {@code ignored}: network indicators left out as out of the
     * {@link NetworkScope} (rows a sync wrote before the scope was enforced, or STIX objects the feed
     * has not withdrawn since).
     */
    public record Loaded(ThreatIntel intel, long tableVersion, String from, List<FeedBatch.Refused> ignored) {
        public Loaded {
            ignored = List.copyOf(ignored);
        }

        /** One line for a WARN at load when rows were ignored, naming how many, why, and the first few. */
        public java.util.Optional<String> ignoredWarning() {
            if (ignored.isEmpty()) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(ignored.size() + " threat indicator(s) from " + from + " ignored: too broad "
                    + "or in private/reserved space, they would match the whole Internet or internal traffic (e.g. "
                    + String.join("; ", ignored.stream().limit(3).map(Object::toString).toList()) + "). The next "
                    + "nightly threat-intel sync withdraws such list entries; see intel.min-prefix-ipv4/-ipv6 in "
                    + "docs/configuration.md");
        }
    }

    /** With {@link NetworkScope#DEFAULT}. */
    public static Loaded load(KernelTableReader reader, TableCatalog catalog, List<Path> fallbackFeeds) {
        return load(reader, catalog, fallbackFeeds, NetworkScope.DEFAULT);
    }

    /**
     * The table's active rows, or {@code fallbackFeeds} when the table does not exist. A fallback feed
     * that cannot be read is left out and named in {@link Loaded#from}: the nightly's threat-intel step
     * refuses it too, so one broken download must not stop a scorer or a backtest. Network indicators
     * out of {@code scope} are left out either way ({@link Loaded#ignored}).
     */
    public static Loaded load(KernelTableReader reader, TableCatalog catalog, List<Path> fallbackFeeds,
            NetworkScope scope) {
        ThreatIntel.Builder b = ThreatIntel.builder(scope);
        String path = catalog.path(ShadowTable.THREAT_INDICATORS);
        long version = reader.scan(path, r -> {
            if (!r.booleanValue("revoked")) {
                b.add(new Indicator(r.string("indicator_id"), r.string("object_id"),
                        IndicatorType.fromWire(r.string("type")), r.string("value"), r.string("source"),
                        r.doubleValue("confidence"), r.instant("valid_from"), r.instant("valid_until"), false,
                        r.instant("modified")));
            }
        });
        if (version < 0) {
            return fallback(fallbackFeeds, scope);
        }
        return new Loaded(b.build(), version, path + " v" + version, b.ignored());
    }

    private static Loaded fallback(List<Path> feeds, NetworkScope scope) {
        ThreatIntel.Builder b = ThreatIntel.builder(scope);
        List<String> refused = new java.util.ArrayList<>();
        List<FeedBatch.Refused> ignored = new java.util.ArrayList<>();
        for (Path f : feeds) {
            try {
                FeedBatch batch = ThreatFeeds.read(f, scope);
                ignored.addAll(batch.refused());
                b.addAll(batch);
            } catch (RuntimeException e) {
                refused.add(e.getMessage());
            }
        }
        String from = feeds.isEmpty() ? "no feeds" : "files " + feeds;
        return new Loaded(b.build(), -1, refused.isEmpty() ? from : from + ", " + refused.size() + " of them left "
                + "out: " + String.join("; ", refused), ignored);
    }

    /** The table's current version, or -1 when it does not exist: cheap check before reloading. */
    public static long currentVersion(KernelTableReader reader, TableCatalog catalog) {
        return reader.latestVersion(catalog.path(ShadowTable.THREAT_INDICATORS)).orElse(-1L);
    }
}
