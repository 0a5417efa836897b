package io.shadow.mitigation.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.shadow.mitigation.Assessments;
import io.shadow.mitigation.ManualClock;
import io.shadow.mitigation.OnEveryBackend;
import io.shadow.mitigation.api.RunningApi;
import io.shadow.mitigation.engine.Outcome;
import io.shadow.mitigation.profile.ProfileLoader;
import io.shadow.mitigation.store.ActionRecord;
import io.shadow.mitigation.store.AuditEntry;
import io.shadow.mitigation.store.KeyStore;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Access keys Shadow issues, rotated by the medium data-storage profile and handed over once; what
 * a restart, which loses the secrets not handed over yet, does to them. On H2 and PostgreSQL.
 */
class KeyVaultTest extends OnEveryBackend {
    private static final String OTHER_BUCKET = "s3://acme-public/site";

    private RunningApi api;
    private KeyVault keys;
    private KeyVault.IssuedKey original;

    @BeforeEach
    void start() {
        open();
        original = keys.issue(Assessments.TENANT, "u-1");
    }

    /** Opens the service on {@code dir}; again after {@link #restart()}, as after a restart of Shadow. */
    private void open() {
        api = RunningApi.start(store(), ProfileLoader.defaults(), new ManualClock(Assessments.T0));
        keys = api.service().engine().actuators().keys();
    }

    private void restart() {
        api.close();
        open();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private ActionRecord rotation(Outcome o) {
        return api.store().actionsOf(o.mitigationId()).stream().filter(a -> a.type().equals("rotate_keys"))
                .findFirst().orElseThrow();
    }

    private static void assertRefused(HttpResponse<String> r, int status, String error) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(RunningApi.json(r).path("error").asText()).isEqualTo(error);
    }

    @Test
    void anIssuedKeyAuthenticatesItsPrincipalInItsTenantOnly() {
        assertThat(keys.authenticate(Assessments.TENANT, original.secret())).hasValue("u-1");
        assertThat(keys.authenticate(Assessments.TENANT, "shk_made-up")).isEmpty();
        assertThat(keys.authenticate("globex", original.secret())).as("another tenant").isEmpty();
        assertThat(api.decision("u-1", OTHER_BUCKET, "X-Shadow-Key", original.secret()).statusCode()).isEqualTo(200);
    }

    @Test
    void rotationRevokesTheOldKeyAtOnce() {
        Outcome o = api.handle(Assessments.risk(60).build());

        ActionRecord r = rotation(o);
        assertThat(r.status()).isEqualTo(ActionRecord.APPLIED);
        assertThat(r.detail()).isEqualTo("revoked 1 key(s) of u-1 [" + original.keyId() + "]; new key " + r.handle()
                + " is waiting for its owner at GET /v1/keys/" + r.handle());
        assertThat(keys.authenticate(Assessments.TENANT, original.secret())).isEmpty();
        HttpResponse<String> denied = api.decision("u-1", OTHER_BUCKET, "X-Shadow-Key", original.secret());
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(RunningApi.json(denied).path("reason").asText())
                .isEqualTo("access key revoked (" + original.keyId() + ")");
        assertThat(keys.key(original.keyId()).orElseThrow().reason()).isEqualTo("rotated: replaced by " + r.handle());
        assertThat(keys.keyIds(Assessments.TENANT, "u-1", KeyStore.STANDBY)).as("the next standby is ready")
                .hasSize(1).doesNotContain(r.handle());
    }

    @Test
    void aPrincipalHoldingNoKeyIsNotGivenOneByARotation() {
        Outcome o = api.handle(Assessments.risk(60).principal("u-2").build()); // contain-data-access

        ActionRecord r = rotation(o);
        assertThat(r.status()).isEqualTo(ActionRecord.SKIPPED);
        assertThat(r.detail()).isEqualTo("rotate_keys: u-2 holds no active key Shadow issued, so there is nothing "
                + "to rotate, and no key is minted for a principal who had none; revoke the principal's credentials "
                + "where they were issued (the identity provider)");
        assertThat(keys.keyIds(Assessments.TENANT, "u-2", KeyStore.ACTIVE)).as("no credential for the suspect")
                .isEmpty();
        assertThat(api.store().actionsOf(o.mitigationId())).filteredOn(a -> a.type().equals("restrict"))
                .extracting(ActionRecord::status).as("the rest of the mitigation stands")
                .containsExactly(ActionRecord.APPLIED);
    }

