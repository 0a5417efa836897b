package io.shadow.features.files;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * "Can Shadow write in this folder?", asked before a long run or a service start rather than
 * discovered at its end: the folder is created if missing and a file written in it and deleted, so
 * places where nothing can be made (a read-only mount, /proc, a folder of another user) are found
 * even where permission bits say otherwise (root). Answers are plain words for an error message.
 */
public final class WriteCheck {
    private WriteCheck() {
    }

    /**
     * Why {@code dir} can never be a folder (it is, or lies under, a file), or empty. Creates and
     * writes nothing.
     */
    public static Optional<String> notAFolder(Path dir) {
        Path existing = nearestExisting(dir);
        if (existing != null && !Files.isDirectory(existing)) {
            return Optional.of(existing + " is a file, not a folder");
        }
        return Optional.empty();
    }

    /**
     * Creates {@code dir} (and missing parents) and writes and deletes a file in it; returns why that
     * failed, or empty. With {@code keepCreated} false the folders this call made are removed again
     * (for an output written only at the end of a run).
     */
    public static Optional<String> tryWrite(Path dir, boolean keepCreated) {
        Optional<String> place = notAFolder(dir);
        if (place.isPresent()) {
            return place;
        }
        Path abs = dir.toAbsolutePath().normalize();
        Path existing = nearestExisting(abs);
        try {
            try {
                Files.createDirectories(abs);
            } catch (IOException | UnsupportedOperationException e) {
                return Optional.of("it cannot be created: " + reason(e));
            }
            try {
                Files.delete(Files.createTempFile(abs, ".shadow-write-check", ".tmp"));
            } catch (IOException | UnsupportedOperationException e) {
                return Optional.of("no file can be written in it: " + reason(e));
            }
            return Optional.empty();
        } finally {
            if (!keepCreated) {
                for (Path p = abs; p != null && !p.equals(existing); p = p.getParent()) {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException ignored) {
                        // a folder left behind is harmless; it is made again when the file is written
                    }
                }
            }
        }
    }

    /** An I/O failure in plain words: "permission denied", "Read-only file system", … */
    public static String reason(Exception e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    private static Path nearestExisting(Path dir) {
        Path existing = dir.toAbsolutePath().normalize();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing;
    }
}
