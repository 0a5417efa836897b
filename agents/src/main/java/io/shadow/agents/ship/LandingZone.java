package io.shadow.agents.ship;

import io.shadow.agents.spool.SpoolRecord;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.util.List;

/**
 * Where shipped batches land: one NDJSON file per batch, written under {@code _tmp/} and renamed
 * into {@code events/}, so readers only ever see whole files. {@code file:} roots are written with
 * plain file I/O; any other scheme ({@code hdfs://}, …) goes through Hadoop's FileSystem, whose
 * classes are then loaded only when needed.
 */
interface LandingZone extends Closeable {
    /** Whether {@code events/NAME} is already there (a batch re-shipped after a restart). */
    boolean exists(String name) throws IOException;

    /** Writes the batch as {@code events/NAME}, one payload per line, visible only once whole. */
    void publish(String name, List<SpoolRecord> batch) throws IOException;

    /**
     * The zone for a root URI ending in '/': local files for {@code file:///…}, Hadoop otherwise
     * (with {@code conf}, or a default Configuration when null).
     */
    static LandingZone open(URI root, org.apache.hadoop.conf.Configuration conf) throws IOException {
        if ("file".equals(root.getScheme()) && !root.isOpaque()
                && (root.getAuthority() == null || root.getAuthority().isEmpty())) {
            return new LocalLandingZone(java.nio.file.Path.of(root));
        }
        return new HadoopLandingZone(root, conf == null ? new org.apache.hadoop.conf.Configuration() : conf);
    }
}
