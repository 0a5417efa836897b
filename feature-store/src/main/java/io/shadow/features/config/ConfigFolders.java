package io.shadow.features.config;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Folders a config key names that Shadow writes in ({@code data-dir}, {@code scorer.checkpoint-dir}):
 * checked when the config is read, and created and tried before a service starts, so that a folder
 * Shadow cannot write in is a config error naming the key, not a failure deep in a database driver
 * or at shutdown.
 */
public final class ConfigFolders {
    private ConfigFolders() {
    }

    /**
     * Refuses {@code dir} if it is a file or lies under one: it could never be a folder. Creates and
     * writes nothing, for commands that only read.
     */
    public static void checkPlace(String key, Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        Path existing = abs;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing != null && !Files.isDirectory(existing)) {
            throw refused(key, dir, existing + " is a file, not a folder");
        }
    }

    /** Creates {@code dir} if missing and checks a file can be written in it; returns it. */
    public static Path prepare(String key, Path dir) {
        checkPlace(key, dir);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw refused(key, dir, "it cannot be created: " + reason(e));
        }
        try {
            Files.delete(Files.createTempFile(dir, ".shadow-write-test", ".tmp"));
        } catch (IOException e) {
            throw refused(key, dir, "no file can be written in it: " + reason(e));
        }
        return dir;
    }

    private static ConfigException refused(String key, Path dir, String why) {
        return new ConfigException("invalid " + key + " = " + dir + "; expected a folder Shadow can write in, but "
                + why + ". Set " + key + " to a writable folder (created if missing)");
    }

    private static String reason(IOException e) {
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
}
