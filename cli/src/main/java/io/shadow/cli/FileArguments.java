package io.shadow.cli;

import io.shadow.features.files.WriteCheck;
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
        WriteCheck.tryWrite(parent, false).ifPresent(why -> {
            throw new IllegalArgumentException(option + " " + file + " cannot be written: " + why
                    + "; give a file in a folder you can write in, e.g. " + option + " "
                    + Path.of(System.getProperty("java.io.tmpdir")).resolve(file.getFileName()));
        });
        return file;
    }
}
