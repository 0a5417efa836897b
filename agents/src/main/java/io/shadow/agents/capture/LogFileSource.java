package io.shadow.agents.capture;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A rotating JSON-lines log (CloudTrail records one per line, a Kubernetes audit log) mapped line
 * by line to events; lines that do not map are shipped as rejections so ingest quarantines them
 * with the reason, while the good lines of the same file still land.
 */
public final class LogFileSource implements Source {
    private final String name;
    private final JsonLinesTailer tailer;
    private final Function<String, Mapped> mapper;
    private long rejected;

    public LogFileSource(String name, Path file, Path stateDir, Function<String, Mapped> mapper) {
        this.name = name;
        this.tailer = new JsonLinesTailer(file, stateDir, name, 5_000);
        this.mapper = mapper;
    }

    public static LogFileSource cloudTrailLines(String name, Path file, Path stateDir, String tenant) {
        return new LogFileSource(name, file, stateDir, line -> CloudTrail.mapLine(line, tenant));
    }

    public static LogFileSource kubernetesAudit(String name, Path file, Path stateDir, String tenant) {
        return new LogFileSource(name, file, stateDir, line -> KubernetesAudit.mapLine(line, tenant));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int poll(Sink sink) throws IOException {
        int[] shipped = {0};
        tailer.poll(lines -> {
            List<String> out = new ArrayList<>(lines.size());
            for (String line : lines) {
                Mapped m = mapper.apply(line);
                if (m instanceof Mapped.Rejected) {
                    rejected++;
                }
                if (m.line() != null) {
                    out.add(m.line());
                }
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
