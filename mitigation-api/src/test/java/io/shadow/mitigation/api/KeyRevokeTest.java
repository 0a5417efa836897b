package io.shadow.mitigation.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.shadow.mitigation.Assessments;
import io.shadow.mitigation.ManualClock;
import io.shadow.mitigation.actuate.KeyVault;
import io.shadow.mitigation.profile.ProfileLoader;
import io.shadow.mitigation.store.AuditEntry;
import io.shadow.mitigation.store.KeyStore;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** POST /v1/keys/{id}/revoke: an operator revokes a leaked key, and the gateway refuses it at once. */
class KeyRevokeTest {
    @TempDir
    Path dir;
    private RunningApi api;
    private KeyVault keys;
    private String secret;
    private String keyId;

    @BeforeEach
    void start() {
        api = RunningApi.start(dir, ProfileLoader.defaults(), new ManualClock(Assessments.T0));
        keys = api.service().engine().actuators().keys();
        secret = api.issueKey("u-1");
        keyId = keys.keyIds(Assessments.TENANT, "u-1", KeyStore.ACTIVE).get(0);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private HttpResponse<String> askWithTheKey() {
        return api.decisionWith("X-Shadow-Tenant", Assessments.TENANT, "X-Shadow-Key", secret);
    }

    @Test
    void aRevokedKeyIsDeniedAtTheGatewayFromTheNextRequestOn() {
        assertThat(askWithTheKey().headers().firstValue("X-Shadow-Decision")).hasValue("allow");

        HttpResponse<String> r = api.post("/v1/keys/" + keyId + "/revoke", RunningApi.OPERATOR,
                "{\"reason\": \"leaked in a build log\"}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = RunningApi.json(r);
        assertThat(body.path("status").asText()).isEqualTo("revoked");
        assertThat(body.path("changed").asBoolean()).isTrue();
        assertThat(body.path("principal").asText()).isEqualTo("u-1");
        assertThat(body.path("tenant").asText()).isEqualTo(Assessments.TENANT);
        assertThat(body.path("revokedAt").asText()).isEqualTo(Assessments.T0.toString());
        assertThat(body.path("reason").asText()).isEqualTo("leaked in a build log (olga@acme.example)");
        RunningApi.assertVerdict(askWithTheKey(), 403, "deny", "access key revoked (" + keyId + ")");
        assertThat(api.store().auditLog(keyId)).extracting(AuditEntry::action, AuditEntry::actor)
                .contains(org.assertj.core.groups.Tuple.tuple("key.revoked", "olga@acme.example"));
    }

    @Test
    void revokingAgainChangesNothingAndAnUnknownKeyIs404() {
        api.post("/v1/keys/" + keyId + "/revoke", RunningApi.ADMIN, "");

        HttpResponse<String> again = api.post("/v1/keys/" + keyId + "/revoke", RunningApi.OPERATOR, "{}");
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(RunningApi.json(again).path("changed").asBoolean()).isFalse();
        assertThat(RunningApi.json(again).path("reason").asText()).as("the first revocation's reason stays")
                .isEqualTo("revoked by admin");
        assertThat(api.store().auditLog(keyId)).filteredOn(a -> a.action().equals("key.revoked")).hasSize(1);

        HttpResponse<String> unknown = api.post("/v1/keys/key-nope/revoke", RunningApi.OPERATOR, "");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(RunningApi.json(unknown).path("error").asText()).isEqualTo("no key key-nope: Shadow never issued "
                + "one with this id");
    }

    @Test
    void usersAndServicesMayNotRevokeAndABadBodyRevokesNothing() {
        for (String token : new String[] {RunningApi.USER_U1, RunningApi.SERVICE, RunningApi.AGENT}) {
            HttpResponse<String> r = api.post("/v1/keys/" + keyId + "/revoke", token, "");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
        }
        String[][] cases = {
            {"{\"why\": \"x\"}", "unknown field 'why' in the body of POST /v1/keys/{id}/revoke; known fields: "
                + "[reason]; nothing was changed"},
            {"{\"reason\": 7}", "'reason' must be a string of at most 500 characters, got a number"},
            {"{\"reason\": \"" + "r".repeat(501) + "\"}", "'reason' is 501 characters long; at most 500 are "
                + "allowed: shorten it (link to longer notes); nothing was changed"},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = api.post("/v1/keys/" + keyId + "/revoke", RunningApi.OPERATOR, c[0]);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat(RunningApi.json(r).path("error").asText()).isEqualTo(c[1]);
        }
        assertThat(keys.authenticate(Assessments.TENANT, secret)).as("still active").hasValue("u-1");
    }

    @Test
    void aRepeatWithTheSameIdempotencyKeyReplaysTheFirstAnswer() {
        HttpResponse<String> first = api.post("/v1/keys/" + keyId + "/revoke", RunningApi.OPERATOR, "",
                "Idempotency-Key", "revoke-1");
        HttpResponse<String> again = api.post("/v1/keys/" + keyId + "/revoke", RunningApi.OPERATOR, "",
                "Idempotency-Key", "revoke-1");

        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(RunningApi.json(again).path("changed").asBoolean()).as("the first answer, replayed").isTrue();
        assertThat(again.body()).isEqualTo(first.body());
    }

    @Test
    void aRotatedKeyRevokedBeforeItsOwnerCollectedItIsNoLongerHandedOver() {
        var o = api.handle(Assessments.risk(60).build()); // medium: a restriction and a key rotation
        String rotated = api.store().actionsOf(o.mitigationId()).stream().filter(a -> a.type().equals("rotate_keys"))
                .findFirst().orElseThrow().handle();

        api.post("/v1/keys/" + rotated + "/revoke", RunningApi.OPERATOR, "{\"reason\": \"owner left\"}");

        HttpResponse<String> r = api.get("/v1/keys/" + rotated, RunningApi.USER_U1);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(410);
        assertThat(RunningApi.json(r).path("error").asText()).startsWith("key " + rotated + " was revoked (owner "
                + "left (olga@acme.example)) before its secret was collected");
    }
}
