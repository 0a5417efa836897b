package io.shadow.spark.intel;

import io.shadow.features.table.TableCatalog;
import io.shadow.model.intel.taxii.TaxiiCursors;
import org.apache.hadoop.conf.Configuration;

/** The TAXII cursors beside the tables ({@code _state/taxii-cursors.json}), on any Hadoop file system. */
final class TaxiiCursorFile {
    private final StateFile file;

    TaxiiCursorFile(TableCatalog catalog, Configuration conf) {
        this.file = new StateFile(catalog, "taxii-cursors.json", conf, "TAXII sync state");
    }

    TaxiiCursors read() {
        return file.read().map(bytes -> TaxiiCursors.fromJson(bytes, file.toString())).orElseGet(TaxiiCursors::empty);
    }

    /** Writes to a temporary file first, so a crash leaves the old cursors, never half a file. */
    void write(TaxiiCursors cursors) {
        file.write(cursors.toJson(), "the next sync will fetch the same objects again (harmless: the MERGE is "
                + "idempotent)");
    }

    @Override
    public String toString() {
        return file.toString();
    }
}
