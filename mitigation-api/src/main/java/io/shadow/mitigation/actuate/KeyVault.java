package io.shadow.mitigation.actuate;

import io.shadow.mitigation.store.MitigationStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Access keys that Shadow issues to principals, and their rotation. Only a SHA-256 of each secret
 * is stored. A standby key is prepared ahead (warm standby), so rotating is one transaction:
 * active keys are revoked, the standby becomes active, and its secret waits for its owner to
 * collect it once. An old key stops authenticating the moment the transaction commits. A rotation
 * is not reversed on reject, modify or expiry: the action is recorded as kept.
 */
public final class KeyVault implements Actuator {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final MitigationStore store;
    /** Secrets of standby and freshly rotated keys, until the owner collects them. */
    private final Map<String, String> secrets = new ConcurrentHashMap<>();

    public KeyVault(MitigationStore store) {
        this.store = store;
    }

    /** A newly issued key: its id and its secret (shown once). */
    public record IssuedKey(String keyId, String secret) {
    }

    public IssuedKey issue(String tenant, String principal) {
        return create(tenant, principal, "active");
    }

    /** The principal whose active key this is, if any. */
    public Optional<String> authenticate(String secret) {
        return store.keyBySecretHash(sha256(secret)).filter(k -> "active".equals(k[2])).map(k -> k[1]);
    }

    /** The principal a key belongs to. */
    public Optional<String> owner(String keyId) {
        return store.keyPrincipal(keyId);
    }

    /** Hands a rotated key's secret to its owner, once. */
    public Optional<String> collect(String keyId) {
        return Optional.ofNullable(secrets.remove(keyId));
    }

    @Override
    public ActionType type() {
        return ActionType.ROTATE_KEYS;
    }

    @Override
    public void prepare(ActionTarget t) {
        if (t.principal() != null && store.keys(t.tenant(), t.principal(), "standby").isEmpty()) {
            create(t.tenant(), t.principal(), "standby");
        }
    }

    @Override
    public Applied apply(ActionTarget t, Map<String, String> params, Instant expiresAt) {
        if (t.principal() == null) {
            throw new NotApplicableException("rotate_keys needs a principal and the anomaly has none");
        }
        prepare(t);
        String standby = store.keys(t.tenant(), t.principal(), "standby").get(0);
        List<String> revoked = store.rotateKeys(t.tenant(), t.principal(), standby);
        prepare(t);
        return new Applied(standby, "revoked " + revoked.size() + " key(s) of " + t.principal() + " " + revoked
                + "; new key " + standby + " is waiting for its owner at GET /v1/keys/" + standby);
    }

    /** Rotation is not reversed: the old key may be in an attacker's hands, and its owner has the new one. */
    @Override
    public boolean undo(String handle) {
        return false;
    }

    @Override
    public Optional<String> notReversible() {
        return Optional.of("key rotation is not reversed: the new key stays active and the old one revoked");
    }

    private IssuedKey create(String tenant, String principal, String status) {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String secret = "shk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        String id = "key-" + UUID.randomUUID();
        store.insertKey(id, tenant, principal, sha256(secret), status);
        if (!"active".equals(status)) {
            secrets.put(id, secret);
        }
        return new IssuedKey(id, secret);
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
