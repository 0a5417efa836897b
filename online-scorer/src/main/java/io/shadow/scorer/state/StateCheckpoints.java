package io.shadow.scorer.state;

import io.shadow.features.config.ConfigException;
import io.shadow.features.config.ConfigFolders;
import io.shadow.model.detect.Detector;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
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
 * the others start from their baselines.
 */
public final class StateCheckpoints {
    public static final String FILE = "detector-state.bin";
    /** The config key naming the checkpoint folder, for messages. */
    public static final String KEY = "scorer.checkpoint-dir";
    private static final Logger LOG = LoggerFactory.getLogger(StateCheckpoints.class);
    private final Path dir;

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
        Path tmp = dir.resolve(FILE + ".tmp");
        try {
            Files.createDirectories(dir);
            long n;
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16)) {
                n = detector.exportState(out);
                out.flush();
                ch.force(true);
            }
            Files.move(tmp, file(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the scorer checkpoint " + file() + " (" + e.getMessage()
                    + "); check scorer.checkpoint-dir is writable and the disk has room", e);
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
            Path aside = dir.resolve(FILE + ".unreadable-" + Instant.now().toEpochMilli());
            LOG.warn("scorer checkpoint {} is unreadable ({}); moved to {}; {} entities restored before the damage, "
                    + "the others start from their baselines", f, e.getMessage(), aside, detector.trackedEntities());
            try {
                Files.move(f, aside);
            } catch (IOException moveFailed) {
                LOG.warn("cannot move {} aside: {}", f, moveFailed.getMessage());
            }
            return 0;
        }
    }
}
