package io.shadow.agents.capture;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory where whole files are delivered (CloudTrail's {@code …_CloudTrail_….json.gz}):
 * every new {@code .json}, {@code .json.gz}, {@code .jsonl} or {@code .jsonl.gz} file is read once,
 * gzipped or not, and its records mapped to events. Files are immutable once delivered, so a file
 * is remembered (by relative path and size) only after its events are durable. A file modified
 * within the last {@code settle} (still being written) waits for a later poll. A file is read record
 * by record, never whole; one larger than {@code maxFileBytes} (as stored, or once unpacked) is
 * rejected naming the file. A rejected file, or one with rejected records, is a WARN (at most one a
 * minute per source, with the count of those not logged).
 */
public final class DropDirectorySource implements Source {
    private static final Logger LOG = LoggerFactory.getLogger(DropDirectorySource.class);
    /** Default {@code sources.max-file-bytes}: 64 MiB. */
    public static final long DEFAULT_MAX_FILE_BYTES = 64L << 20;
    static final Duration WARN_EVERY = Duration.ofMinutes(1);
    /** Lines handed to the sink at a time while a file is read. */
    private static final int FLUSH = 1000;
    private final String name;
    private final Path dir;
    private final String tenant;
    private final SourceState state;
    private final Set<String> done = new HashSet<>();
    private final long maxFileBytes;
    private final Duration settle;
    private final Clock clock;
    private long lastWarn = Long.MIN_VALUE;
    /** How often the state is written while files are read; once more when a poll ends. */
    private static final long SAVE_EVERY_MS = 1000;
    private long lastSave = Long.MIN_VALUE;
    private boolean unsaved;
    private long unwarned;

    public DropDirectorySource(String name, Path dir, Path stateDir, String tenant) {
        this(name, dir, stateDir, tenant, DEFAULT_MAX_FILE_BYTES, Duration.ZERO, Clock.systemUTC());
    }

    /**
     * @param maxFileBytes {@code sources.max-file-bytes}: larger files (stored or unpacked) are rejected
     * @param settle {@code sources.cloudtrail-settle}: files modified more recently wait for a later poll
     */
    public DropDirectorySource(String name, Path dir, Path stateDir, String tenant, long maxFileBytes,
            Duration settle, Clock clock) {
        this.name = name;
        this.dir = dir;
        this.tenant = tenant;
        this.maxFileBytes = maxFileBytes;
        this.settle = settle;
        this.clock = clock;
        this.state = new SourceState(stateDir, name);
        state.load().path("files").forEach(f -> done.add(f.asText()));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int poll(Sink sink) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        List<Path> fresh = new ArrayList<>();
        Set<String> present = new HashSet<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(Files::isRegularFile).filter(DropDirectorySource::delivered).forEach(p -> {
                String id = id(p);
                present.add(id);
                if (!done.contains(id)) {
                    fresh.add(p);
                }
            });
        }
        fresh.sort(null);
        // files deleted or moved away (a retention job) leave the state: it stays as large as the folder
        boolean pruned = done.retainAll(present);
        int total = 0;
        long settledBefore = clock.millis() - settle.toMillis();
        for (Path f : fresh) {
            if (!settle.isZero() && Files.getLastModifiedTime(f).toMillis() > settledBefore) {
                continue; // still being written, perhaps: read once it has been left alone for the settle time
            }
            String rel = dir.relativize(f).toString();
            List<String> lines = new ArrayList<>();
            int[] counts = new int[2]; // records, rejected
            String[] firstRejection = {null};
            int[] sent = {0};
            try {
                map(f, rel, m -> {
                    counts[0]++;
                    if (m instanceof Mapped.Rejected r) {
                        counts[1]++;
                        if (firstRejection[0] == null) {
                            firstRejection[0] = r.reason();
                        }
                    }
                    if (m.line() != null) {
                        lines.add(m.line());
                    }
                    if (lines.size() >= FLUSH) {
                        sink.accept(List.copyOf(lines));
                        sent[0] += lines.size();
                        lines.clear();
                    }
                });
            } catch (IOException e) {
                // a truncated download must not hold up the files after it; rewritten (new size), it is read again
                String reason = "file " + rel + " cannot be read (" + e.getMessage() + ")";
                counts[0]++;
                counts[1]++;
                if (firstRejection[0] == null) {
                    firstRejection[0] = reason;
                }
                lines.add(new Mapped.Rejected(CloudTrail.SOURCE, null, reason, f.toString()).line());
            }
            if (!lines.isEmpty()) {
                sink.accept(lines);
            }
            if (counts[1] > 0) {
                warn(rel, counts[1], counts[0], firstRejection[0]);
            }
            done.add(id(f));
            // at most once a second while catching up: a rewrite of the whole state per file grew with the
            // square of the files delivered; a crash re-reads at most a second's files (ingest keeps one per id)
            if (clock.millis() - lastSave >= SAVE_EVERY_MS) {
                save();
            } else {
                unsaved = true;
            }
            total += sent[0] + lines.size();
        }
        if (unsaved || pruned) {
            save();
        }
        return total;
    }

    private void map(Path f, String rel, java.util.function.Consumer<Mapped> out) throws IOException {
        long size = Files.size(f);
        if (size > maxFileBytes) {
            throw new IOException("it is " + size + " bytes, more than sources.max-file-bytes (" + maxFileBytes
                    + "); raise sources.max-file-bytes if files this large are real");
        }
        try (InputStream raw = Files.newInputStream(f);
             InputStream in = f.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
            CloudTrail.mapStream(new Bounded(in, maxFileBytes), tenant, rel, out);
        }
    }

    private void warn(String file, int rejected, int records, String first) {
        long now = System.nanoTime();
        if (lastWarn != Long.MIN_VALUE && now - lastWarn < WARN_EVERY.toNanos()) {
            unwarned++;
            return;
        }
        LOG.warn("source {}: {} of {} record(s) of file {} rejected, shipped for quarantine (the first: {}){}", name,
                rejected, records, file, first, unwarned == 0 ? "" : "; " + unwarned + " other file(s) with "
                        + "rejections since the last report");
        lastWarn = now;
        unwarned = 0;
    }

    /** Fails once more than {@code max} bytes were read: an unpacked file above sources.max-file-bytes. */
    private static final class Bounded extends FilterInputStream {
        private final long max;
        private long read;

        Bounded(InputStream in, long max) {
            super(in);
            this.max = max;
        }

        private int count(int n) throws IOException {
            if (n > 0) {
                read += n;
                if (read > max) {
                    throw new IOException("it unpacks to more than sources.max-file-bytes (" + max + " bytes); raise "
                            + "sources.max-file-bytes if files this large are real");
                }
            }
            return n;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return count(super.read(b, off, len));
        }
    }

    private static boolean delivered(Path p) {
        String n = p.getFileName().toString();
        // digest files (CloudTrail-Digest/…) prove log integrity; they hold no activity
        if (p.toString().contains("CloudTrail-Digest")) {
            return false;
        }
        return !n.startsWith(".") && (n.endsWith(".json") || n.endsWith(".json.gz") || n.endsWith(".jsonl")
                || n.endsWith(".jsonl.gz"));
    }

    private String id(Path p) {
        try {
            return dir.relativize(p) + ":" + Files.size(p);
        } catch (IOException e) {
            return dir.relativize(p).toString();
        }
    }

    private void save() {
        lastSave = clock.millis();
        unsaved = false;
        ObjectNode s = io.shadow.features.json.EventCodec.mapper().createObjectNode();
        ArrayNode files = s.putArray("files");
        done.stream().sorted().forEach(files::add);
        state.save(s);
    }
}
