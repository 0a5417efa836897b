package io.shadow.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Files named on the command line, checked before any work starts: an input must be a readable
 * file, an output a file that can be written. Each refusal names the option, the path and the fix
 * (a usage error: exit 2).
 */
final class FileArguments {
    private FileArguments() {
    }

    /** {@code file} as an input; {@code name} says what it is, e.g. "--current" or "profiles file". */
    static Path input(String name, Path file) {
        if (!Files.exists(file)) {
            throw new IllegalArgumentException(name + " " + file + " does not exist; check the path");
        }
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(name + " " + file + " is a folder; give a file");
        }
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(name + " " + file + " cannot be read (permission denied)");
        }
        return file;
    }

    /**
     * {@code file} as an output that is written at the end of a long run; missing folders on the way
     * are created then, so the nearest existing one must be a writable folder.
     */
    static Path output(String option, Path file, String example) {
        Path abs = file.toAbsolutePath().normalize();
        if (Files.isDirectory(abs)) {
            throw new IllegalArgumentException(option + " " + file + " is a folder; give a file name, e.g. " + option
                    + " " + abs.resolve(example));
        }
        if (Files.exists(abs)) {
            if (!Files.isWritable(abs)) {
                throw new IllegalArgumentException(option + " " + file + " cannot be overwritten (permission denied)");
            }
            return file;
        }
        Path parent = abs.getParent();
        while (parent != null && !Files.exists(parent)) {
            parent = parent.getParent();
        }
        if (parent == null || !Files.isDirectory(parent)) {
            throw new IllegalArgumentException(option + " " + file + " cannot be created: " + parent + " is a file, "
                    + "not a folder");
        }
        if (!Files.isWritable(parent)) {
            throw new IllegalArgumentException(option + " " + file + " cannot be created: no permission to write in "
                    + parent);
        }
        probe(option, file, abs.getParent(), parent);
        return file;
    }

    /**
     * Writes and deletes a file in {@code folder}, creating it on the way, so that folders where nothing
     * can be made (e.g. /proc, a read-only mount, even for root) fail now; the folders made are removed.
     */
    private static void probe(String option, Path file, Path folder, Path existing) {
        try {
            Files.createDirectories(folder);
            Files.delete(Files.createTempFile(folder, ".shadow-write-check", ".tmp"));
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalArgumentException(option + " " + file + " cannot be written (" + e.getClass()
                    .getSimpleName() + ": " + e.getMessage() + "); give a file in a folder you can write in, e.g. "
                    + option + " " + Path.of(System.getProperty("java.io.tmpdir")).resolve(file.getFileName()));
        } finally {
            for (Path p = folder; p != null && !p.equals(existing); p = p.getParent()) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a folder left behind is harmless; it is made again when the file is written
                }
            }
        }
    }
}
