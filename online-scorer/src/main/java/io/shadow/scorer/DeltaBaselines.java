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
        return new Generation(baselines.read(), PatternHistory.read(kernel, catalog));
    }
}
