package io.shadow.spark.intel;

import io.shadow.features.table.TableCatalog;
import io.shadow.model.intel.taxii.TaxiiCursors;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** The TAXII cursors beside the tables ({@code _state/taxii-cursors.json}), on any Hadoop file system. */
final class TaxiiCursorFile {
    private final Path path;
    private final Configuration conf;

    TaxiiCursorFile(TableCatalog catalog, Configuration conf) {
        this.path = new Path(catalog.root().resolve("_state/taxii-cursors.json"));
        this.conf = conf;
    }

    TaxiiCursors read() {
        try {
            FileSystem fs = path.getFileSystem(conf);
            if (!fs.exists(path)) {
                return TaxiiCursors.empty();
            }
            try (var in = fs.open(path)) {
                return TaxiiCursors.fromJson(in.readAllBytes(), path.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read TAXII sync state " + path, e);
        }
    }

    /** Writes to a temporary file first, so a crash leaves the old cursors, never half a file. */
    void write(TaxiiCursors cursors) {
        Path tmp = path.suffix(".tmp");
        try {
            FileSystem fs = path.getFileSystem(conf);
            try (var out = fs.create(tmp, true)) {
                out.write(cursors.toJson());
            }
            fs.delete(path, false);
            if (!fs.rename(tmp, path)) {
                throw new IOException("rename " + tmp + " → " + path + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write TAXII sync state " + path + "; the next sync will fetch "
                    + "the same objects again (harmless: the MERGE is idempotent)", e);
        }
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
