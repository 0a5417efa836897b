package io.shadow.scorer;

import io.shadow.features.baseline.BaselineSnapshotReader;
import io.shadow.features.table.KernelTableReader;
import io.shadow.features.table.TableCatalog;
import io.shadow.model.risk.PatternHistory;

/** Baselines, novelty profiles and pattern history from the gold Delta tables, read with Delta Kernel. */
public final class DeltaBaselines implements BaselineSource {
    private final KernelTableReader kernel;
    private final TableCatalog catalog;
    private final BaselineSnapshotReader baselines;

    public DeltaBaselines(KernelTableReader kernel, TableCatalog catalog) {
        this.kernel = kernel;
        this.catalog = catalog;
        this.baselines = new BaselineSnapshotReader(kernel, catalog);
    }

    @Override
    public long currentVersion() {
        return baselines.currentVersion();
    }

    @Override
    public Generation read() {
        try {
            return new Generation(baselines.read(), PatternHistory.read(kernel, catalog));
        } catch (RuntimeException e) {
            // Delta Kernel's own words rarely name the table ("while trying to Could not parse JSON: …")
            throw new IllegalStateException("cannot read the gold tables the nightly run wrote under " + catalog.root()
                    + "gold/ (baselines, novelty profiles, pattern statistics): " + innermost(e) + "; a damaged "
                    + "commit in a table's _delta_log is named in the cause", e);
        }
    }

    private static String innermost(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (cause: " + t + ")";
    }
}
