package io.shadow.mitigation.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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

/** Bad requests get a JSON error that names the problem, and leave the store as it was. */
class RequestErrorsTest {
    @TempDir
    Path dir;
    private RunningApi api;

    @BeforeEach
    void start() {
        api = RunningApi.start(dir, ProfileLoader.defaults(), new ManualClock(Assessments.T0));
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private static String error(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/json"));
        JsonNode body = RunningApi.json(r);
        assertThat(body.path("status").asInt()).isEqualTo(status);
        return body.path("error").asText();
    }

    @Test
    void anAssessmentPostedOverHttpIsActedOn() throws Exception {
        String body = ServiceApp.JSON.writeValueAsString(Assessments.risk(40).build());

        HttpResponse<String> r = api.post("/v1/assessments", RunningApi.SERVICE, body);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(RunningApi.json(r).path("kind").asText()).isEqualTo("mitigated");
        assertThat(api.store().incidents(null, null, 10)).hasSize(1);
    }

    @Test
    void aBodyAnnouncedInAnotherCharsetIsRefusedWith415BeforeAnythingActs() throws Exception {
        io.shadow.mitigation.engine.Outcome o = api.handle(Assessments.risk(40).build());
        java.net.http.HttpRequest reject = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                + api.port() + "/v1/mitigations/" + o.mitigationId() + "/reject"))
                .header("Authorization", "Bearer " + RunningApi.OPERATOR)
                .header("Content-Type", "application/json; charset=ISO-8859-1")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray("{\"comment\": \"Ren\u00e9e's job\"}"
                        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))).build();

        assertThat(error(java.net.http.HttpClient.newHttpClient().send(reject,
                java.net.http.HttpResponse.BodyHandlers.ofString()), 415)).isEqualToIgnoringCase("the Content-Type says "
                        + "charset=ISO-8859-1, but Shadow reads request bodies as UTF-8 only; send the body in UTF-8 with "
                        + "charset=utf-8, or leave the charset out");
        assertThat(api.store().mitigation(o.mitigationId()).orElseThrow().status()).as("nothing acted")
                .isEqualTo(io.shadow.mitigation.store.Mitigation.APPLIED);
        assertThat(api.post("/v1/mitigations/" + o.mitigationId() + "/reject", RunningApi.OPERATOR,
                "{\"comment\": \"Ren\u00e9e's job\"}").statusCode()).as("UTF-8, as the client sends by default")
                .isEqualTo(200);
        assertThat(api.store().feedback()).singleElement().extracting(f -> f.comment()).isEqualTo("Ren\u00e9e's job");
    }

    @Test
    void malformedJsonIsABadRequestThatSaysWhatIsWrong() throws Exception {
        assertThat(error(api.post("/v1/assessments", RunningApi.SERVICE, "{\"anomaly\": "), 400))
                .isEqualTo("request body is not valid JSON for this endpoint: unexpected end of input at line 1, "
                        + "column 13: the JSON stops before an object, array or string is closed");
        String withTypo = ServiceApp.JSON.writeValueAsString(Assessments.risk(40).build())
                .replace("\"risk\":", "\"riks\":");
        assertThat(error(api.post("/v1/assessments", RunningApi.SERVICE, withTypo), 400))
                .startsWith("request body is not valid JSON for this endpoint: unknown field 'riks' at line 1, ")
                .endsWith("; known fields: [anomaly, risk]");
        assertThat(error(api.post("/v1/assessments", RunningApi.SERVICE, "{}"), 400))
                .isEqualTo("body must be an assessment: {\"anomaly\": {...}, \"risk\": {...}}");
        assertThat(api.store().incidents(null, null, 10)).isEmpty();
    }

    @Test
    void aBodyThatIsNotExactlyOneJsonObjectWithEachFieldOnceIsRefusedInPlainWords() throws Exception {
        Outcome o = api.handle(Assessments.risk(40).build());
        String notJson = "request body is not valid JSON for this endpoint: ";
        String send = "; send a JSON object such as {\"comment\": \"...\"}";

        assertThat(error(api.decide(o.mitigationId(), "approve", "{\"comment\": \"ok\"} {\"comment\": \"x\"}"), 400))
                .isEqualTo(notJson + "more than one JSON value: another one follows the first at line 1, column 19; "
                        + "the body must be exactly one" + send);
        assertThat(error(api.decide(o.mitigationId(), "reject", "{\"comment\": \"a\", \"comment\": \"b\"}"), 400))
                .isEqualTo(notJson + "field 'comment' appears twice at line 1, column 27; which one was meant is "
                        + "unknown, so send each field once" + send);
        assertThat(error(api.decide(o.mitigationId(), "approve", "{\"comment\":"), 400))
                .isEqualTo(notJson + "unexpected end of input at line 1, column 12: the JSON stops before an object, "
                        + "array or string is closed" + send);
        assertThat(error(api.decide(o.mitigationId(), "approve", "{"), 400))
                .startsWith(notJson + "unexpected end of input at line 1, column 2: ")
                .doesNotContain("Source", "REDACTED", "StreamReadFeature");
        assertThat(error(api.decide(o.mitigationId(), "approve", "{comment: 1}"), 400))
                .startsWith(notJson + "unexpected character ('c' (code 99)): was expecting double-quote to start "
                        + "field name at line 1, column 2" + send);
        assertThat(error(api.decide(o.mitigationId(), "modify", "{\"actions\": [{\"type\": \"log\"}], "
                + "\"actions\": [{\"type\": \"log\"}]}"), 400)).startsWith(notJson + "field 'actions' appears twice");
        assertThat(error(api.post("/v1/keys", RunningApi.ADMIN, "{\"tenant\": \"acme\", \"principal\": \"alice\", "
                + "\"principal\": \"mallory\"}"), 400)).startsWith(notJson + "field 'principal' appears twice");
        String assessment = ServiceApp.JSON.writeValueAsString(Assessments.risk(40).principal("u-9").build());
        assertThat(error(api.post("/v1/assessments", RunningApi.SERVICE, assessment + " " + assessment), 400))
                .startsWith(notJson + "more than one JSON value");

        assertThat(api.store().mitigation(o.mitigationId()).orElseThrow().status()).isEqualTo(Mitigation.APPLIED);
        assertThat(api.store().feedback()).isEmpty();
        assertThat(api.store().incidents(null, "u-9", 10)).isEmpty();
        assertThat(api.store().auditLog(null)).extracting(a -> a.action()).doesNotContain("key.issued");
    }

    @Test
    void aBodyOverTheServerSizeLimitIsRefused() {
        String tooBig = "{\"pad\": \"" + "x".repeat((int) RunningApi.MAX_REQUEST_BYTES) + "\"}";

        assertThat(error(api.postChunked("/v1/assessments", RunningApi.SERVICE, tooBig), 413))
                .isEqualTo("request body larger than " + RunningApi.MAX_REQUEST_BYTES + " bytes; send smaller batches");
    }

    @Test
    void anUnknownRouteIsAJson404() {
        assertThat(error(api.get("/v1/nope", RunningApi.OPERATOR), 404)).isEqualTo("no route GET /v1/nope");
        assertThat(error(api.get("/v1/incidents/inc-nope", RunningApi.OPERATOR), 404)).isEqualTo("no incident inc-nope");
    }

    @Test
    void aKnownPathCalledWithAnotherMethodIs405WithTheAllowedMethods() {
        HttpResponse<String> delete = api.send("DELETE", "/v1/incidents", RunningApi.OPERATOR);
        assertThat(error(delete, 405)).isEqualTo("method DELETE is not allowed on /v1/incidents; allowed: GET");
        assertThat(delete.headers().firstValue("Allow")).hasValue("GET");

        HttpResponse<String> get = api.get("/v1/mitigations/mit-x/approve", RunningApi.OPERATOR);
        assertThat(error(get, 405)).isEqualTo("method GET is not allowed on /v1/mitigations/mit-x/approve; "
                + "allowed: POST");
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");
        assertThat(error(api.send("PUT", "/v1/nope", RunningApi.OPERATOR), 404)).isEqualTo("no route PUT /v1/nope");
    }

    @Test
    void incidentsAreListedWithADefaultLimit() {
        api.handle(Assessments.risk(40).build());
        api.handle(Assessments.risk(40).principal("u-2").build());

        HttpResponse<String> r = api.get("/v1/incidents", RunningApi.OPERATOR);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(RunningApi.json(r)).hasSize(2);
        assertThat(RunningApi.json(api.get("/v1/incidents?limit=1", RunningApi.OPERATOR))).hasSize(1);
        assertThat(api.get("/v1/incidents?limit=0", RunningApi.OPERATOR).statusCode()).isEqualTo(400);
    }

    @Test
    void aBadNumberInTheQueryOrPathNamesTheParameterTheValueAndTheRange() {
        assertThat(error(api.get("/v1/incidents?limit=abc", RunningApi.OPERATOR), 400))
                .isEqualTo("query parameter 'limit' must be a whole number from 1 to 1000 (got 'abc')");
        assertThat(error(api.get("/v1/history/users/u-1?limit=99999999999", RunningApi.OPERATOR), 400))
                .isEqualTo("query parameter 'limit' must be a whole number from 1 to 1000 (got '99999999999')");
        assertThat(error(api.get("/v1/history/resources?id=s3://b&limit=0", RunningApi.OPERATOR), 400))
                .isEqualTo("query parameter 'limit' must be a whole number from 1 to 1000 (got '0')");
        assertThat(error(api.get("/v1/profiles/versions/abc", RunningApi.OPERATOR), 400))
                .isEqualTo("path parameter 'version' must be a whole number from 1 to 2147483647 (got 'abc')");
    }

    @Test
    void aMisspeltFieldInADecisionIsRefusedNamingItAndTheKnownOnesAndNothingIsDecided() {
        Outcome o = api.handle(Assessments.risk(40).build());

        assertThat(error(api.decide(o.mitigationId(), "approve", "{\"coment\": \"typo\"}"), 400)).isEqualTo(
                "unknown field 'coment' in the body of approve; known fields: [comment]; nothing was changed");
        assertThat(error(api.decide(o.mitigationId(), "reject", "{\"comment\": \"x\", \"actions\": []}"), 400))
                .isEqualTo("unknown field 'actions' in the body of reject; known fields: [comment]; nothing was "
                        + "changed");
        assertThat(error(api.decide(o.mitigationId(), "modify", "{\"action\": [{\"type\": \"log\"}]}"), 400))
                .isEqualTo("unknown field 'action' in the body of modify; known fields: [actions, comment]; nothing "
                        + "was changed");

        assertThat(api.store().mitigation(o.mitigationId()).orElseThrow().status()).isEqualTo(Mitigation.APPLIED);
        assertThat(api.store().feedback()).isEmpty();
    }

    @Test
    void anAgentAckWithAFieldShadowDoesNotKnowIsRecordedNotRefused() {
        api.handle(Assessments.risk(60).principal("u-3").on(ResourceType.PROCESS, "/usr/bin/xmrig")
                .process(4242, 98765).build());
        String commands = "/v1/agent/commands?tenant=acme&host=ws-17";
        String cmd = RunningApi.json(api.get(commands, RunningApi.AGENT)).get(0).path("id").asText();

        // a newer agent's extra field: refusing it would lose the acknowledgement for good (its idempotency
        // key would replay the refusal), and the command would stay pending
        HttpResponse<String> r = api.post("/v1/agent/commands/" + cmd + "/ack", RunningApi.AGENT,
                "{\"ok\": true, \"pid\": [42], \"exit_code\": 0}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(RunningApi.json(api.get(commands, RunningApi.AGENT)))
                .noneMatch(c -> c.path("id").asText().equals(cmd));
        assertThat(error(api.post("/v1/agent/commands/x/ack", RunningApi.AGENT, "[1]"), 400))
                .startsWith("the body of an agent ack must be a JSON object");
    }

    @Test
    void anAgentAckWithoutABooleanOkIsRefusedAndTheCommandStaysPending() {
        api.handle(Assessments.risk(60).principal("u-3").on(ResourceType.PROCESS, "/usr/bin/xmrig")
                .process(4242, 98765).build());
        String commands = "/v1/agent/commands?tenant=acme&host=ws-17";
        String cmd = null;
        for (JsonNode c : RunningApi.json(api.get(commands, RunningApi.AGENT))) {
            if (c.path("action").asText().equals("isolate_host")) {
                cmd = c.path("id").asText();
            }
        }
        assertThat(cmd).as("an isolate_host command is pending").isNotNull();
        String ack = "/v1/agent/commands/" + cmd + "/ack";

        for (String[] c : new String[][] {
            {"{\"ok\": \"no\", \"detail\": \"nft missing\"}", "\"no\""},
            {"{\"detial\": \"typo\"}", "no 'ok'"},
            {"{}", "no 'ok'"},
            {"", "no 'ok'"},
            {"{\"ok\": \"true\"}", "\"true\""},
            {"{\"ok\": 1}", "1"},
            {"{\"ok\": null}", "null"}}) {
            assertThat(error(api.post(ack, RunningApi.AGENT, c[0]), 400)).as(c[0]).isEqualTo("'ok' is required and "
                    + "must be a JSON boolean, true when the agent carried the command out and false when it could not "
                    + "(got " + c[1] + "); send e.g. {\"ok\": false, \"detail\": \"nft missing\"}; command " + cmd
                    + " stays pending");
        }
        String pending = cmd;
        assertThat(RunningApi.json(api.get(commands, RunningApi.AGENT))).as("not acknowledged")
                .anyMatch(c -> c.path("id").asText().equals(pending));

        HttpResponse<String> failed = api.post(ack, RunningApi.AGENT, "{\"ok\": false, \"detail\": \"nft missing\"}");
        assertThat(failed.statusCode()).as(failed.body()).isEqualTo(200);
        assertThat(RunningApi.json(failed).path("status").asText()).isEqualTo("failed");
        assertThat(api.service().engine().actuators().agents().get(cmd).orElseThrow().status()).isEqualTo("failed");

        // what a reviewer sees: the action says it was not carried out, and the operators are told
        String mitigation = api.store().mitigations().get(0).mitigationId();
        assertThat(api.store().actionsOf(mitigation)).filteredOn(r -> r.type().equals("isolate_host"))
                .singleElement().satisfies(r -> assertThat(r.detail()).endsWith("; isolate_host was NOT carried "
                        + "out on host ws-17: its agent reported nft missing"));
        assertThat(api.store().auditLog(mitigation)).extracting(AuditEntry::action).contains("action.agent_failed");
        assertThat(api.store().notifications(null)).filteredOn(n -> n.kind().equals("action_failed"))
                .singleElement().satisfies(n -> {
                    assertThat(n.recipient()).isEqualTo("security-operators");
                    assertThat(n.subject()).isEqualTo("Action not carried out: isolate_host on host ws-17");
                    assertThat(n.body()).contains("isolate_host was NOT carried out on host ws-17: its agent "
                            + "reported nft missing (command " + pending + ")");
                });
    }

    @Test
    void aReversalTheAgentCouldNotCarryOutIsShownWithTheActionItShouldHaveTakenBack() {
        Outcome o = api.handle(Assessments.risk(60).principal("u-3").on(ResourceType.PROCESS, "/usr/bin/xmrig")
                .process(4242, 98765).build());
        String commands = "/v1/agent/commands?tenant=acme&host=ws-17";
        String isolate = pendingCommand(commands, "isolate_host");
        assertThat(api.post("/v1/agent/commands/" + isolate + "/ack", RunningApi.AGENT, "{\"ok\": true}")
                .statusCode()).isEqualTo(200);
        assertThat(api.decide(o.mitigationId(), "reject", "").statusCode()).isEqualTo(200);
        String release = pendingCommand(commands, "release_host");

        HttpResponse<String> failed = api.post("/v1/agent/commands/" + release + "/ack", RunningApi.AGENT,
                "{\"ok\": false, \"detail\": \"nft: permission denied\"}");

        assertThat(failed.statusCode()).as(failed.body()).isEqualTo(200);
        assertThat(api.store().actionsOf(o.mitigationId())).filteredOn(r -> r.type().equals("isolate_host"))
                .singleElement().satisfies(r -> assertThat(r.detail()).endsWith("; its reversal release_host was NOT "
                        + "carried out on host ws-17, so isolate_host is still in force there although Shadow undid "
                        + "it: its agent reported nft: permission denied; take it back by hand"));
        assertThat(api.store().notifications(null)).filteredOn(n -> n.kind().equals("action_failed"))
                .singleElement().satisfies(n -> assertThat(n.subject())
                        .isEqualTo("Undo not carried out: isolate_host still in force on host ws-17"));
    }

    private String pendingCommand(String commands, String action) {
        for (JsonNode c : RunningApi.json(api.get(commands, RunningApi.AGENT))) {
            if (c.path("action").asText().equals(action)) {
                return c.path("id").asText();
            }
        }
        throw new AssertionError("no pending " + action + " command");
    }

    @Test
    void aCorrectedAgentAckIsTakenUnderTheIdempotencyKeyOfTheAckItCorrects() {
        api.handle(Assessments.risk(60).principal("u-3").on(ResourceType.PROCESS, "/usr/bin/xmrig")
                .process(4242, 98765).build());
        String commands = "/v1/agent/commands?tenant=acme&host=ws-17";
        List<String> pending = new java.util.ArrayList<>();
        RunningApi.json(api.get(commands, RunningApi.AGENT)).forEach(c -> pending.add(c.path("id").asText()));
        assertThat(pending).hasSizeGreaterThanOrEqualTo(2);

        // as the shipped CommandExecutor does: one key per command, "ack-<commandId>", on every try
        for (int i = 0; i < 2; i++) {
            String cmd = pending.get(i);
            String ack = "/v1/agent/commands/" + cmd + "/ack";
            String bad = i == 0 ? "{\"ok\": \"no\"}" : "{\"ok\": true, \"ok\": false}";
            assertThat(api.post(ack, RunningApi.AGENT, bad, Idempotency.HEADER, "ack-" + cmd).statusCode()).as(bad)
                    .isEqualTo(400);

            HttpResponse<String> corrected = api.post(ack, RunningApi.AGENT, "{\"ok\": false, \"detail\": \"nft "
                    + "missing\"}", Idempotency.HEADER, "ack-" + cmd);

            assertThat(corrected.statusCode()).as(bad + " then corrected: " + corrected.body()).isEqualTo(200);
            assertThat(api.service().engine().actuators().agents().get(cmd).orElseThrow().status())
                    .isEqualTo("failed");
            HttpResponse<String> again = api.post(ack, RunningApi.AGENT, "{\"ok\": false, \"detail\": \"nft "
                    + "missing\"}", Idempotency.HEADER, "ack-" + cmd);
            assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
            assertThat(again.headers().firstValue("Idempotent-Replayed")).as("acknowledged once").hasValue("true");
        }
    }

    @Test
    void aModifyActionWithoutATypeIsRefusedSayingTheTypeIsRequiredAndItsValues() {
        Outcome o = api.handle(Assessments.risk(40).build());

        for (String action : List.of("{\"params\": {\"per_minute\": \"5\"}}", "{\"type\": \"\"}",
                "{\"type\": null}")) {
            assertThat(error(api.decide(o.mitigationId(), "modify", "{\"actions\": [" + action + "]}"), 400))
                    .as(action).isEqualTo("modify refused, nothing was undone or recorded: actions[0].type: required; "
                            + "one of [log, rate_limit, restrict, lock_user, shutdown_resource, isolate_host, "
                            + "suspend_process, kill_process, rotate_keys, encrypt_data, rollback_table, "
                            + "notify_external]");
        }
        assertThat(api.store().mitigation(o.mitigationId()).orElseThrow().status()).isEqualTo(Mitigation.APPLIED);
    }

    @Test
    void aModifyNamingTheSameActionTwiceIsRefusedWithNothingUndone() {
        Outcome o = api.handle(Assessments.risk(40).build()); // throttle: log, rate_limit
        List<String> before = api.store().actionsOf(o.mitigationId()).stream().map(a -> a.type() + " " + a.status())
                .toList();

        String twoRates = "{\"actions\": [{\"type\": \"log\"}, {\"type\": \"rate_limit\", \"params\": {\"per_minute\": "
                + "\"5\"}}, {\"type\": \"rate_limit\", \"params\": {\"per_minute\": \"9\"}}]}";
        assertThat(error(api.decide(o.mitigationId(), "modify", twoRates), 400)).isEqualTo("modify refused, nothing "
                + "was undone or recorded: actions[2] (rate_limit) repeats actions[1]: a mitigation holds one "
                + "rate_limit; give it once, with the params and expires it should have");
        assertThat(api.store().actionsOf(o.mitigationId()).stream().map(a -> a.type() + " " + a.status()).toList())
                .isEqualTo(before);
    }

    @Test
    void anUnknownProfilesVersionFormatIsRefusedNamingTheFormatsThereAre() {
        assertThat(error(api.get("/v1/profiles/versions/1?format=xml", RunningApi.OPERATOR), 400))
                .isEqualTo("query parameter 'format' must be json or yaml (got 'xml')");

        HttpResponse<String> json = api.get("/v1/profiles/versions/1?format=json", RunningApi.OPERATOR);
        assertThat(json.statusCode()).as(json.body()).isEqualTo(200);
        assertThat(RunningApi.json(json).path("version").asInt()).isEqualTo(1);
    }
}
