package io.shadow.agents.ship;

import io.shadow.agents.spool.SpoolRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * A landing zone on a local file system. Plain NIO instead of Hadoop's local FileSystem, which
 * started a {@code chmod} process for every file it created and loaded ~600 classes. A file is
 * forced to disk before its rename and the rename before {@link #publish} returns, since the
 * shipper's cursor moves on (and the spool may drop the segment) once it does: a power cut right
 * after shipping loses nothing.
 */
final class LocalLandingZone implements LandingZone {
    private final Path events;
    private final Path tmp;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(1 << 18);

    /**
     * Creates the zone's folders and writes a probe file: a local folder the agent cannot write is a
     * configuration error to report at start, not an outage to retry (as a remote zone's would be).
     */
    LocalLandingZone(Path root) {
        this.events = root.resolve("events");
        this.tmp = root.resolve("_tmp");
        try {
            Files.createDirectories(tmp);
            Files.createDirectories(events);
            Files.delete(Files.createTempFile(tmp, ".write-check-", ".tmp"));
        } catch (IOException e) {
            throw new IllegalArgumentException("landing.uri " + root.toUri() + " cannot be written: " + reason(e)
                    + "; make it a directory the agent can create and write, or change landing.uri");
        }
    }

    private static String reason(IOException e) {
        if (e instanceof java.nio.file.FileAlreadyExistsException f) {
            return f.getFile() + " is a file, not a directory";
        }
        if (e instanceof java.nio.file.AccessDeniedException a) {
            return "permission denied on " + a.getFile();
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    @Override
    public boolean exists(String name) {
        return Files.exists(events.resolve(name));
    }

    @Override
    public void publish(String name, List<SpoolRecord> batch) throws IOException {
        Path part = tmp.resolve(name);
        try {
            write(part, batch);
            Files.move(part, events.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            // first batch, or the directories were removed under a running agent
            Files.createDirectories(tmp);
            Files.createDirectories(events);
            write(part, batch);
            Files.move(part, events.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        }
        forceDirectory(events);
    }

    /** Makes a rename in {@code dir} durable (Linux: fsync of the directory; elsewhere best effort). */
    private static void forceDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            if (!System.getProperty("os.name", "").startsWith("Windows")) {
                throw e;
            }
        }
    }

    private void write(Path file, List<SpoolRecord> batch) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            buf.clear();
            for (SpoolRecord r : batch) {
                byte[] p = r.payload();
                if (buf.remaining() < p.length + 1) {
                    drain(ch);
                }
                if (p.length + 1 > buf.capacity()) {
                    ch.write(ByteBuffer.wrap(p));
                } else {
                    buf.put(p);
                }
                buf.put((byte) '\n');
            }
            drain(ch);
            ch.force(false);
        }
    }

    private void drain(FileChannel ch) throws IOException {
        buf.flip();
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
        buf.clear();
    }

    @Override
    public void close() {
    }
}
