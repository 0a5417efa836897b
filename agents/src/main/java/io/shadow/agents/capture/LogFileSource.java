package io.shadow.agents.capture;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A rotating JSON-lines log (CloudTrail records one per line, a Kubernetes audit log) mapped line
 * by line to events; lines that do not map are shipped as rejections so ingest quarantines them
 * with the reason, while the good lines of the same file still land. A line longer than
 * {@code sources.max-line-bytes} is skipped without being held in memory and shipped as a rejection
 * naming the file, its offset and its length.
 */
public final class LogFileSource implements Source {
    private static final Logger LOG = LoggerFactory.getLogger(LogFileSource.class);
    private final String name;
    private final String kind;
    private final Path file;
    private final long maxLineBytes;
    private final JsonLinesTailer tailer;
    private final Function<String, Mapped> mapper;
    private long rejected;

    public LogFileSource(String name, Path file, Path stateDir, Function<String, Mapped> mapper) {
        this(name, "log", file, stateDir, mapper, JsonLinesTailer.DEFAULT_MAX_LINE_BYTES);
    }

    /**
     * @param kind the source named in rejections ({@link CloudTrail#SOURCE}, {@link KubernetesAudit#SOURCE})
     * @param maxLineBytes {@code sources.max-line-bytes}: longer lines are skipped and rejected
     */
    public LogFileSource(String name, String kind, Path file, Path stateDir, Function<String, Mapped> mapper,
            long maxLineBytes) {
        this.name = name;
        this.kind = kind;
        this.file = file;
        this.maxLineBytes = maxLineBytes;
        this.tailer = new JsonLinesTailer(file, stateDir, name, 5_000, maxLineBytes);
        this.mapper = mapper;
    }

    public static LogFileSource cloudTrailLines(String name, Path file, Path stateDir, String tenant) {
        return cloudTrailLines(name, file, stateDir, tenant, JsonLinesTailer.DEFAULT_MAX_LINE_BYTES);
    }

    public static LogFileSource cloudTrailLines(String name, Path file, Path stateDir, String tenant,
            long maxLineBytes) {
        return new LogFileSource(name, CloudTrail.SOURCE, file, stateDir, line -> CloudTrail.mapLine(line, tenant),
                maxLineBytes);
    }

    public static LogFileSource kubernetesAudit(String name, Path file, Path stateDir, String tenant) {
        return kubernetesAudit(name, file, stateDir, tenant, JsonLinesTailer.DEFAULT_MAX_LINE_BYTES);
    }

    public static LogFileSource kubernetesAudit(String name, Path file, Path stateDir, String tenant,
            long maxLineBytes) {
        return new LogFileSource(name, KubernetesAudit.SOURCE, file, stateDir,
                line -> KubernetesAudit.mapLine(line, tenant), maxLineBytes);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int poll(Sink sink) throws IOException {
        int[] shipped = {0};
        tailer.poll((JsonLinesTailer.Handler) (lines, overlong) -> {
            List<String> out = new ArrayList<>(lines.size() + overlong.size());
            for (String line : lines) {
                Mapped m = mapper.apply(line);
                if (m instanceof Mapped.Rejected) {
                    rejected++;
                }
                if (m.line() != null) {
                    out.add(m.line());
                }
            }
            for (JsonLinesTailer.Overlong o : overlong) {
                rejected++;
                String reason = "line at byte " + o.offset() + " of " + file + " is " + o.length() + " bytes, more than "
                        + "sources.max-line-bytes (" + maxLineBytes + "); skipped (the record holds its first "
                        + o.head().length() + " characters). Raise sources.max-line-bytes if lines this long are real";
                LOG.warn("source {}: {}", name, reason);
                out.add(new Mapped.Rejected(kind, null, reason, o.head()).line());
            }
            if (!out.isEmpty()) {
                sink.accept(out);
            }
            shipped[0] += out.size();
        });
        return shipped[0];
    }

    /** Lines that did not map and were shipped for quarantine. */
    public long rejected() {
        return rejected;
    }

    @Override
    public void close() throws IOException {
        tailer.close();
    }
}
