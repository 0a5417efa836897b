package io.shadow.mitigation.actuate;

import io.shadow.mitigation.store.KeyStore;
import io.shadow.mitigation.store.KeyStore.AccessKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
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
 * is not reversed on reject, modify or expiry: the action is recorded as kept. A principal holding no
 * active key is not given one: the action is skipped, saying so. With {@code mitigation.gateway.principal-case:
 * ignore} a rotation replaces the keys of every spelling of the principal's name, as the gateway matches them.
 *
 * <p>Secrets not handed over yet live in this process's memory only (the store never holds a
 * usable secret). A standby key whose secret this process does not hold (prepared before a
 * restart) is therefore discarded, never activated; a rotated key whose secret a restart lost
 * says so when its owner comes for it.
 */
public final class KeyVault implements Actuator {
    /** Why a standby key prepared before a restart is not put in use. */
    static final String LOST_STANDBY = "its secret was lost when Shadow restarted before a rotation put it in use "
            + "(secrets not yet handed over are kept in memory only); a fresh standby key replaces it";
    private static final SecureRandom RANDOM = new SecureRandom();
    private final KeyStore store;
    private final Clock clock;
    /** Secrets of standby and freshly rotated keys, until the owner collects them. */
    private final Map<String, String> secrets = new ConcurrentHashMap<>();

    /** Principals matched whatever their case (mitigation.gateway.principal-case: ignore), as the gateway does. */
    private final boolean ignorePrincipalCase;

    public KeyVault(KeyStore store, Clock clock) {
        this(store, clock, false);
    }

    /**
     * With {@code ignorePrincipalCase}, a rotation for {@code ALICE} replaces the keys issued to {@code alice}
     * (and to every other spelling of the name): the gateway takes them all for one principal, so leaving
     * one valid would leave the suspect a working credential.
     */
    public KeyVault(KeyStore store, Clock clock, boolean ignorePrincipalCase) {
        this.store = store;
        this.clock = clock;
        this.ignorePrincipalCase = ignorePrincipalCase;
    }

    /** A newly issued key: its id and its secret (shown once). */
    public record IssuedKey(String keyId, String secret) {
    }

    /**
     * What a key presented at the gateway of a tenant says: nothing ({@link Kind#UNKNOWN}, a key
     * Shadow never issued), who presents it ({@link Kind#OWNER}), or why it is refused.
     */
    public record KeyCheck(Kind kind, String owner, String reason) {
        public enum Kind { UNKNOWN, OWNER, REFUSED }

        static final KeyCheck UNKNOWN = new KeyCheck(Kind.UNKNOWN, null, null);
    }

    /** A key's secret that cannot be handed over, with the HTTP status that says why. */
    public static final class NotCollectable extends RuntimeException {
        private final int status;

