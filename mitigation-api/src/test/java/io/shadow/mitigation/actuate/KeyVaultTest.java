package io.shadow.mitigation.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.shadow.mitigation.Assessments;
import io.shadow.mitigation.ManualClock;
import io.shadow.mitigation.api.RunningApi;
import io.shadow.mitigation.engine.Outcome;
import io.shadow.mitigation.profile.ProfileLoader;
import io.shadow.mitigation.store.ActionRecord;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Access keys Shadow issues, rotated by the medium data-storage profile and handed over once. */
class KeyVaultTest {
    private static final String OTHER_BUCKET = "s3://acme-public/site";

    @TempDir
    Path dir;
    private RunningApi api;
    private KeyVault keys;
    private KeyVault.IssuedKey original;

    @BeforeEach
    void start() {
        api = RunningApi.start(dir, ProfileLoader.defaults(), new ManualClock(Assessments.T0));
        keys = api.service().engine().actuators().keys();
        original = keys.issue(Assessments.TENANT, "u-1");
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private ActionRecord rotation(Outcome o) {
        return api.store().actionsOf(o.mitigationId()).stream().filter(a -> a.type().equals("rotate_keys"))
                .findFirst().orElseThrow();
    }

    @Test
    void anIssuedKeyAuthenticatesItsPrincipal() {
        assertThat(keys.authenticate(original.secret())).hasValue("u-1");
        assertThat(keys.authenticate("shk_made-up")).isEmpty();
        assertThat(api.decision("u-1", OTHER_BUCKET, "X-Shadow-Key", original.secret()).statusCode()).isEqualTo(200);
    }

    @Test
    void rotationRevokesTheOldKeyAtOnce() {
        Outcome o = api.handle(Assessments.risk(60).build());

        ActionRecord r = rotation(o);
        assertThat(r.status()).isEqualTo(ActionRecord.APPLIED);
        assertThat(r.detail()).isEqualTo("revoked 1 key(s) of u-1 [" + original.keyId() + "]; new key " + r.handle()
                + " is waiting for its owner at GET /v1/keys/" + r.handle());
        assertThat(keys.authenticate(original.secret())).isEmpty();
        HttpResponse<String> denied = api.decision("u-1", OTHER_BUCKET, "X-Shadow-Key", original.secret());
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(RunningApi.json(denied).path("reason").asText()).isEqualTo("access key revoked or unknown");
        assertThat(api.store().keys(Assessments.TENANT, "u-1", "standby")).as("the next standby is ready")
                .hasSize(1).doesNotContain(r.handle());
    }

    @Test
    void theNewSecretIsCollectedOnceByItsOwner() {
        String newKey = rotation(api.handle(Assessments.risk(60).build())).handle();

        HttpResponse<String> first = api.get("/v1/keys/" + newKey, RunningApi.USER_U1);

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        JsonNode body = RunningApi.json(first);
        assertThat(body.path("key_id").asText()).isEqualTo(newKey);
        assertThat(body.path("collected_by").asText()).isEqualTo("u-1@acme.example");
        String secret = body.path("secret").asText();
        assertThat(keys.authenticate(secret)).hasValue("u-1");
        assertThat(api.decision("u-1", OTHER_BUCKET, "X-Shadow-Key", secret).statusCode()).isEqualTo(200);

        HttpResponse<String> second = api.get("/v1/keys/" + newKey, RunningApi.USER_U1);
        assertThat(second.statusCode()).isEqualTo(404);
        assertThat(RunningApi.json(second).path("error").asText()).isEqualTo("no uncollected key " + newKey
                + " (a rotated key's secret can be collected once)");
    }

    @Test
    void anotherUserCannotCollectTheNewSecret() {
        String newKey = rotation(api.handle(Assessments.risk(60).build())).handle();

        HttpResponse<String> r = api.get("/v1/keys/" + newKey, RunningApi.USER_U2);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
        assertThat(RunningApi.json(r).path("error").asText()).isEqualTo("key " + newKey
                + " is not yours (u-2); ask an operator");
        assertThat(api.get("/v1/keys/" + newKey, RunningApi.USER_U1).statusCode()).as("still there for its owner")
                .isEqualTo(200);
    }

    @Test
    void rejectingTheMitigationDoesNotBringTheOldKeyBack() {
        Outcome o = api.handle(Assessments.risk(60).build());
        String newKey = rotation(o).handle();

        assertThat(api.post("/v1/mitigations/" + o.mitigationId() + "/reject", RunningApi.OPERATOR, "").statusCode())
                .isEqualTo(200);

        assertThat(keys.authenticate(original.secret())).isEmpty();
        String secret = RunningApi.json(api.get("/v1/keys/" + newKey, RunningApi.OPERATOR)).path("secret").asText();
        assertThat(keys.authenticate(secret)).hasValue("u-1");
    }
}
