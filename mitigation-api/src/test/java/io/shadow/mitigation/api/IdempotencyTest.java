package io.shadow.mitigation.api;

import io.shadow.mitigation.OnEveryBackend;
import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.mitigation.Assessments;
import io.shadow.mitigation.ManualClock;
import io.shadow.mitigation.engine.Outcome;
import io.shadow.mitigation.profile.ProfileLoader;
import io.shadow.mitigation.store.AuditEntry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Idempotency-Key: the same key gets the same answer and acts once; it survives a restart. */
class IdempotencyTest extends OnEveryBackend {
    private RunningApi api;
    private Outcome low;

    @BeforeEach
    void start() {
        api = RunningApi.start(store(), ProfileLoader.defaults(), new ManualClock(Assessments.T0));
        low = api.handle(Assessments.risk(40).build());
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private HttpResponse<String> post(String path, String token, String key, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port()
                + path)).header("Authorization", "Bearer " + token).header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private long audited(String action) {
        return api.store().auditLog(null).stream().map(AuditEntry::action).filter(action::equals).count();
    }

    @Test
    void aRepeatedRejectWithTheSameKeyGetsTheSameAnswerAndUndoesOnce() throws Exception {
        String path = "/v1/mitigations/" + low.mitigationId() + "/reject";
        HttpResponse<String> first = post(path, RunningApi.OPERATOR, "k-1", "{\"comment\": \"false alarm\"}");
        HttpResponse<String> again = post(path, RunningApi.OPERATOR, "k-1", "{\"comment\": \"false alarm\"}");

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(api.store().feedback()).hasSize(1);
        assertThat(audited("mitigation.reject")).isEqualTo(1);
        assertThat(audited("action.undone")).as("rate_limit and log undone once").isEqualTo(2);

        HttpResponse<String> noKey = api.post(path, RunningApi.OPERATOR, "{\"comment\": \"false alarm\"}");
        assertThat(noKey.statusCode()).as("without a key it is a new request").isEqualTo(409);
    }

    @Test
    void anErrorAnswerIsReplayedTooAndAReusedKeyForAnotherRequestIsRefused() throws Exception {
        HttpResponse<String> missing = post("/v1/mitigations/mit-nope/approve", RunningApi.OPERATOR, "k-2", "");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(post("/v1/mitigations/mit-nope/approve", RunningApi.OPERATOR, "k-2", "").body())
                .isEqualTo(missing.body());

        HttpResponse<String> reused = post("/v1/mitigations/" + low.mitigationId() + "/approve", RunningApi.OPERATOR,
                "k-2", "");
        assertThat(reused.statusCode()).isEqualTo(422);
        assertThat(RunningApi.json(reused).path("error").asText()).isEqualTo("Idempotency-Key 'k-2' was used for a "
                + "different request; use a new key for a new operation");
        assertThat(post("/v1/mitigations/" + low.mitigationId() + "/approve", RunningApi.USER_U1, "k-2", "")
                .statusCode()).as("keys are per caller").isEqualTo(200);
    }

    @Test
    void keysSurviveARestart() throws Exception {
        String path = "/v1/mitigations/" + low.mitigationId() + "/approve";
        HttpResponse<String> first = post(path, RunningApi.OPERATOR, "k-3", "");
        api.close();
        api = RunningApi.start(store(), ProfileLoader.defaults(), new ManualClock(Assessments.T0));

        HttpResponse<String> again = post(path, RunningApi.OPERATOR, "k-3", "");

        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(api.store().feedback()).hasSize(1);
    }
}
