package io.shadow.cli.runtime;

import io.shadow.features.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.util.Collections;

/**
 * Opens {@code server.tls-key-store} as the HTTPS connector will, before anything starts, so that a
 * wrong file or password is one message naming the key and the fix rather than the TLS stack's
 * words ({@code toDerInputStream rejects tag type 35}).
 */
final class ServerKeyStore {
    static final String HOW_TO_MAKE = "Make one with keytool (keytool -genkeypair -alias shadow -keyalg EC "
            + "-dname CN=shadow.example.org -validity 825 -storetype PKCS12 -keystore shadow.p12), or from PEM files "
            + "with openssl (openssl pkcs12 -export -in cert.pem -inkey key.pem -out shadow.p12), and set "
            + "server.tls-password to its password";

    private ServerKeyStore() {
    }

    static void check(Path file, String password) {
        String expected = "a PKCS12 key store (a JKS one works too) with the server's private key and certificate";
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw ConfigException.invalid("server.tls-key-store", file, expected + ", but "
                    + (Files.isDirectory(file) ? "it is a folder" : Files.exists(file) ? "it cannot be read"
                            : "there is no such file") + ". " + HOW_TO_MAKE);
        }
        KeyStore store;
        try (InputStream in = Files.newInputStream(file)) {
            // the type the HTTPS connector uses; it also reads JKS files
            store = KeyStore.getInstance("PKCS12");
            store.load(in, password.toCharArray());
        } catch (IOException | GeneralSecurityException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw ConfigException.invalid("server.tls-password", "(hidden)", "the password of the key "
                        + "store " + file + " (server.tls-key-store), but it does not open it");
            }
            throw ConfigException.invalid("server.tls-key-store", file, expected + ", but "
                    + "the file is not a key store: " + notAKeyStore(file, e) + ". " + HOW_TO_MAKE);
        }
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    // the connector unlocks the key with the same password (Jetty's key manager password
                    // defaults to the store's): a key under another password fails only at the handshake
                    store.getKey(alias, password.toCharArray());
                    return;
                }
            }
        } catch (UnrecoverableKeyException e) {
            throw ConfigException.invalid("server.tls-key-store", file, "its private key to open "
                    + "with server.tls-password, as the store does, but the key has a password of its own. Give the "
                    + "key the store's password (keytool -keypasswd -alias ALIAS -keystore " + file + ")");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the key store " + file + ": " + e.getMessage(), e);
        }
        throw ConfigException.invalid("server.tls-key-store", file, expected + ", but it "
                + "holds no private key (a trust store?). " + HOW_TO_MAKE);
    }

    /**
     * Why {@code file} did not load, from its first bytes: the JDK's words alone are parser internals, or
     * nothing at all (a text file ends in an {@code EOFException} without a message).
     */
    private static String notAKeyStore(Path file, Exception e) {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(512);
        } catch (IOException io) {
            return "it cannot be read (" + io.getMessage() + ")";
        }
        if (head.length == 0) {
            return "it is empty";
        }
        String text = new String(head, StandardCharsets.US_ASCII);
        if (text.startsWith("-----BEGIN")) {
            return "it is a PEM file (" + text.lines().findFirst().orElse("").strip() + "), which the server does not "
                    + "read; convert the certificate and its key to PKCS12";
        }
        if (text.chars().allMatch(c -> c >= 0x20 && c < 0x7f || c == '\n' || c == '\r' || c == '\t')) {
            return "it is a text file, and a key store is binary";
        }
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return "its content is neither PKCS12 nor JKS (" + why + ")";
    }
}