        NotCollectable(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** Issues an active key to {@code principal}, its secret handed over in the answer (so never collectable). */
    public IssuedKey issue(String tenant, String principal) {
        return issue(tenant, principal, "shadow");
    }

    /** As {@link #issue(String, String)}, audited as issued by {@code actor}. */
    public IssuedKey issue(String tenant, String principal, String actor) {
        Instant now = clock.instant();
        String secret = secret();
        String id = "key-" + UUID.randomUUID();
        store.insert(new AccessKey(id, tenant, principal, KeyStore.ACTIVE, now, null, now, null), sha256(secret),
                actor, "key.issued", "for principal " + principal + " of tenant " + tenant);
        return new IssuedKey(id, secret);
    }

    /**
     * What {@code secret} presented at the gateway of {@code tenant} says. A key of another tenant
     * never authenticates here; a key Shadow never issued has no say (the application may use
     * keys of its own in the same header).
     */
    public KeyCheck check(String tenant, String secret) {
        Optional<AccessKey> found = store.bySecretHash(sha256(secret));
        if (found.isEmpty()) {
            return KeyCheck.UNKNOWN;
        }
        AccessKey k = found.get();
        if (!k.tenant().equals(tenant)) {
            // no key id: a gateway of one tenant learns nothing of another tenant's keys
            return refused("the access key in X-Shadow-Key was not issued for tenant '" + tenant
                    + "'; a key authenticates only at the gateway of its own tenant");
        }
        return switch (k.status()) {
            case KeyStore.ACTIVE -> new KeyCheck(KeyCheck.Kind.OWNER, k.principal(), null);
            case KeyStore.REVOKED -> refused("access key revoked (" + k.keyId() + ")");
            default -> refused("access key " + k.keyId() + " is not in use (" + k.status() + ")");
        };
    }

    /** The principal an active key of {@code tenant} belongs to, if {@code secret} is one. */
    public Optional<String> authenticate(String tenant, String secret) {
        return Optional.ofNullable(check(tenant, secret).owner());
    }

    public Optional<AccessKey> key(String keyId) {
        return store.key(keyId);
    }

    /** The ids of a principal's keys in a status: active, standby, revoked or discarded. */
    public List<String> keyIds(String tenant, String principal, String status) {
        return store.keyIds(tenant, principal, status);
    }

    /** What {@link #revoke} did: the key as it is now, and whether this call revoked it. */
    public record Revoked(AccessKey key, boolean changed) {
    }

    /**
     * Revokes the active key {@code keyId} (a leaked key, a person who left): the gateway refuses it
     * from the next request on, and a secret not yet collected is no longer handed over. Revoking a
     * revoked key changes nothing.
     *
     * @throws NotCollectable 404 for an unknown id, 409 for a key that was never in use (standby or
     *         discarded: nothing presents it)
     */
    public synchronized Revoked revoke(String keyId, String reason, String actor) {
        AccessKey k = store.key(keyId).orElseThrow(() -> new NotCollectable(404, "no key " + keyId + ": Shadow never "
                + "issued one with this id"));
        switch (k.status()) {
            case KeyStore.REVOKED -> {
                return new Revoked(k, false);
            }
            case KeyStore.STANDBY, KeyStore.DISCARDED -> throw new NotCollectable(409, "key " + keyId + " is "
                    + k.status() + ": it was never put in use, so no gateway accepts it and there is nothing to "
                    + "revoke");
            default -> {
            }
        }
        if (!store.revoke(keyId, reason, actor, clock.instant())) { // rotated away meanwhile
            return new Revoked(store.key(keyId).orElseThrow(), false);
        }
        secrets.remove(keyId);
        return new Revoked(store.key(keyId).orElseThrow(), true);
    }

    /** As {@link #collect(String, String, String)} for a key of any tenant. */
    public String collect(String keyId, String actor) {
        return collect(keyId, null, actor);
    }

    /**
     * Hands a rotated key's secret to {@code actor}, once, if it is a key of {@code tenant} (null:
     * of any tenant). A key of another tenant is answered as one that does not exist, so neither its
     * secret nor that its id exists leaks across tenants.
     *
     * @throws NotCollectable 404 for an unknown id or another tenant's, 409 for a standby key, 410 for
     *         a key whose secret was handed over already, was lost in a restart, or that was revoked
     *         or discarded first
     */
    public synchronized String collect(String keyId, String tenant, String actor) {
        AccessKey k = store.key(keyId).filter(key -> tenant == null || tenant.equals(key.tenant()))
                .orElseThrow(() -> new NotCollectable(404, "no key " + keyId + ": Shadow never issued one with this "
                        + "id; the new key's id is in the detail of the rotate_keys action of the incident "
                        + "(GET /v1/incidents/{id})"));
        String newKey = "an admin issues a new key with POST /v1/keys";
        if (k.collectedAt() != null) {
            throw new NotCollectable(410, "the secret of key " + keyId + " was handed over already (at "
                    + k.collectedAt() + "); a secret is shown once: if it was lost, " + newKey);
        }
        switch (k.status()) {
            case KeyStore.STANDBY -> throw new NotCollectable(409, "key " + keyId + " is a standby key that no "
                    + "rotation has put in use yet; its secret is handed over once one does");
            case KeyStore.DISCARDED -> throw new NotCollectable(410, "key " + keyId + " was never put in use: "
                    + k.reason());
            case KeyStore.REVOKED -> {
                secrets.remove(keyId);
                throw new NotCollectable(410, "key " + keyId + " was revoked (" + k.reason() + ") before its "
                        + "secret was collected; collect the key that replaced it, or " + newKey);
            }
            default -> {
            }
        }
        String secret = secrets.remove(keyId);
        if (secret == null) {
            throw new NotCollectable(410, "the secret of key " + keyId + " was lost when Shadow restarted before it "
                    + "was collected (secrets not yet handed over are kept in memory only); " + newKey);
        }
        try {
            store.collected(keyId, actor, clock.instant());
        } catch (RuntimeException e) {
            secrets.put(keyId, secret); // not handed over: still there for the next try
            throw e;
        }
        return secret;
    }

    @Override
    public ActionType type() {
        return ActionType.ROTATE_KEYS;
    }

    @Override
    public void prepare(ActionTarget t) {
        if (t.principal() != null) {
            for (String name : holders(t.tenant(), t.principal())) {
                standby(t.tenant(), name);
            }
        }
    }

    @Override
    public Applied apply(ActionTarget t, Map<String, String> params, Instant expiresAt) {
        wouldSkip(t, params).ifPresent(reason -> {
            throw new NotApplicableException(reason);
        });
        List<String> handles = new ArrayList<>();
        List<String> details = new ArrayList<>();
        RuntimeException failed = null;
        for (String name : holders(t.tenant(), t.principal())) {
            try {
                rotate(t.tenant(), name).ifPresent(a -> {
                    handles.add(a.handle());
                    details.add(a.detail());
                });
            } catch (RuntimeException e) { // the spellings rotated so far stand: say which one failed
                failed = failed == null ? e : failed;
                details.add("rotating the keys of " + name + " FAILED (" + e.getMessage() + "): revoke them by hand "
                        + "with POST /v1/keys/{id}/revoke (the audit log's key.issued lines name each key's principal)");
            }
        }
        if (handles.isEmpty() && failed != null) {
            throw failed; // nothing rotated: the action failed as a whole
        }
        if (handles.isEmpty()) {
            throw NotApplicableException.gap("rotate_keys: " + t.principal() + " holds no active key Shadow issued"
                    + (ignorePrincipalCase ? " (in any case of the name)" : "") + ", so there is nothing to rotate, "
                    + "and no key is minted for a principal who had none; revoke the principal's credentials where "
                    + "they were issued (the identity provider)");
        }
        // the first new key is the handle (GET /v1/keys/{id}, the web UI); each spelling's rotation is in the detail
        return new Applied(handles.get(0), String.join("; ", details));
    }

    /**
     * Replaces the active keys issued to exactly {@code principal} by its standby key; empty when it holds none.
     */
    private Optional<Applied> rotate(String tenant, String principal) {
        // a second try only when the standby was discarded meanwhile (by another process sharing the store)
        for (int attempt = 1; ; attempt++) {
            String standby = standby(tenant, principal);
            Optional<List<String>> revoked = store.rotate(tenant, principal, standby, clock.instant());
            if (revoked.isPresent() && revoked.get().isEmpty()) {
                return Optional.empty();
            }
            if (revoked.isPresent()) {
                revoked.get().forEach(secrets::remove);
                standby(tenant, principal); // the next rotation's, ready ahead
                return Optional.of(new Applied(standby, "revoked " + revoked.get().size() + " key(s) of " + principal
                        + " " + revoked.get() + "; new key " + standby + " is waiting for its owner at GET /v1/keys/"
                        + standby));
            }
            secrets.remove(standby);
            if (attempt == 2) {
                throw new IllegalStateException("standby key " + standby + " of " + principal
                        + " was taken out of standby while rotating; nothing was rotated");
            }
        }
    }

    /**
     * The names {@code principal}'s keys were issued to: itself, or with the case ignored every spelling of it
     * that holds an active key (itself when none does).
     */
    private List<String> holders(String tenant, String principal) {
        if (!ignorePrincipalCase) {
            return List.of(principal);
        }
        String folded = GatewayPolicy.principalKey(principal, true);
        List<String> spelled = store.activePrincipals(tenant).stream()
                .filter(p -> GatewayPolicy.principalKey(p, true).equals(folded)).toList();
        return spelled.isEmpty() ? List.of(principal) : spelled;
    }

    @Override
    public Optional<String> wouldSkip(ActionTarget t, Map<String, String> params) {
        return t.principal() == null ? Optional.of("rotate_keys needs a principal and the anomaly has none")
                : Optional.empty();
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

    /**
     * The principal's standby key whose secret this process holds, prepared if there is none.
     * Standby keys whose secret it does not hold (prepared before a restart) are discarded.
     */
    private String standby(String tenant, String principal) {
        String usable = null;
        for (String id : store.keyIds(tenant, principal, KeyStore.STANDBY)) {
            if (!secrets.containsKey(id)) {
                store.discard(id, LOST_STANDBY, clock.instant());
            } else if (usable == null) {
                usable = id;
            }
        }
        if (usable != null) {
            return usable;
        }
        String secret = secret();
        String id = "key-" + UUID.randomUUID();
        secrets.put(id, secret); // before the insert: a concurrent prepare must not take it for one of a restart
        try {
            store.insert(new AccessKey(id, tenant, principal, KeyStore.STANDBY, clock.instant(), null, null, null),
                    sha256(secret), "shadow", null, null);
        } catch (RuntimeException e) {
            secrets.remove(id);
            throw e;
        }
        return id;
    }

    private static String secret() {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        return "shk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    private static KeyCheck refused(String reason) {
        return new KeyCheck(KeyCheck.Kind.REFUSED, null, reason);
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
