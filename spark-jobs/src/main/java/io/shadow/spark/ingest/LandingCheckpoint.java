package io.shadow.spark.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The ingest checkpoint's memory of where it read its files. Spark's file source records each file it
 * read by its absolute path; a data-dir moved or restored elsewhere leaves those paths behind, and
 * the stream then fails at every run ({@code Wrong basePath … for the root path}). This finds such a
 * checkpoint before the stream starts, so the run can set it aside and read the landing zone again
 * (events MERGE on {@code event_id}: those already stored land once).
 */
final class LandingCheckpoint {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LandingCheckpoint() {
    }

    /**
     * The folder the checkpoint recorded its files in, when that is not {@code landing} (the data-dir
     * moved); null when it recorded none yet or they lie under {@code landing}.
     */
    static String recordedElsewhere(Configuration conf, String checkpoint, String landing) {
        Path sources = new Path(checkpoint, "sources/0");
        try {
            FileSystem fs = sources.getFileSystem(conf);
            if (!fs.exists(sources)) {
                return null;
            }
            Path newest = null;
            long newestBatch = -1;
            for (FileStatus f : fs.listStatus(sources)) {
                String name = f.getPath().getName().replace(".compact", "");
                if (name.chars().allMatch(Character::isDigit) && !name.isEmpty()
                        && Long.parseLong(name) > newestBatch) {
                    newestBatch = Long.parseLong(name);
                    newest = f.getPath();
                }
            }
            String recorded = newest == null ? null : firstPath(fs, newest);
            if (recorded == null) {
                return null;
            }
            // each path qualified by its own file system: the landing zone may be on another than the warehouse
            Path file = new Path(URI.create(recorded));
            Path root = new Path(landing);
            root = root.getFileSystem(conf).makeQualified(root);
            try {
                file = file.getFileSystem(conf).makeQualified(file);
            } catch (IOException | IllegalArgumentException e) {
                return file.getParent().toString(); // a file system this run cannot even open: not the landing zone
            }
            return under(file, root) ? null : file.getParent().toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the ingest checkpoint " + checkpoint + ": " + e.getMessage()
                    + "; check its permissions", e);
        }
    }

    /**
     * Moves the checkpoint aside as {@code <checkpoint>.moved-<epoch millis>}, and marks the landing zone
     * as being read again ({@link #rereading}) until a run completes; returns where.
     */
    static String setAside(Configuration conf, String checkpoint) {
        Path from = new Path(checkpoint);
        Path to = new Path(checkpoint + ".moved-" + Instant.now().toEpochMilli());
        try {
            FileSystem fs = from.getFileSystem(conf);
            fs.create(marker(checkpoint), true).close();
            if (!fs.rename(from, to)) {
                throw new IOException("rename returned false");
            }
            return to.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move the ingest checkpoint " + checkpoint + " aside (" + e.getMessage()
                    + "); move or delete it by hand and run again: the landing zone is then read again, and "
                    + "events already stored land once", e);
        }
    }

    /**
     * Whether the landing zone is being read again after a move (set aside, and no run has completed
     * since): lines already quarantined are then not appended twice, also by a run that resumes one
     * that failed part-way.
     */
    static boolean rereading(Configuration conf, String checkpoint) {
        try {
            return marker(checkpoint).getFileSystem(conf).exists(marker(checkpoint));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + marker(checkpoint) + ": " + e.getMessage(), e);
        }
    }

    /** A run completed: the landing zone has been read again in full. */
    static void reread(Configuration conf, String checkpoint) {
        try {
            marker(checkpoint).getFileSystem(conf).delete(marker(checkpoint), false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + marker(checkpoint) + ": " + e.getMessage(), e);
        }
    }

    private static Path marker(String checkpoint) {
        return new Path(checkpoint + ".rereading");
    }

    private static String firstPath(FileSystem fs, Path log) throws IOException {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(log), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("{")) {
                    JsonNode path = JSON.readTree(line).get("path");
                    if (path != null && path.isTextual()) {
                        return path.asText();
                    }
                }
            }
        }
        return null;
    }

    private static boolean under(Path file, Path root) {
        for (Path p = file.getParent(); p != null; p = p.getParent()) {
            if (p.equals(root)) {
                return true;
            }
        }
        return false;
    }
}
