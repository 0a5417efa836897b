package io.shadow.model.risk;

import io.shadow.features.table.KernelTableReader;
import io.shadow.features.table.ShadowTable;
import io.shadow.features.table.TableCatalog;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Reads the gold training set with Delta Kernel (no Spark), optionally for a window of anomaly times. */
public final class TrainingSetReader {
    private TrainingSetReader() {
    }

    /**
     * Examples with {@code from <= time < to} (either bound null: open), sorted by time.
     *
     * @throws IllegalStateException when the table does not exist yet
     */
    public static List<TrainingExample> read(KernelTableReader reader, TableCatalog catalog, Instant from,
            Instant to) {
        List<TrainingExample> out = new ArrayList<>();
        String path = catalog.path(ShadowTable.TRAINING_SET);
        long version = reader.scan(path, r -> {
            Instant t = r.instant("time");
            if ((from == null || !t.isBefore(from)) && (to == null || t.isBefore(to))) {
                out.add(new TrainingExample(t, new RiskFactors(r.doubleValue("severity"),
                        r.doubleValue("resource_risk"), r.doubleValue("prior_incidents"),
                        r.doubleValue("threat_intel")), r.intValue("label") == 1));
            }
        });
        if (version < 0) {
            throw new IllegalStateException("no training set at " + path + "; `bin/shadow nightly --config FILE` "
                    + "(or `bin/shadow demo`) builds it");
        }
        out.sort(TrainingExample.ORDER);
        return out;
    }
}
