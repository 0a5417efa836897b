package io.shadow.spark.nightly;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The files of one scope's runs under the warehouse, through Hadoop's file system (so
 * {@code hdfs://} and {@code s3a://} warehouses work too): {@code _reports/<date>/state.json},
 * {@code report.json} and {@code report.txt}. Each file is written beside its target and renamed
 * over it, so a reader never sees half a file.
 */
public final class RunFiles {
    public static final String STATE = "state.json";
    public static final String REPORT_JSON = "report.json";
    public static final String REPORT_TEXT = "report.txt";

    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private final Configuration hadoop;
    private final Path dir;

    public RunFiles(Configuration hadoop, URI warehouseRoot, RunScope scope) {
        this.hadoop = hadoop;
        this.dir = new Path(warehouseRoot.resolve("_reports/" + scope.key()));
    }

    /** The folder, e.g. {@code file:/var/shadow/warehouse/_reports/2026-11-24}. */
    public String directory() {
        return dir.toString();
    }

    public Optional<RunState> readState() {
        return read(STATE).map(text -> {
            try {
                return JSON.readValue(text, RunState.class);
            } catch (IOException e) {
                throw new IllegalStateException("run state " + new Path(dir, STATE) + " is unreadable ("
                        + e.getMessage() + "); delete it or run with --restart", e);
            }
        });
    }

    public void writeState(RunState state) {
        write(STATE, json(state));
    }

    public void writeReport(RunReport report) {
        write(REPORT_JSON, json(report));
        write(REPORT_TEXT, report.table());
    }

    public Optional<String> read(String name) {
        Path p = new Path(dir, name);
        try {
            FileSystem fs = p.getFileSystem(hadoop);
            if (!fs.exists(p)) {
                return Optional.empty();
            }
            try (var in = fs.open(p)) {
                return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p, e);
        }
    }

    private void write(String name, String text) {
        Path target = new Path(dir, name);
        Path tmp = new Path(dir, "." + name + ".tmp");
        try {
            FileSystem fs = target.getFileSystem(hadoop);
            fs.mkdirs(dir);
            try (var out = fs.create(tmp, true)) {
                out.write(text.getBytes(StandardCharsets.UTF_8));
            }
            fs.delete(target, false);
            if (!fs.rename(tmp, target)) {
                throw new IOException("rename " + tmp + " -> " + target + " refused");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
