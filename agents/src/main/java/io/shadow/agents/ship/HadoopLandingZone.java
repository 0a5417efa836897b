package io.shadow.agents.ship;

import io.shadow.agents.spool.SpoolRecord;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** A landing zone reached through Hadoop's FileSystem ({@code hdfs://} on clusters). */
final class HadoopLandingZone implements LandingZone {
    private final FileSystem fs;
    private final Path eventsDir;
    private final Path tmpDir;

    HadoopLandingZone(URI root, Configuration conf) throws IOException {
        this.fs = FileSystem.newInstance(root, conf);
        this.fs.setWriteChecksum(false);
        this.eventsDir = new Path(root.resolve("events/"));
        this.tmpDir = new Path(root.resolve("_tmp/"));
    }

    @Override
    public boolean exists(String name) throws IOException {
        return fs.exists(new Path(eventsDir, name));
    }

    @Override
    public void publish(String name, List<SpoolRecord> batch) throws IOException {
        fs.mkdirs(tmpDir);
        fs.mkdirs(eventsDir);
        Path tmp = new Path(tmpDir, name);
        Path target = new Path(eventsDir, name);
        try (OutputStream out = fs.create(tmp, true)) {
            for (SpoolRecord r : batch) {
                out.write(r.payload());
                out.write('\n');
            }
        }
        if (!fs.rename(tmp, target)) {
            throw new IOException("rename " + tmp + " -> " + target + " failed");
        }
    }

    @Override
    public void close() throws IOException {
        fs.close();
    }
}
