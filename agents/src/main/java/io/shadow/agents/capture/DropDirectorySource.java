package io.shadow.agents.capture;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * A directory where whole files are delivered (CloudTrail's {@code …_CloudTrail_….json.gz}):
 * every new {@code .json}, {@code .json.gz}, {@code .jsonl} or {@code .jsonl.gz} file is read once,
 * gzipped or not, and its records mapped to events. Files are immutable once delivered, so a file
 * is remembered (by relative path and size) only after its events are durable.
 */
public final class DropDirectorySource implements Source {
    private final String name;
    private final Path dir;
    private final String tenant;
    private final SourceState state;
    private final Set<String> done = new HashSet<>();

    public DropDirectorySource(String name, Path dir, Path stateDir, String tenant) {
        this.name = name;
        this.dir = dir;
        this.tenant = tenant;
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
        List<Path> fresh;
        try (Stream<Path> walk = Files.walk(dir)) {
            fresh = walk.filter(Files::isRegularFile).filter(DropDirectorySource::delivered)
                    .filter(p -> !done.contains(id(p))).sorted().toList();
        }
        int total = 0;
        for (Path f : fresh) {
            List<Mapped> mapped;
            try {
                mapped = CloudTrail.mapAll(read(f), tenant);
            } catch (IOException e) {
                // a truncated download must not hold up the files after it; rewritten (new size), it is read again
                mapped = List.of(new Mapped.Rejected(CloudTrail.SOURCE, null, "file " + dir.relativize(f)
                        + " cannot be read (" + e.getMessage() + ")", f.toString()));
            }
            List<String> lines = new ArrayList<>();
            for (Mapped m : mapped) {
                if (m.line() != null) {
                    lines.add(m.line());
                }
            }
            if (!lines.isEmpty()) {
                sink.accept(lines);
            }
            done.add(id(f));
            save();
            total += lines.size();
        }
        return total;
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

    private static String read(Path f) throws IOException {
        try (InputStream raw = Files.newInputStream(f);
             InputStream in = f.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private void save() {
        ObjectNode s = io.shadow.features.json.EventCodec.mapper().createObjectNode();
        ArrayNode files = s.putArray("files");
        done.stream().sorted().forEach(files::add);
        state.save(s);
    }
}
