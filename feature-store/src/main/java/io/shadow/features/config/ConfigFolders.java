package io.shadow.features.config;

import io.shadow.features.files.WriteCheck;
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
        WriteCheck.notAFolder(dir).ifPresent(why -> {
            throw refused(key, dir, why);
        });
    }

    /** Creates {@code dir} if missing and checks a file can be written in it; returns it. */
    public static Path prepare(String key, Path dir) {
        WriteCheck.tryWrite(dir, true).ifPresent(why -> {
            throw refused(key, dir, why);
        });
        return dir;
    }

    private static ConfigException refused(String key, Path dir, String why) {
        return ConfigException.invalid(key, dir, "a folder Shadow can write in, but " + why + ". Set " + key
                + " to a writable folder (created if missing)");
    }
}