    @Test
    void anEmergencyThatCouldNotRotateTellsTheOperatorsWhatToDoByHand() {
        Outcome o = api.handle(Assessments.risk(90).principal("u-2").build()); // emergency-data-shutdown

        assertThat(rotation(o).status()).isEqualTo(ActionRecord.SKIPPED);
        assertThat(api.store().notifications(o.incidentId())).filteredOn(n -> n.kind().equals("action_skipped"))
                .singleElement().satisfies(n -> {
                    assertThat(n.forOperators()).isTrue();
                    assertThat(n.subject()).isEqualTo("Emergency mitigation incomplete: rotate_keys not taken");
                    assertThat(n.body()).contains("rotate_keys (skipped: rotate_keys: u-2 holds no active key",
                            "revoke the principal's credentials where they were issued",
                            "In force: lock_user, shutdown_resource.");
                });

        Outcome rotated = api.handle(Assessments.risk(90).build()); // u-1 holds a key: nothing to say
        assertThat(rotation(rotated).status()).isEqualTo(ActionRecord.APPLIED);
        assertThat(api.store().notifications(rotated.incidentId())).extracting(n -> n.kind())
                .containsExactly("emergency_shutdown");
        Outcome medium = api.handle(Assessments.risk(60).principal("u-3").on(
                io.shadow.features.ResourceType.DATABASE, "db://crm").build());
        assertThat(rotation(medium).status()).isEqualTo(ActionRecord.SKIPPED);
        assertThat(api.store().notifications(medium.incidentId())).as("a skip below the emergency band is shown "
                + "with its mitigation only").extracting(n -> n.kind()).containsExactly("mitigation_applied");
        Outcome noHost = api.handle(Assessments.risk(90).principal("u-4").host(null)
                .on(io.shadow.features.ResourceType.COMPUTE, "vm-9").build()); // emergency-workload-shutdown
        assertThat(api.store().actionsOf(noHost.mitigationId())).extracting(ActionRecord::type, ActionRecord::status)
                .contains(org.assertj.core.groups.Tuple.tuple("isolate_host", ActionRecord.SKIPPED),
                        org.assertj.core.groups.Tuple.tuple("lock_user", ActionRecord.APPLIED));
        assertThat(api.store().notifications(noHost.incidentId())).as("nothing to isolate without a host: no gap "
                + "to close").extracting(n -> n.kind()).containsExactly("emergency_shutdown");
    }

