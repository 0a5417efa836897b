package io.shadow.spark.intel;

import io.shadow.features.table.TableCatalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** A small file of sync state beside the tables ({@code _state/NAME}), on any Hadoop file system. */
final class StateFile {
    private final Path path;
    private final Configuration conf;
    private final String what;

    /** @param what what the file holds, for messages ("TAXII sync state") */
    StateFile(TableCatalog catalog, String name, Configuration conf, String what) {
        this.path = new Path(catalog.root().resolve("_state/" + name));
        this.conf = conf;
        this.what = what;
    }

    /** The file's bytes; empty when there is no file yet. */
    Optional<byte[]> read() {
        try {
            FileSystem fs = path.getFileSystem(conf);
            if (!fs.exists(path)) {
                return Optional.empty();
            }
            try (var in = fs.open(path)) {
                return Optional.of(in.readAllBytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + what + " " + path, e);
        }
    }

    /**
     * Writes to a temporary file first, so a crash leaves the old state, never half a file.
     *
     * @param ifLost what a failed write means for the next sync, for the message
     */
    void write(byte[] bytes, String ifLost) {
        Path tmp = path.suffix(".tmp");
        try {
            FileSystem fs = path.getFileSystem(conf);
            try (var out = fs.create(tmp, true)) {
                out.write(bytes);
            }
            fs.delete(path, false);
            if (!fs.rename(tmp, path)) {
                throw new IOException("rename " + tmp + " → " + path + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + what + " " + path + "; " + ifLost, e);
        }
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
