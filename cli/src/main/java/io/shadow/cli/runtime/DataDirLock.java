package io.shadow.cli.runtime;

import io.shadow.features.config.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * One service per data-dir. Two {@code bin/shadow serve} on one data-dir would each write the scorer's
 * checkpoint and the held assessments over the other's and mitigate the same events twice; the second
 * is refused, naming the first. An OS file lock on {@code <data-dir>/serve.lock}, so a service that
 * died (kill -9, a crash) leaves no stale lock: the file stays, the lock goes with the process.
 */
public final class DataDirLock implements AutoCloseable {
    public static final String FILE = "serve.lock";
    private final FileChannel channel;
    private final FileLock lock;
    private final Instant started = Instant.now();

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the data-dir for this process, or refuses naming the service that holds it. */
    public static DataDirLock acquire(Path dataDir, String serving) {
        Path f = dataDir.resolve(FILE);
        FileChannel ch;
        try {
            ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + f + " (" + e.getMessage() + "); check data-dir's permissions",
                    e);
        }
        try {
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null; // this JVM holds it: another service started in-process on the same data-dir
            }
            if (l == null) {
                String holder = holder(ch);
                ch.close();
                throw new ConfigException("data-dir " + dataDir + " is in use by another Shadow service"
                        + (holder.isEmpty() ? "" : " (" + holder + ")") + "; two services on one data-dir would "
                        + "overwrite each other's scorer checkpoint and held assessments. Stop that one, or give "
                        + "this one its own data-dir (--set data-dir=DIR)");
            }
            DataDirLock taken = new DataDirLock(ch, l);
            taken.serving(serving);
            return taken;
        } catch (IOException e) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // reported below
            }
            throw new UncheckedIOException("cannot lock " + f + " (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Says in the lock file what this process serves ({@code serving 127.0.0.1:36501}), for the message that refuses
     * a second service: set again once the server is listening, when port 0 became a real one.
     */
    public void serving(String serving) throws IOException {
        // written over the old text, then cut to its length: a service refused meanwhile never reads an empty file
        byte[] text = ("pid " + ProcessHandle.current().pid() + ", " + serving + ", started " + started + "\n")
                .getBytes(StandardCharsets.UTF_8);
        channel.write(ByteBuffer.wrap(text), 0);
        channel.truncate(text.length);
    }

    private static String holder(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(512);
        int n = ch.read(b, 0);
        return n <= 0 ? "" : new String(b.array(), 0, n, StandardCharsets.UTF_8).strip();
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release " + FILE, e);
        }
    }
}
