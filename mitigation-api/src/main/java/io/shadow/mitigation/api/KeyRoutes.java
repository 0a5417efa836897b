package io.shadow.mitigation.api;

import static io.shadow.mitigation.api.Role.ADMIN;
import static io.shadow.mitigation.api.Role.OPERATOR;
import static io.shadow.mitigation.api.Role.USER;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.shadow.mitigation.actuate.KeyVault;
import io.shadow.mitigation.store.ColumnLimits;
import io.shadow.mitigation.store.MitigationStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Access keys Shadow issues: {@code POST /v1/keys} (admin) issues one, its secret shown once in the
 * answer; {@code GET /v1/keys/{id}} hands a rotated key's new secret to its owner, once;
 * {@code POST /v1/keys/{id}/revoke} (operator, admin) revokes a key at once.
 */
final class KeyRoutes {
    private static final Set<String> ISSUE_FIELDS = Set.of("tenant", "principal");
    private static final String ISSUE_EXAMPLE = "{\"tenant\": \"acme\", \"principal\": \"alice\"}";
    private static final Set<String> REVOKE_FIELDS = Set.of("reason");
    private static final String REVOKE_EXAMPLE = "{\"reason\": \"leaked in a build log\"}";
    /** The longest reason kept with a revoked key. */
    static final int REASON_CHARS = 500;
    /** Stands in for the secret when an answer is replayed for its Idempotency-Key. */
    static final String SHOWN_ONCE = "the secret is shown once, in the first answer to this Idempotency-Key, and "
            + "Shadow keeps only its SHA-256; if that answer was lost, issue another key with a new Idempotency-Key";
    private static final Logger LOG = LoggerFactory.getLogger(KeyRoutes.class);
    private final KeyVault keys;
    private final Idempotency idempotency;
    private final MitigationStore store;

    KeyRoutes(KeyVault keys, Idempotency idempotency, MitigationStore store) {
        this.keys = keys;
        this.idempotency = idempotency;
        this.store = store;
    }

    void register(JavalinConfig cfg) {
        cfg.routes.post("/v1/keys", RequestLimits.bodyAtMost(RequestLimits.MAX_JSON_BYTES,
                idempotency.wrap(this::issue, KeyRoutes::withoutSecret)), ADMIN);
        cfg.routes.get("/v1/keys/{id}", this::collect, USER, OPERATOR);
        cfg.routes.post("/v1/keys/{id}/revoke", RequestLimits.bodyAtMost(RequestLimits.MAX_JSON_BYTES,
                idempotency.wrap(this::revoke)), OPERATOR, ADMIN);
    }

    private void revoke(Context ctx) throws JsonProcessingException {
        String id = ctx.pathParam("id");
        String what = "POST /v1/keys/{id}/revoke";
        ObjectNode body = JsonBody.object(ctx.body(), what, REVOKE_FIELDS, REVOKE_EXAMPLE);
        String actor = ServiceApp.caller(ctx).name();
        String reason = RequestLimits.optionalText(body, "reason", REASON_CHARS);
        reason = reason == null || reason.isBlank() ? "revoked by " + actor : reason.strip() + " (" + actor + ")";
        KeyVault.Revoked r;
        try {
            r = keys.revoke(id, reason, actor);
        } catch (KeyVault.NotCollectable e) {
            throw new ApiError(e.status(), e.getMessage());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("keyId", id);
        out.put("tenant", r.key().tenant());
        out.put("principal", r.key().principal());
        out.put("status", r.key().status());
        out.put("revokedAt", r.key().revokedAt());
        out.put("reason", r.key().reason());
        out.put("changed", r.changed());
        ctx.json(out);
    }

    private void issue(Context ctx) throws JsonProcessingException {
        ObjectNode body = JsonBody.object(ctx.body(), "POST /v1/keys", ISSUE_FIELDS, ISSUE_EXAMPLE);
        String tenant = RequestLimits.requiredText(body, "tenant", ColumnLimits.TENANT,
                "the tenant whose gateway will see the key, exactly as its events name it (case-sensitive)");
        String principal = RequestLimits.requiredText(body, "principal", ColumnLimits.PRINCIPAL,
                "whom the key is for, as the gateway names them in X-Shadow-Principal");
        KeyVault.IssuedKey k = keys.issue(tenant, principal, ServiceApp.caller(ctx).name());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("keyId", k.keyId());
        out.put("secret", k.secret());
        out.put("principal", principal);
        out.put("tenant", tenant);
        ctx.status(201).json(out);
    }

    /** The answer of an issue as stored for replays: the secret is not kept. */
    static String withoutSecret(String answer) {
        try {
            JsonNode json = ServiceApp.JSON.readTree(answer);
            if (json instanceof ObjectNode o && o.has("secret")) {
                o.putNull("secret");
                o.put("note", SHOWN_ONCE);
                return o.toString();
            }
            return answer;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("answer of POST /v1/keys is not JSON", e);
        }
    }

    private void collect(Context ctx) {
        Caller c = ServiceApp.caller(ctx);
        String id = ctx.pathParam("id");
        // another tenant's key is answered by the vault as one that does not exist (404), before this 403
        if (keys.key(id).filter(k -> c.sees(k.tenant()) && !c.speaksFor(k.tenant(), k.principal())).isPresent()) {
            throw new ApiError(403, "key " + id + " is not yours (" + c.principal() + "); ask an operator");
        }
        try {
            String secret = keys.collect(id, c.seesEverything() ? null : c.tenant(), c.name());
            collected(id, c.name());
            ctx.json(Map.of("key_id", id, "secret", secret, "collected_by", c.name()));
        } catch (KeyVault.NotCollectable e) {
            throw new ApiError(e.status(), e.getMessage());
        }
    }

    /**
     * The rotation that left the key waiting says it is collected now, so its history no longer reads
     * "waiting" (and the web UI stops offering it). The secret is handed over whatever this does.
     */
    private void collected(String keyId, String by) {
        try {
            store.rotationOfKey(keyId).ifPresent(a -> store.appendActionDetail(a.actionId(), "; new key " + keyId
                    + " collected by " + by + " at " + keys.key(keyId).map(k -> String.valueOf(k.collectedAt()))
                            .orElse("now")));
        } catch (RuntimeException e) {
            LOG.warn("key {} was handed to {}, and noting that on its rotation failed: {}", keyId, by, e.toString());
        }
    }
}
