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

    /** What was loaded and from where. */
    public record Loaded(ThreatIntel intel, long tableVersion, String from) {
    }

    /**
     * The table's active rows, or {@code fallbackFeeds} when the table does not exist. A fallback feed
     * that cannot be read is left out and named in {@link Loaded#from}: the nightly's threat-intel step
     * refuses it too, so one broken download must not stop a scorer or a backtest.
     */
    public static Loaded load(KernelTableReader reader, TableCatalog catalog, List<Path> fallbackFeeds) {
        ThreatIntel.Builder b = ThreatIntel.builder();
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
            return fallback(fallbackFeeds);
        }
        return new Loaded(b.build(), version, path + " v" + version);
    }

    private static Loaded fallback(List<Path> feeds) {
        ThreatIntel.Builder b = ThreatIntel.builder();
        List<String> refused = new java.util.ArrayList<>();
        for (Path f : feeds) {
            try {
                b.addAll(ThreatFeeds.read(f));
            } catch (RuntimeException e) {
                refused.add(e.getMessage());
            }
        }
        String from = feeds.isEmpty() ? "no feeds" : "files " + feeds;
        return new Loaded(b.build(), -1, refused.isEmpty() ? from : from + ", " + refused.size() + " of them left "
                + "out: " + String.join("; ", refused));
    }

    /** The table's current version, or -1 when it does not exist: cheap check before reloading. */
    public static long currentVersion(KernelTableReader reader, TableCatalog catalog) {
        return reader.latestVersion(catalog.path(ShadowTable.THREAT_INDICATORS)).orElse(-1L);
    }
}
