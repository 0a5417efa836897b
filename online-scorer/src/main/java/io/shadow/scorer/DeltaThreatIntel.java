package io.shadow.scorer;

import io.shadow.features.table.KernelTableReader;
import io.shadow.features.table.TableCatalog;
import io.shadow.model.intel.NetworkScope;
import io.shadow.model.intel.ThreatIndicatorTable;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Threat indicators from the {@code threat_indicators} Delta table via Delta Kernel; the feed files until it
 * exists. Network indicators out of the {@link NetworkScope} (rows an older sync wrote for {@code 0.0.0.0/0}
 * or {@code 10.0.0.0/8}) are left out of the index, with one WARN per load.
 */
public final class DeltaThreatIntel implements ThreatIntelSource {
    private static final Logger LOG = LoggerFactory.getLogger(DeltaThreatIntel.class);

    private final KernelTableReader kernel;
    private final TableCatalog catalog;
    private final List<Path> fallbackFeeds;
    private final NetworkScope scope;

    /** With {@link NetworkScope#DEFAULT}. */
    public DeltaThreatIntel(KernelTableReader kernel, TableCatalog catalog, List<Path> fallbackFeeds) {
        this(kernel, catalog, fallbackFeeds, NetworkScope.DEFAULT);
    }

    public DeltaThreatIntel(KernelTableReader kernel, TableCatalog catalog, List<Path> fallbackFeeds,
            NetworkScope scope) {
        this.kernel = kernel;
        this.catalog = catalog;
        this.fallbackFeeds = List.copyOf(fallbackFeeds);
        this.scope = scope;
    }

    @Override
    public long currentVersion() {
        return ThreatIndicatorTable.currentVersion(kernel, catalog);
    }

    @Override
    public Generation read() {
        ThreatIndicatorTable.Loaded l = ThreatIndicatorTable.load(kernel, catalog, fallbackFeeds, scope);
        l.ignoredWarning().ifPresent(LOG::warn);
        return new Generation(l.intel(), l.tableVersion(), l.from());
    }
}