    @Test
    void withPrincipalCaseIgnoredARotationForAnotherSpellingReplacesTheKeysOfEverySpelling() {
        api.close();
        api = RunningApi.start(store(), ProfileLoader.defaults(), new ManualClock(Assessments.T0),
                io.shadow.mitigation.MitigationOptions.defaults(store().dir().resolve("folding-keys"))
                        .withPrincipalCase(true));
        keys = api.service().engine().actuators().keys();
        KeyVault.IssuedKey lower = keys.issue(Assessments.TENANT, "alice");
        KeyVault.IssuedKey title = keys.issue(Assessments.TENANT, "Alice");
        KeyVault.IssuedKey bob = keys.issue(Assessments.TENANT, "bob");

        Outcome o = api.handle(Assessments.risk(60).principal("ALICE").build()); // contain-data-access

        ActionRecord r = rotation(o);
        assertThat(r.status()).as(r.detail()).isEqualTo(ActionRecord.APPLIED);
        assertThat(keys.authenticate(Assessments.TENANT, lower.secret())).as("alice's key").isEmpty();
        assertThat(keys.authenticate(Assessments.TENANT, title.secret())).as("Alice's key").isEmpty();
        assertThat(keys.authenticate(Assessments.TENANT, bob.secret())).as("another principal's").hasValue("bob");
        assertThat(r.detail()).contains("revoked 1 key(s) of Alice [" + title.keyId() + "]",
                "revoked 1 key(s) of alice [" + lower.keyId() + "]");
        assertThat(keys.keyIds(Assessments.TENANT, "alice", KeyStore.ACTIVE)).as("alice's new key, to collect")
                .hasSize(1);
        assertThat(keys.keyIds(Assessments.TENANT, "ALICE", KeyStore.ACTIVE)).as("no key minted for the spelling "
                + "the anomaly used").isEmpty();

        String second = keys.keyIds(Assessments.TENANT, "alice", KeyStore.ACTIVE).get(0);
        assertThat(r.handle()).as("the first spelling's new key is the handle").isNotEqualTo(second);
        for (String newKey : List.of(second, r.handle())) {
            assertThat(api.get("/v1/keys/" + newKey, RunningApi.OPERATOR).statusCode()).isEqualTo(200);
        }
        assertThat(api.store().actionsOf(o.mitigationId())).filteredOn(a -> a.type().equals("rotate_keys"))
                .singleElement().satisfies(a -> assertThat(a.detail()).as("each spelling's key said collected")
                        .contains("; new key " + second + " collected by ",
                                "; new key " + r.handle() + " collected by "));
    }

    @Test
    void theNewSecretIsCollectedOnceByItsOwner() {
        Outcome o = api.handle(Assessments.risk(60).build());
        String newKey = rotation(o).handle();

        HttpResponse<String> first = api.get("/v1/keys/" + newKey, RunningApi.USER_U1);

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        JsonNode body = RunningApi.json(first);
        assertThat(body.path("key_id").asText()).isEqualTo(newKey);
        assertThat(body.path("collected_by").asText()).isEqualTo("u-1@acme.example");
        String secret = body.path("secret").asText();
        assertThat(keys.authenticate(Assessments.TENANT, secret)).hasValue("u-1");
        assertThat(api.decision("u-1", OTHER_BUCKET, "X-Shadow-Key", secret).statusCode()).isEqualTo(200);

        HttpResponse<String> second = api.get("/v1/keys/" + newKey, RunningApi.USER_U1);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(410);
        assertThat(RunningApi.json(second).path("error").asText()).startsWith("the secret of key " + newKey
                + " was handed over already (at ").endsWith("); a secret is shown once: if it was lost, an admin "
                + "issues a new key with POST /v1/keys");
        assertThat(api.store().auditLog(newKey)).extracting(AuditEntry::action).containsExactly("key.collected");
        assertThat(api.store().actionsOf(o.mitigationId())).filteredOn(a -> a.type().equals("rotate_keys"))
                .singleElement().satisfies(a -> assertThat(a.detail()).as("its history no longer says waiting")
                        .endsWith("; new key " + newKey + " collected by u-1@acme.example at "
                                + keys.key(newKey).orElseThrow().collectedAt()));
    }

    @Test
    void anUnknownKeyIdIs404AndAStandbyKeyIsNotHandedOverBeforeItIsInUse() {
        assertRefused(api.get("/v1/keys/key-nope", RunningApi.OPERATOR), 404, "no key key-nope: Shadow never issued "
                + "one with this id; the new key's id is in the detail of the rotate_keys action of the incident "
                + "(GET /v1/incidents/{id})");
        api.handle(Assessments.risk(40).build()); // prepares the higher bands' standby key
        String standby = keys.keyIds(Assessments.TENANT, "u-1", KeyStore.STANDBY).get(0);

        assertRefused(api.get("/v1/keys/" + standby, RunningApi.USER_U1), 409, "key " + standby + " is a standby key "
                + "that no rotation has put in use yet; its secret is handed over once one does");
    }

