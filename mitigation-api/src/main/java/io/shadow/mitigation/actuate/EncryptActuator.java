package io.shadow.mitigation.actuate;

import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Encrypts a data location (a local directory) in place with a data key Shadow holds, and decrypts
 * it on undo. The location is the {@code path} param or the anomaly's resource ({@code file://…}
 * or an absolute path); only locations under {@code mitigation.encryption.roots} are touched, so a
 * profile can never encrypt the system. A data key per location is prepared ahead (warm standby).
 */
public final class EncryptActuator implements Actuator {
    private final DataKeys keys;
    private final List<Path> roots;

    public EncryptActuator(DataKeys keys, List<Path> roots) {
        this.keys = keys;
        this.roots = roots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    }

    @Override
    public ActionType type() {
        return ActionType.ENCRYPT_DATA;
    }

    @Override
    public void prepare(ActionTarget t) {
        Path location = location(t, Map.of(), false);
        if (location != null) {
            keys.prepare(location.toString());
        }
    }

    @Override
    public Applied apply(ActionTarget t, Map<String, String> params, Instant expiresAt) {
        Path location = location(t, params, true);
        if (FileEncryption.anyEncrypted(location)) {
            throw new NotApplicableException("encrypt_data: " + location + " already holds files Shadow encrypted "
                    + "(an earlier encrypt_data is still in force); undo that one first");
        }
        String keyId = keys.activate(location.toString());
        int n;
        try {
            n = FileEncryption.encryptTree(location, keys.key(keyId));
        } catch (RuntimeException e) {
            // leave nothing half-done: decrypt what was encrypted, then give the key up
            FileEncryption.decryptTree(location, keys.key(keyId));
            keys.retire(keyId);
            throw e;
        }
        keys.prepare(location.toString());
        return new Applied(keyId + " " + location, "encrypted " + n + " file(s) under " + location
                + " with data key " + keyId + " (AES-256-GCM); undo decrypts them");
    }

    @Override
    public boolean undo(String handle) {
        int space = handle.indexOf(' ');
        String keyId = handle.substring(0, space);
        FileEncryption.decryptTree(Path.of(handle.substring(space + 1)), keys.key(keyId));
        keys.retire(keyId);
        return true;
    }

    private Path location(ActionTarget t, Map<String, String> params, boolean required) {
        String raw = params.get("path");
        if (raw == null && t.resourceId() != null && (t.resourceId().startsWith("file:") || t.resourceId()
                .startsWith("/"))) {
            raw = t.resourceId();
        }
        if (raw == null) {
            if (required) {
                throw new NotApplicableException("encrypt_data needs a local data location (param path, or a file:// "
                        + "or absolute-path resource) and the anomaly's resource is " + t.resourceId());
            }
            return null;
        }
        Path p = real((raw.startsWith("file:") ? Path.of(URI.create(raw)) : Path.of(raw)).toAbsolutePath().normalize());
        // compared as real paths: a symbolic link under a root cannot lead outside it
        if (roots.stream().map(EncryptActuator::real).noneMatch(p::startsWith)) {
            if (required) {
                throw NotApplicableException.gap("encrypt_data refuses " + p + ": it is not under "
                        + "mitigation.encryption.roots " + roots + "; add its parent there to allow it");
            }
            return null;
        }
        if (required && !p.toFile().isDirectory()) {
            throw new NotApplicableException("encrypt_data: data location " + p + " is not a directory");
        }
        return p;
    }

    /** The path with symbolic links resolved, or as given while it does not exist. */
    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (java.io.IOException e) {
            return p;
        }
    }
}
