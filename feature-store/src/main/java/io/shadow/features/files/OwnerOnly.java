package io.shadow.features.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files and folders only their owner may read, for what Shadow keeps that others on the machine must not
 * see or change: the mitigation store (access keys, the agents' commands), secrets, checkpoints, spooled
 * telemetry. Where the file system has no POSIX permissions (Windows), nothing is asked for and the
 * folder's own access rules apply.
 */
public final class OwnerOnly {
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");
    private static final FileAttribute<?>[] NONE = new FileAttribute<?>[0];

    private OwnerOnly() {
    }

    /** The attribute that creates a file readable and writable by its owner only, where {@code where} lies. */
    public static FileAttribute<?>[] file(Path where) {
        return posix(where) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)} : NONE;
    }

    /** The attribute that creates a folder only its owner may enter, where {@code where} lies. */
    public static FileAttribute<?>[] folder(Path where) {
        return posix(where) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FOLDER)} : NONE;
    }

    /**
     * Creates {@code dir} (and missing parents) with the last folder owner-only; a folder that exists keeps
     * its permissions (it may be shared on purpose: the caller decides whether to {@link #restrict} it).
     */
    public static void createFolder(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try {
                Files.createDirectory(dir, folder(dir));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                if (!Files.isDirectory(dir)) {
                    throw raced;
                }
            }
        }
    }

    /** Creates {@code file} empty and owner-only when it does not exist yet (one that exists is left as it is). */
    public static void createFile(Path file) throws IOException {
        try {
            Files.createFile(file, file(file));
        } catch (java.nio.file.FileAlreadyExistsException exists) {
            // kept: the caller appends to it or truncates it
        }
    }

    /**
     * Takes group and other permissions off an existing file or folder of Shadow's own (one made before this
     * rule, or by a umask that left it readable); a path that does not exist is left alone.
     */
    public static void restrict(Path p) throws IOException {
        if (!posix(p) || !Files.exists(p, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(p)) {
            return;
        }
        Set<PosixFilePermission> want = Files.isDirectory(p) ? FOLDER : FILE;
        if (!Files.getPosixFilePermissions(p).equals(want)) {
            Files.setPosixFilePermissions(p, want);
        }
    }

    private static boolean posix(Path where) {
        return where.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
