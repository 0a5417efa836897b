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

/** POST /v1/keys: an admin issues an access key; its secret is shown once. */
class KeyIssueTest {
    private static final String BODY = "{\"tenant\": \"acme\", \"principal\": \"alice\"}";

    @TempDir
    Path dir;
    private RunningApi api;
    private KeyVault keys;

    @BeforeEach
    void start() {
        api = RunningApi.start(dir, ProfileLoader.defaults(), new ManualClock(Assessments.T0));
        keys = api.service().engine().actuators().keys();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private static void assertRefused(HttpResponse<String> r, int status, String error) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(RunningApi.json(r).path("error").asText()).isEqualTo(error);
    }

    @Test
    void anAdminIssuesAKeyThatAuthenticatesItsPrincipalAtTheGateway() {
        HttpResponse<String> r = api.post("/v1/keys", RunningApi.ADMIN, BODY);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode body = RunningApi.json(r);
        String keyId = body.path("keyId").asText();
        String secret = body.path("secret").asText();
        assertThat(keyId).startsWith("key-");
        assertThat(secret).startsWith("shk_").hasSizeGreaterThan(40);
        assertThat(body.path("principal").asText()).isEqualTo("alice");
        assertThat(body.path("tenant").asText()).isEqualTo("acme");
        assertThat(keys.authenticate("acme", secret)).hasValue("alice");
        assertThat(keys.keyIds("acme", "alice", KeyStore.ACTIVE)).containsExactly(keyId);
        assertThat(api.store().auditLog(keyId)).singleElement().satisfies(a -> {
            assertThat(a.action()).isEqualTo("key.issued");
            assertThat(a.actor()).isEqualTo("admin");
            assertThat(a.detail()).isEqualTo("for principal alice of tenant acme");
        });
        assertThat(r.body()).as("the answer is the only place the secret appears").contains(secret);
        assertThat(api.store().auditLog(null)).extracting(AuditEntry::detail).noneMatch(d -> d.contains(secret));
        assertRefused(api.get("/v1/keys/" + keyId, RunningApi.OPERATOR), 410, "the secret of key " + keyId
                + " was handed over already (at " + Assessments.T0 + "); a secret is shown once: if it was lost, an "
                + "admin issues a new key with POST /v1/keys");
    }

    @Test
    void onlyAnAdminMayIssueKeys() {
        for (String token : new String[] {RunningApi.OPERATOR, RunningApi.USER_U1, RunningApi.SERVICE}) {
            HttpResponse<String> r = api.post("/v1/keys", token, BODY);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
            assertThat(RunningApi.json(r).path("error").asText()).endsWith(" may not call POST /v1/keys; allowed: "
                    + "[admin]");
        }
        assertThat(keys.keyIds("acme", "alice", KeyStore.ACTIVE)).isEmpty();
    }

    @Test
    void aBadBodyIsRefusedNamingTheFieldAndTheFixAndIssuesNothing() {
        String tenantRequired = "'tenant' is required: the tenant whose gateway will see the key, exactly as its "
                + "events name it (case-sensitive), a string of 1 to 128 characters; nothing was changed";
        String plainPrincipal = ": it must be plain text (whom the key is for, as the gateway names them in "
                + "X-Shadow-Principal); nothing was changed";
        String[][] cases = {
            {"", tenantRequired},
            {"{}", tenantRequired},
            {"{\"tenant\": \" \", \"principal\": \"alice\"}", tenantRequired},
            {"{\"tenant\": \"acme\"}", "'principal' is required: whom the key is for, as the gateway names them "
                + "in X-Shadow-Principal, a string of 1 to 256 characters; nothing was changed"},
            {"{\"tenant\": \"acme\", \"principal\": \"alice\", \"role\": \"admin\"}", "unknown field 'role' in "
                + "the body of POST /v1/keys; known fields: [principal, tenant]; nothing was changed"},
            {"{\"tenant\": \"acme\", \"principal\": 7}", "'principal' must be a string of at most 256 characters, "
                + "got a number"},
            {"{\"tenant\": \"" + "t".repeat(129) + "\", \"principal\": \"alice\"}", "'tenant' is 129 characters "
                + "long; at most 128 are allowed; nothing was changed"},
            {"{\"tenant\": \"acme \", \"principal\": \"alice\"}", "'tenant' starts or ends with white space "
                + "('acme '): it is compared exactly, so remove it; nothing was changed"},
            {"{\"tenant\": \"acme\", \"principal\": \"al\\u0000ice\"}", "'principal' contains the control "
                + "character U+0000" + plainPrincipal},
            {"{\"tenant\": \"acme\", \"principal\": \"alice\\n\"}", "'principal' contains the control "
                + "character U+000A" + plainPrincipal},
            {"[\"acme\", \"alice\"]", "the body of POST /v1/keys must be a JSON object such as {\"tenant\": "
                + "\"acme\", \"principal\": \"alice\"}"},
        };
        for (String[] c : cases) {
            assertRefused(api.post("/v1/keys", RunningApi.ADMIN, c[0]), 400, c[1]);
        }
        HttpResponse<String> notJson = api.post("/v1/keys", RunningApi.ADMIN, "{tenant: acme}");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(RunningApi.json(notJson).path("error").asText())
                .startsWith("request body is not valid JSON for this endpoint: ");
        assertThat(api.store().auditLog(null)).extracting(AuditEntry::action).doesNotContain("key.issued");
    }

    @Test
    void aRepeatWithTheSameIdempotencyKeyIssuesNothingMoreAndDoesNotShowTheSecretAgain() {
        HttpResponse<String> first = api.post("/v1/keys", RunningApi.ADMIN, BODY, "Idempotency-Key", "issue-1");
        HttpResponse<String> again = api.post("/v1/keys", RunningApi.ADMIN, BODY, "Idempotency-Key", "issue-1");

        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(201);
        assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        JsonNode replayed = RunningApi.json(again);
        assertThat(replayed.path("keyId").asText()).isEqualTo(RunningApi.json(first).path("keyId").asText());
        assertThat(replayed.path("secret").isNull()).as(again.body()).isTrue();
        assertThat(replayed.path("note").asText()).isEqualTo("the secret is shown once, in the first answer to this "
                + "Idempotency-Key, and Shadow keeps only its SHA-256; if that answer was lost, issue another key with "
                + "a new Idempotency-Key");
        assertThat(keys.keyIds("acme", "alice", KeyStore.ACTIVE)).hasSize(1);
        assertRefused(api.post("/v1/keys", RunningApi.ADMIN, "{\"tenant\": \"acme\", \"principal\": \"bob\"}",
                "Idempotency-Key", "issue-1"), 422, "Idempotency-Key 'issue-1' was used for a different request; use "
                + "a new key for a new operation");
    }
}
