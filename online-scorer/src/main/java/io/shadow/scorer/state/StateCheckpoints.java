package io.shadow.scorer.state;

import io.shadow.features.config.ConfigException;
import io.shadow.features.config.ConfigFolders;
import io.shadow.features.files.OwnerOnly;
import io.shadow.model.detect.Detector;
import io.shadow.scorer.shard.RecentEventIds;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints of the detector's per-entity state in one directory: {@code detector-state.bin},
 * written to a temporary file, synced and renamed over the previous one, so a crash mid-write
 * leaves the previous checkpoint intact. A checkpoint that cannot be read is set aside as
 * {@code detector-state.bin.unreadable-<time>}; entities read before the damage keep their state,
 * the others start from their baselines. The de-duplication window is kept beside it, the same way,
 * in {@code recent-event-ids.bin}.
 */
public final class StateCheckpoints {
    public static final String FILE = "detector-state.bin";
    /** The de-duplication window's file. */
    public static final String RECENT_FILE = "recent-event-ids.bin";
    /** The config key naming the checkpoint folder, for messages. */
    public static final String KEY = "scorer.checkpoint-dir";
    private static final Logger LOG = LoggerFactory.getLogger(StateCheckpoints.class);
    private final Path dir;
    /** {@link RecentEventIds#changes} when the window was last written; -1 before. */
    private long recentWritten = -1;

    public StateCheckpoints(Path dir) {
        this.dir = dir;
    }

    /**
     * Checkpoints in {@code dir} (the value of {@code scorer.checkpoint-dir}), created if missing; refused
     * with a {@link ConfigException} when no checkpoint could be written there: the state would be lost at
     * every restart.
     */
    public static StateCheckpoints open(Path dir) {
        return new StateCheckpoints(ConfigFolders.prepare(KEY, dir));
    }

    public Path file() {
        return dir.resolve(FILE);
    }

    /** Writes the detector's state; returns how many entities it holds. */
    public synchronized long write(Detector detector) {
        return writeAtomically(file(), detector::exportState);
    }

    /**
     * Writes the de-duplication window (about 27 bytes per id it holds: 27 MB at the default), unless
     * it has not changed since it was last written here.
     */
    public synchronized void write(RecentEventIds recent) {
        long changes = recent.changes();
        if (changes == recentWritten && Files.isRegularFile(dir.resolve(RECENT_FILE))) {
            return;
        }
        writeAtomically(dir.resolve(RECENT_FILE), out -> {
            DataOutputStream data = new DataOutputStream(out);
            recent.write(data);
            data.flush();
            return 0;
        });
        recentWritten = changes; // only once it is on disk: a failed write is tried again at the next checkpoint
    }

    private interface Contents {
        long writeTo(OutputStream out) throws IOException;
    }

    /** Writes {@code file} through a temporary file, synced and renamed over it. */
    private long writeAtomically(Path file, Contents contents) {
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(dir);
            long n;
            Files.deleteIfExists(tmp);
            try (FileChannel ch = FileChannel.open(tmp, java.util.Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), OwnerOnly.file(tmp)); // the window holds its salt
                 OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16)) {
                n = contents.writeTo(out);
                out.flush();
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(); // the rename itself, so a power loss cannot bring the previous checkpoint back
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the scorer checkpoint " + file + " (" + e.getMessage()
                    + "); check scorer.checkpoint-dir is writable and the disk has room", e);
        }
    }

    private void syncDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // some file systems cannot open or sync a directory; the file itself was synced
        }
    }

    /**
     * The de-duplication window of the last checkpoint, for {@code capacity} ids over {@code stripes},
     * or a new, empty one: when there is none, when it was kept for another window size or shard count
     * or by an earlier version,
     * or when it cannot be read (then it is set aside as {@code recent-event-ids.bin.unreadable-<time>}).
     */
    public synchronized RecentEventIds restore(int capacity, int stripes) {
        Path f = dir.resolve(RECENT_FILE);
        if (capacity == 0 || !Files.isRegularFile(f)) {
            return new RecentEventIds(capacity, stripes);
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(f), 1 << 16))) {
            RecentEventIds r = RecentEventIds.read(in, capacity, stripes);
            if (r == null) {
                LOG.info("de-duplication window {} was kept for another scorer.dedupe-window or scorer.shards, "
                        + "or by an earlier version; starting with an empty window", f);
                return new RecentEventIds(capacity, stripes);
            }
            LOG.info("de-duplication window restored from {}", f);
            recentWritten = 0; // as restored: the file already holds it
            return r;
        } catch (IOException | RuntimeException e) {
            setAside(f, e, "starting with an empty de-duplication window");
            return new RecentEventIds(capacity, stripes);
        }
    }

    /** Moves an unreadable checkpoint aside ({@code NAME.unreadable-<time>}); {@code then}: what happens instead. */
    private void setAside(Path f, Exception e, String then) {
        Path aside = dir.resolve(f.getFileName() + ".unreadable-" + Instant.now().toEpochMilli());
        LOG.warn("scorer checkpoint {} is unreadable ({}); moved to {}; {}", f, e.getMessage(), aside, then);
        try {
            Files.move(f, aside);
        } catch (IOException moveFailed) {
            LOG.warn("cannot move {} aside: {}", f, moveFailed.getMessage());
        }
    }

    /**
     * Loads the last checkpoint into the detector, if there is one, except entities whose state is
     * dated after {@code horizon} (see {@link Detector#importState(InputStream, Instant)}); returns
     * how many entities were loaded.
     */
    public synchronized long restore(Detector detector, Instant horizon) {
        Path f = file();
        if (!Files.isRegularFile(f)) {
            LOG.info("no scorer checkpoint at {}: starting from the baselines", f);
            return 0;
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(f), 1 << 16)) {
            Detector.Imported n = detector.importState(in, horizon);
            LOG.info("scorer state restored from {}: {} entities", f, n.loaded());
            if (n.ahead() > 0) {
                LOG.warn("scorer checkpoint {}: {} entities left out, their state dated after {} (an event from the "
                        + "future had moved their current bucket there and would have kept their volumes unjudged); "
                        + "they start from their baselines", f, n.ahead(), horizon);
            }
            return n.loaded();
        } catch (IOException | RuntimeException e) {
            setAside(f, e, detector.trackedEntities() + " entities restored before the damage, the others start "
                    + "from their baselines");
            return 0;
        }
    }
}
