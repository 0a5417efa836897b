package io.shadow.features.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Deletes directory trees. Symbolic links are deleted as links: what they point to is never
 * walked into or touched.
 */
public final class FileTrees {
    private FileTrees() {
    }

    /** Deletes {@code root} and everything under it; nothing when it does not exist. */
    public static void delete(Path root) throws IOException {
        if (Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            for (Path p : deepestFirst(root)) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Deletes everything under {@code dir}, keeping {@code dir} itself. */
    public static void deleteContents(Path dir) throws IOException {
        for (Path p : deepestFirst(dir)) {
            if (!p.equals(dir)) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * {@link #delete} for clean-up that must not fail what it cleans up after (a finished job, a
     * benchmark): returns false, leaving what could not be deleted, instead of throwing.
     */
    public static boolean deleteQuietly(Path root) {
        try {
            delete(root);
            return true;
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    private static List<Path> deepestFirst(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.sorted(Comparator.reverseOrder()).toList();
        }
    }
}
