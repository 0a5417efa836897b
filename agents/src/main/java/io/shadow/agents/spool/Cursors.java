package io.shadow.agents.spool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/** The consumers' cursors of a spool: one small file each, replaced atomically (write, fsync, rename). */
final class Cursors {
    private static final String SUFFIX = ".cursor";
    private final Path dir;

    Cursors(Path dir) {
        this.dir = dir;
    }

    boolean exists(String consumer) {
        return Files.exists(file(consumer));
    }

    /** The position a consumer has shipped up to (exclusive), 0 if it never shipped. */
    long read(String consumer) {
        Path f = file(consumer);
        try {
            return Files.exists(f) ? Long.parseLong(Files.readString(f).trim()) : 0L;
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("spool cursor " + f + " is unreadable (" + e.getMessage()
                    + "); delete it to re-ship from the oldest retained segment (downstream de-duplicates)", e);
        }
    }

    void write(String consumer, long position) {
        Path f = file(consumer);
        Path tmp = dir.resolve(consumer + SUFFIX + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(ByteBuffer.wrap(Long.toString(position).getBytes(StandardCharsets.US_ASCII)));
                ch.force(true);
            }
            try {
                Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write spool cursor " + f, e);
        }
    }

    /** Consumers with a cursor. */
    List<String> names() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(SUFFIX))
                    .map(n -> n.substring(0, n.length() - SUFFIX.length())).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list spool cursors in " + dir, e);
        }
    }

    private Path file(String consumer) {
        return dir.resolve(consumer + SUFFIX);
    }
}
