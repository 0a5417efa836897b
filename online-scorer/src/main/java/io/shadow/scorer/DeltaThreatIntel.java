package io.shadow.scorer;

import io.shadow.features.table.KernelTableReader;
import io.shadow.features.table.TableCatalog;
import io.shadow.model.intel.ThreatIndicatorTable;
import java.nio.file.Path;
import java.util.List;

/** Threat indicators from the {@code threat_indicators} Delta table via Delta Kernel; the feed files until it exists. */
public final class DeltaThreatIntel implements ThreatIntelSource {
    private final KernelTableReader kernel;
    private final TableCatalog catalog;
    private final List<Path> fallbackFeeds;

    public DeltaThreatIntel(KernelTableReader kernel, TableCatalog catalog, List<Path> fallbackFeeds) {
        this.kernel = kernel;
        this.catalog = catalog;
        this.fallbackFeeds = List.copyOf(fallbackFeeds);
    }

    @Override
    public long currentVersion() {
        return ThreatIndicatorTable.currentVersion(kernel, catalog);
    }

    @Override
    public Generation read() {
        ThreatIndicatorTable.Loaded l = ThreatIndicatorTable.load(kernel, catalog, fallbackFeeds);
        return new Generation(l.intel(), l.tableVersion(), l.from());
    }
}
