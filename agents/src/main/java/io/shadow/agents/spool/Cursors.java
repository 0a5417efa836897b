package io.shadow.agents.spool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.stream.Stream;

/**
 * The consumers' cursors of a spool: one small file each, replaced atomically (write, fsync, rename).
 * Values this spool read or wrote are kept in memory: the files are only read once per consumer.
 */
final class Cursors {
    private static final String SUFFIX = ".cursor";
    private final Path dir;
    private final Map<String, Long> known = new ConcurrentHashMap<>();
    private Set<String> names;

    Cursors(Path dir) {
        this.dir = dir;
    }

    boolean exists(String consumer) {
        return known.containsKey(consumer) || Files.exists(file(consumer));
    }

    /** The position a consumer has shipped up to (exclusive), 0 if it never shipped. */
    long read(String consumer) {
        Long k = known.get(consumer);
        if (k != null) {
            return k;
        }
        Path f = file(consumer);
        try {
            if (!Files.exists(f)) {
                return 0L;
            }
            long position = Long.parseLong(Files.readString(f).trim());
            known.put(consumer, position);
            return position;
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("spool cursor " + f + " is unreadable (" + e.getMessage()
                    + "); delete it to re-ship from the oldest retained segment (downstream de-duplicates)", e);
        }
    }

    void write(String consumer, long position) {
        Path f = file(consumer);
        Path tmp = dir.resolve(consumer + SUFFIX + ".tmp");
        try {
            DurableFile.replace(f, tmp, Long.toString(position).getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write spool cursor " + f, e);
        }
        known.put(consumer, position);
        synchronized (this) {
            if (names != null) {
                names.add(consumer);
            }
        }
    }

    /** Consumers with a cursor (the directory is listed once; later cursors are added as written). */
    synchronized List<String> names() {
        if (names == null) {
            try (Stream<Path> files = Files.list(dir)) {
                Set<String> found = new ConcurrentSkipListSet<>();
                files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(SUFFIX))
                        .forEach(n -> found.add(n.substring(0, n.length() - SUFFIX.length())));
                found.addAll(known.keySet());
                names = found;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list spool cursors in " + dir, e);
            }
        }
        return List.copyOf(names);
    }

    Path file(String consumer) {
        return dir.resolve(consumer + SUFFIX);
    }
}
