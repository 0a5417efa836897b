package io.shadow.mitigation.actuate;

import io.shadow.features.files.OwnerOnly;
import io.shadow.mitigation.store.StandbyStore;
import io.shadow.mitigation.store.StandbyStore.DataKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Data keys (AES-256) for encrypting data locations, held by Shadow: each is stored wrapped
 * (AES-GCM) by a master key kept in {@code keyDir/master.key} (owner-only permissions, created on
 * first use). Keep the master key safe: without it encrypted locations cannot be restored.
 */
public final class DataKeys {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final StandbyStore store;
    private final Path keyDir;
    private final Clock clock;
    private SecretKey master;

    public DataKeys(StandbyStore store, Path keyDir, Clock clock) {
        this.store = store;
        this.keyDir = keyDir;
        this.clock = clock;
    }

    /** Creates a standby key for {@code location} unless it has one; returns its id. */
    public String prepare(String location) {
        var standby = store.keyIds(location, StandbyStore.STANDBY);
        if (!standby.isEmpty()) {
            return standby.get(0);
        }
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String id = "dk-" + UUID.randomUUID();
        store.insertKey(new DataKey(id, location, wrap(raw), StandbyStore.STANDBY, clock.instant()));
        return id;
    }

    /** Activates the location's standby key (preparing one if needed); returns its id. */
    public String activate(String location) {
        String id = prepare(location);
        if (!store.setKeyStatus(id, StandbyStore.STANDBY, StandbyStore.ACTIVE)) {
            throw new IllegalStateException("data key " + id + " of " + location + " was taken concurrently");
        }
        return id;
    }

    public SecretKey key(String keyId) {
        DataKey k = store.key(keyId).orElseThrow(() -> new IllegalStateException("no data key " + keyId
                + " in the store; the location cannot be decrypted without it"));
        return new SecretKeySpec(unwrap(k.wrappedKey()), "AES");
    }

    public void retire(String keyId) {
        store.setKeyStatus(keyId, StandbyStore.ACTIVE, StandbyStore.RETIRED);
    }

    private String wrap(byte[] raw) {
        try {
            byte[] iv = new byte[12];
            RANDOM.nextBytes(iv);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, master(), new GCMParameterSpec(128, iv));
            byte[] ct = c.doFinal(raw);
            return Base64.getEncoder().encodeToString(ByteBuffer.allocate(12 + ct.length).put(iv).put(ct).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] unwrap(String wrapped) {
        byte[] all = Base64.getDecoder().decode(wrapped);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, master(), new GCMParameterSpec(128, all, 0, 12));
            return c.doFinal(all, 12, all.length - 12);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot unwrap a data key with " + keyDir.resolve("master.key")
                    + " (" + e.getMessage() + "); is it the master key the key was made with?", e);
        }
    }

    private synchronized SecretKey master() {
        if (master == null) {
            Path file = keyDir.resolve("master.key");
            try {
                if (!Files.exists(file)) {
                    OwnerOnly.createFolder(keyDir);
                    byte[] raw = new byte[32];
                    RANDOM.nextBytes(raw);
                    Path tmp = Files.createTempFile(keyDir, "master", ".tmp", OwnerOnly.file(keyDir));
                    Files.write(tmp, raw);
                    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                }
                byte[] raw = Files.readAllBytes(file);
                if (raw.length != 32) {
                    throw new IllegalStateException("master key " + file + " has " + raw.length
                            + " bytes, expected 32; restore it from your backup");
                }
                master = new SecretKeySpec(raw, "AES");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read or create the master key " + file
                        + "; check mitigation.encryption.key-dir", e);
            }
        }
        return master;
    }
}