    @Test
    void anotherUserCannotCollectTheNewSecret() {
        String newKey = rotation(api.handle(Assessments.risk(60).build())).handle();

        HttpResponse<String> r = api.get("/v1/keys/" + newKey, RunningApi.USER_U2);

        assertRefused(r, 403, "key " + newKey + " is not yours (u-2); ask an operator");
        assertThat(api.get("/v1/keys/" + newKey, RunningApi.USER_U1).statusCode()).as("still there for its owner")
                .isEqualTo(200);
    }

    @Test
    void rejectingTheMitigationDoesNotBringTheOldKeyBack() {
        Outcome o = api.handle(Assessments.risk(60).build());
        String newKey = rotation(o).handle();

        assertThat(api.post("/v1/mitigations/" + o.mitigationId() + "/reject", RunningApi.OPERATOR, "").statusCode())
                .isEqualTo(200);

        assertThat(keys.authenticate(Assessments.TENANT, original.secret())).isEmpty();
        String secret = RunningApi.json(api.get("/v1/keys/" + newKey, RunningApi.OPERATOR)).path("secret").asText();
        assertThat(keys.authenticate(Assessments.TENANT, secret)).hasValue("u-1");
    }

    @Test
    void aRotationAfterARestartDiscardsTheStandbyKeyWhoseSecretWasLostAndActivatesACollectableOne() {
        api.handle(Assessments.risk(40).build()); // prepares the higher bands' standby key
        String before = keys.keyIds(Assessments.TENANT, "u-1", KeyStore.STANDBY).get(0);
        restart();

        String newKey = rotation(api.handle(Assessments.risk(60).build())).handle();

        assertThat(newKey).as("the standby key from before the restart is not put in use").isNotEqualTo(before);
        KeyStore.AccessKey discarded = keys.key(before).orElseThrow();
        assertThat(discarded.status()).isEqualTo(KeyStore.DISCARDED);
        assertThat(discarded.reason()).isEqualTo("its secret was lost when Shadow restarted before a rotation put it "
                + "in use (secrets not yet handed over are kept in memory only); a fresh standby key replaces it");
        assertThat(api.store().auditLog(before)).extracting(AuditEntry::action).containsExactly("key.discarded");
        assertRefused(api.get("/v1/keys/" + before, RunningApi.USER_U1), 410, "key " + before + " was never put in "
                + "use: " + discarded.reason());
        HttpResponse<String> collected = api.get("/v1/keys/" + newKey, RunningApi.USER_U1);
        assertThat(collected.statusCode()).as(collected.body()).isEqualTo(200);
        String secret = RunningApi.json(collected).path("secret").asText();
        assertThat(keys.authenticate(Assessments.TENANT, secret)).as("the principal's only active key works")
                .hasValue("u-1");
        assertThat(keys.keyIds(Assessments.TENANT, "u-1", KeyStore.ACTIVE)).containsExactly(newKey);
    }

    @Test
    void aRotatedKeyWhoseSecretARestartLostBeforeItWasCollectedIs410() {
        String newKey = rotation(api.handle(Assessments.risk(60).build())).handle();
        restart();

        assertRefused(api.get("/v1/keys/" + newKey, RunningApi.USER_U1), 410, "the secret of key " + newKey
                + " was lost when Shadow restarted before it was collected (secrets not yet handed over are kept in "
                + "memory only); an admin issues a new key with POST /v1/keys");
    }

    @Test
    void aRotatedKeyRevokedByTheNextRotationBeforeItWasCollectedIs410() {
        String first = rotation(api.handle(Assessments.risk(60).build())).handle();
        String second = rotation(api.handle(Assessments.risk(60).later(java.time.Duration.ofDays(1)).build()))
                .handle();

        assertRefused(api.get("/v1/keys/" + first, RunningApi.USER_U1), 410, "key " + first + " was revoked (rotated: "
                + "replaced by " + second + ") before its secret was collected; collect the key that replaced it, or "
                + "an admin issues a new key with POST /v1/keys");
        assertThat(api.get("/v1/keys/" + second, RunningApi.USER_U1).statusCode()).isEqualTo(200);
    }
}
