package io.shadow.mitigation.actuate;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Encrypts every regular file under a directory in place with AES-GCM, and back. A file is
 * rewritten into a temporary sibling and renamed over the original, so after a crash each file is
 * either whole plaintext or whole ciphertext; both directions skip files already done, so a
 * repeated call finishes an interrupted one. Format: magic {@code SHDWENC1}, a 7-byte random
 * prefix, then 1 MiB chunks, each sealed with IV = prefix ‖ chunk number ‖ last-chunk flag and the
 * file's relative path as associated data (chunks cannot be reordered, cut or moved between files).
 */
public final class FileEncryption {
    static final byte[] MAGIC = "SHDWENC1".getBytes(StandardCharsets.US_ASCII);
    private static final int CHUNK = 1 << 20;
    private static final int TAG = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private FileEncryption() {
    }

    /** Encrypts the files under {@code root}; returns how many were encrypted now. */
    public static int encryptTree(Path root, SecretKey key) {
        int n = 0;
        for (Path f : files(root)) {
            if (!isEncrypted(f)) {
                rewrite(root, f, key, true);
                n++;
            }
        }
        return n;
    }

    /** Decrypts the files under {@code root}; returns how many were decrypted now. */
    public static int decryptTree(Path root, SecretKey key) {
        int n = 0;
        for (Path f : files(root)) {
            if (isEncrypted(f)) {
                rewrite(root, f, key, false);
                n++;
            }
        }
        return n;
    }

    /** Whether any file under {@code root} is already encrypted. */
    public static boolean anyEncrypted(Path root) {
        return files(root).stream().anyMatch(FileEncryption::isEncrypted);
    }

    public static boolean isEncrypted(Path f) {
        try (InputStream in = Files.newInputStream(f)) {
            return Arrays.equals(in.readNBytes(MAGIC.length), MAGIC);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        }
    }

    private static List<Path> files(Path root) {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("data location " + root + " is not a directory");
        }
        try (Stream<Path> s = Files.walk(root)) {
            // symbolic links are neither followed nor replaced: only the location's own files are touched
            return s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).filter(p -> !p.getFileName().toString().endsWith(".shadow-tmp"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list data location " + root, e);
        }
    }

    private static void rewrite(Path root, Path f, SecretKey key, boolean encrypt) {
        Path tmp = f.resolveSibling(f.getFileName() + ".shadow-tmp");
        byte[] aad = root.relativize(f).toString().getBytes(StandardCharsets.UTF_8);
        try (InputStream in = Files.newInputStream(f); OutputStream out = Files.newOutputStream(tmp)) {
            if (encrypt) {
                encrypt(in, out, key, aad);
            } else {
                decrypt(in, out, key, aad, f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot " + (encrypt ? "encrypt " : "decrypt ") + f, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot " + (encrypt ? "encrypt " : "decrypt ") + f + ": " + e
                    + " (wrong key, or the file was altered while encrypted)", e);
        }
        try {
            Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(f));
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot replace " + f, e);
        }
    }

    private static void encrypt(InputStream in, OutputStream out, SecretKey key, byte[] aad)
            throws IOException, GeneralSecurityException {
        byte[] prefix = new byte[7];
        RANDOM.nextBytes(prefix);
        out.write(MAGIC);
        out.write(prefix);
        byte[] chunk = in.readNBytes(CHUNK);
        int index = 0;
        while (true) {
            byte[] next = in.readNBytes(CHUNK);
            boolean last = next.length == 0;
            out.write(cipher(Cipher.ENCRYPT_MODE, key, prefix, index++, last, aad).doFinal(chunk));
            if (last) {
                return;
            }
            chunk = next;
        }
    }

    private static void decrypt(InputStream in, OutputStream out, SecretKey key, byte[] aad, Path f)
            throws IOException, GeneralSecurityException {
        in.readNBytes(MAGIC.length);
        byte[] prefix = in.readNBytes(7);
        byte[] chunk = in.readNBytes(CHUNK + TAG);
        int index = 0;
        while (true) {
            if (chunk.length < TAG) {
                throw new GeneralSecurityException("truncated ciphertext in " + f);
            }
            byte[] next = in.readNBytes(CHUNK + TAG);
            boolean last = next.length == 0;
            out.write(cipher(Cipher.DECRYPT_MODE, key, prefix, index++, last, aad).doFinal(chunk));
            if (last) {
                return;
            }
            chunk = next;
        }
    }

    private static Cipher cipher(int mode, SecretKey key, byte[] prefix, int index, boolean last, byte[] aad)
            throws GeneralSecurityException {
        byte[] iv = ByteBuffer.allocate(12).put(prefix).putInt(index).put((byte) (last ? 1 : 0)).array();
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(mode, key, new GCMParameterSpec(TAG * 8, iv));
        c.updateAAD(aad);
        return c;
    }
}
