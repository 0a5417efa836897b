package io.shadow.mitigation.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.features.ResourceType;
import io.shadow.mitigation.Assessments;
import io.shadow.mitigation.ManualClock;
import io.shadow.mitigation.engine.Outcome;
import io.shadow.mitigation.profile.ProfileLoader;
import io.shadow.mitigation.store.AuditEntry;
import io.shadow.mitigation.store.Mitigation;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a client sends is bounded before it is stored and shown back to everyone: comments are
 * strings of at most 2,000 characters, decision bodies at most 64 KiB, an agent's detail is cut,
 * and an assessment the store cannot hold is refused before anything acts.
 */
class RequestLimitsTest {
    @TempDir
    Path dir;
    private RunningApi api;
    private Outcome low;

    @BeforeEach
    void start() {
        api = RunningApi.start(dir, ProfileLoader.defaults(), new ManualClock(Assessments.T0));
        low = api.handle(Assessments.risk(40).build());
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private HttpResponse<String> decide(String what, String body) {
        return api.decide(low.mitigationId(), what, body);
    }

    private static String error(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return RunningApi.json(r).path("error").asText();
    }

    private void assertNothingDecided() {
        assertThat(api.store().mitigation(low.mitigationId()).orElseThrow().status()).isEqualTo(Mitigation.APPLIED);
        assertThat(api.store().feedback()).isEmpty();
        assertThat(api.store().auditLog(low.mitigationId())).extracting(AuditEntry::action)
                .noneMatch(a -> a.startsWith("mitigation.") && !a.equals("mitigation.applied"));
        assertThat(api.service().engine().actuators().gateway().size()).as("the rate limit stays").isEqualTo(1);
    }

    @Test
    void aCommentIsAStringOfAtMost2000Characters() {
        String tooLong = "x".repeat(RequestLimits.MAX_COMMENT_CHARS + 1);
        String modifyActions = "\"actions\": [{\"type\": \"log\"}]";
        for (String what : List.of("approve", "reject", "modify")) {
            String actions = what.equals("modify") ? ", " + modifyActions : "";
            assertThat(error(decide(what, "{\"comment\": 5" + actions + "}"), 400)).as(what)
                    .isEqualTo("'comment' must be a string of at most 2000 characters, got a number");
            assertThat(error(decide(what, "{\"comment\": [\"a\"]" + actions + "}"), 400)).as(what)
                    .isEqualTo("'comment' must be a string of at most 2000 characters, got an array");
            assertThat(error(decide(what, "{\"comment\": \"" + tooLong + "\"" + actions + "}"), 400)).as(what)
                    .isEqualTo("'comment' is 2001 characters long; at most 2000 are allowed: shorten it "
                            + "(link to longer notes); nothing was changed");
        }
        assertNothingDecided();

        String longest = "é".repeat(RequestLimits.MAX_COMMENT_CHARS);
        HttpResponse<String> ok = decide("approve", "{\"comment\": \"" + longest + "\"}");

        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(api.store().feedback()).singleElement().satisfies(fb -> assertThat(fb.comment()).isEqualTo(longest));
    }

    @Test
    void aDecisionBodyIsLimitedFarBelowTheServerLimit() {
        String big = "{\"comment\": \"" + "x".repeat(RequestLimits.MAX_JSON_BYTES) + "\"}";
        assertThat(big.length()).isLessThan((int) RunningApi.MAX_REQUEST_BYTES);

        assertThat(error(decide("approve", big), 413)).isEqualTo("request body larger than 65536 bytes, the limit of "
                + "POST /v1/mitigations/" + low.mitigationId() + "/approve; see docs/api.md for the limits of each field");
        assertThat(error(api.postChunked("/v1/mitigations/" + low.mitigationId() + "/reject", RunningApi.OPERATOR,
                big), 413)).as("without a declared length too").startsWith("request body larger than 65536 bytes");
        assertThat(error(api.post("/v1/assessments", RunningApi.SERVICE, big), 413))
                .startsWith("request body larger than 65536 bytes");
        assertNothingDecided();

        HttpResponse<String> small = api.postChunked("/v1/mitigations/" + low.mitigationId() + "/approve",
                RunningApi.OPERATOR, "{\"comment\": \"read after the size check\"}");
        assertThat(small.statusCode()).as(small.body()).isEqualTo(200);
        assertThat(api.store().feedback()).singleElement()
                .satisfies(fb -> assertThat(fb.comment()).isEqualTo("read after the size check"));
    }

    @Test
    void aModifyTakesAtMost20Actions() {
        String actions = String.join(", ", java.util.Collections.nCopies(21, "{\"type\": \"log\"}"));

        assertThat(error(decide("modify", "{\"actions\": [" + actions + "]}"), 400))
                .isEqualTo("modify takes at most 20 actions, got 21; nothing was changed");
        assertNothingDecided();
    }

    @Test
    void anAgentsLongDetailIsCutNotRefusedSoTheAcknowledgementIsNotLost() throws Exception {
        api.handle(Assessments.risk(60).principal("u-3").on(ResourceType.PROCESS, "/usr/bin/xmrig")
                .process(4242, 98765).build());
        String cmd = RunningApi.json(api.get("/v1/agent/commands?tenant=acme&host=ws-17", RunningApi.AGENT))
                .get(0).path("id").asText();

        assertThat(error(api.post("/v1/agent/commands/" + cmd + "/ack", RunningApi.AGENT,
                "{\"ok\": false, \"detail\": {\"why\": \"nft\"}}"), 400))
                .isEqualTo("'detail' must be a string (what the agent did or why it could not)");
        HttpResponse<String> ack = api.post("/v1/agent/commands/" + cmd + "/ack", RunningApi.AGENT,
                "{\"ok\": false, \"detail\": \"" + "y".repeat(5000) + "\"}");

        assertThat(ack.statusCode()).as(ack.body()).isEqualTo(200);
        String result = api.service().engine().actuators().agents().get(cmd).orElseThrow().result();
        String detail = ServiceApp.JSON.readTree(result).path("detail").asText();
        assertThat(detail).hasSize(RequestLimits.MAX_ACK_DETAIL_CHARS).endsWith("y…");
    }

    @Test
    void anAssessmentWithTheLongestValuesTheStoreTakesIsRecordedWithItsActions() throws Exception {
        // each field within its column, the action's target and the notification's subject, composed of
        // them, longer than 512 characters
        String principal = "u-" + "p".repeat(250);
        String bucket = "s3://acme-finance/" + "x".repeat(490);
        String body = ServiceApp.JSON.writeValueAsString(Assessments.risk(60).principal(principal)
                .host("h-" + "h".repeat(250)).on(io.shadow.features.ResourceType.DATA_STORAGE, bucket).build());

        HttpResponse<String> r = api.post("/v1/assessments", RunningApi.SERVICE, body);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String mitigation = RunningApi.json(r).path("mitigationId").asText();
        assertThat(api.store().actionsOf(mitigation)).isNotEmpty()
                .allSatisfy(a -> assertThat(a.target()).hasSizeGreaterThan(512).contains(bucket));
    }

    @Test
    void anAssessmentTheStoreCannotHoldIsRefusedBeforeAnythingActs() throws Exception {
        String longName = "u-" + "9".repeat(300);
        String body = ServiceApp.JSON.writeValueAsString(Assessments.risk(90).principal(longName).build());
        int rulesBefore = api.service().engine().actuators().gateway().size();

        assertThat(error(api.post("/v1/assessments", RunningApi.SERVICE, body), 400)).isEqualTo("assessment refused, "
                + "nothing was done: anomaly.entity.id is 302 characters long; the store holds at most 256; "
                + "anomaly.principal is 302 characters long; the store holds at most 256");
        assertThat(api.service().engine().actuators().gateway().size()).as("no lock-out without a record")
                .isEqualTo(rulesBefore);
        assertThat(api.store().incidents(null, null, 10)).hasSize(1);
    }
}
