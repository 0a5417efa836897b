package io.shadow.agents.spool;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Replaces a small file (a spool cursor, a source's read position) whole and durably: written to a
 * temporary file beside it, synced, renamed over it. Through a {@link FileOutputStream}, not a
 * {@code FileChannel}: a channel is closed by an interrupt, and the agent interrupts its threads when it
 * stops, so a position saved at that moment was lost and its lines shipped again after a restart.
 */
public final class DurableFile {
    private DurableFile() {
    }

    /** Writes {@code content} to {@code file} through {@code tmp}. */
    public static void replace(Path file, Path tmp, byte[] content) throws IOException {
        try (FileOutputStream out = new FileOutputStream(tmp.toFile())) {
            out.write(content);
            out.getFD().sync();
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
