package io.shadow.mitigation.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.shadow.mitigation.Assessments;
import io.shadow.mitigation.LoggedWarnings;
import io.shadow.mitigation.ManualClock;
import io.shadow.mitigation.actuate.GatewayPolicy;
import io.shadow.mitigation.engine.Outcome;
import io.shadow.mitigation.profile.ProfileLoader;
import io.shadow.mitigation.store.ActionRecord;
import io.shadow.mitigation.store.AuditEntry;
import java.net.URISyntaxException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway's view: GET /v1/decision answers 200, 403 or 429 as mitigations come and go. */
class DecisionEndpointTest {
    private static final String OTHER_BUCKET = "s3://acme-public/site";

    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock(Assessments.T0);
    private RunningApi api;

    @AfterEach
    void stop() {
        if (api != null) {
            api.close();
        }
    }

    private RunningApi startWithDefaults() {
        api = RunningApi.start(dir, ProfileLoader.defaults(), clock);
        return api;
    }

    @Test
    void aLowBandRateLimitThrottlesThePrincipalPastTwentyRequestsAMinute() {
        startWithDefaults();
        RunningApi.assertVerdict(api.decision("u-1", Assessments.BUCKET), 200, "allow", "no rule applies");

        api.handle(Assessments.risk(40).build());

        for (int i = 1; i <= 20; i++) {
            assertThat(api.decision("u-1", Assessments.BUCKET).statusCode()).as("request %d", i).isEqualTo(200);
        }
        HttpResponse<String> throttled = api.decision("u-1", OTHER_BUCKET);
        RunningApi.assertVerdict(throttled, 429, "throttle", "rate limited");
        assertThat(throttled.headers().firstValue("Retry-After")).as("when the first of the 20 leaves the minute")
                .hasValue("60");
        assertThat(api.decision("u-2", Assessments.BUCKET).statusCode()).isEqualTo(200);

        clock.advance(Duration.ofSeconds(59));
        assertThat(api.decision("u-1", Assessments.BUCKET).statusCode()).as("still 20 in the last minute")
                .isEqualTo(429);
        clock.advance(Duration.ofSeconds(1));
        for (int i = 1; i <= 20; i++) {
            assertThat(api.decision("u-1", Assessments.BUCKET).statusCode()).as("next minute, request %d", i)
                    .isEqualTo(200);
        }
        assertThat(api.decision("u-1", Assessments.BUCKET).statusCode()).isEqualTo(429);
    }

    @Test
    void whatAGatewaySaysIsReadOnceAndAsUtf8() {
        startWithDefaults();
        api.handle(Assessments.risk(90).principal("j\u00fcrgen").on(io.shadow.features.ResourceType.DATA_STORAGE,
                "/b\u00fccher").build());
        // sent as UTF-8 bytes, as nginx sends the X-User it got and the decoded path
        Map.Entry<Integer, String> locked = api.rawDecision("X-Shadow-Tenant: acme", "X-Shadow-Principal: j\u00fcrgen");
        Map.Entry<Integer, String> shut = api.rawDecision("X-Shadow-Tenant: acme", "X-Shadow-Principal: bob",
                "X-Shadow-Resource: /b\u00fccher/2026.pdf");
        Map.Entry<Integer, String> other = api.rawDecision("X-Shadow-Tenant: acme", "X-Shadow-Principal: j\u00fcrgen2");

        assertThat(locked.getKey()).as(locked.getValue()).isEqualTo(403);
        assertThat(locked.getValue()).contains("\"reason\":\"user locked out\"");
        assertThat(shut.getKey()).as(shut.getValue()).isEqualTo(403);
        assertThat(shut.getValue()).contains("\"reason\":\"resource shut down\"");
        assertThat(other.getKey()).as(other.getValue()).isEqualTo(200);

        // a line a client slipped in before the gateway's own (nginx's decoded $uri holding %0d%0a)
        for (String twice : List.of("X-Shadow-Host", "X-Shadow-Key", "X-Shadow-Principal", "X-Shadow-Tenant",
                "X-Shadow-Resource", "X-Shadow-Throttle-Status")) {
            HttpResponse<String> r = api.decisionWith("X-Shadow-Tenant", "acme", "X-Shadow-Principal", "bob", twice, "a",
                    twice, "b");
            assertThat(r.statusCode()).as(twice + ": " + r.body()).isEqualTo(400);
            assertThat(RunningApi.json(r).path("error").asText()).startsWith(twice + " was sent ")
                    .contains(" times; a decision needs it once.");
        }
        HttpResponse<String> query = api.get("/v1/decision?tenant=acme&principal=bob&principal=j%C3%BCrgen",
                RunningApi.SERVICE);
        assertThat(query.statusCode()).as(query.body()).isEqualTo(400);
        assertThat(RunningApi.json(query).path("error").asText()).isEqualTo("query parameter 'principal' was given 2 "
                + "times; a decision needs it once");
        HttpResponse<String> both = api.get("/v1/decision?tenant=acme&principal=bob", RunningApi.SERVICE,
                "X-Shadow-Principal", "dave");
        assertThat(both.statusCode()).as(both.body()).isEqualTo(400);
        assertThat(RunningApi.json(both).path("error").asText()).isEqualTo("X-Shadow-Principal and the query "
                + "parameter 'principal' were both given; a decision needs one of them");
    }

    @Test
    void aMediumRestrictionDeniesOnlyTheMisusedResource() {
        startWithDefaults();
        api.handle(Assessments.risk(60).build());

        RunningApi.assertVerdict(api.decision("u-1", Assessments.BUCKET), 403, "deny", "restricted on " + Assessments.BUCKET);
        RunningApi.assertVerdict(api.decision("u-1", OTHER_BUCKET), 200, "allow", "no rule applies");
        RunningApi.assertVerdict(api.decision("u-2", Assessments.BUCKET), 200, "allow", "no rule applies");
    }

    @Test
    void anEmergencyLockOutDeniesEverywhereUntilRejected() {
        startWithDefaults();
        Outcome o = api.handle(Assessments.risk(90).build());

        RunningApi.assertVerdict(api.decision("u-1", OTHER_BUCKET), 403, "deny", "user locked out");
        RunningApi.assertVerdict(api.decision("u-2", Assessments.BUCKET), 403, "deny", "resource shut down");
        RunningApi.assertVerdict(api.decision("u-2", OTHER_BUCKET), 200, "allow", "no rule applies");

        HttpResponse<String> rejected = api.post("/v1/mitigations/" + o.mitigationId() + "/reject", RunningApi.OPERATOR,
                "{\"comment\": \"u-1 was cleaning up old reports\"}");

        assertThat(rejected.statusCode()).as(rejected.body()).isEqualTo(200);
        RunningApi.assertVerdict(api.decision("u-1", OTHER_BUCKET), 200, "allow", "no rule applies");
        RunningApi.assertVerdict(api.decision("u-1", Assessments.BUCKET), 200, "allow", "no rule applies");
        RunningApi.assertVerdict(api.decision("u-2", Assessments.BUCKET), 200, "allow", "no rule applies");
    }

    @Test
    void aDecisionWithoutATenantIsRefusedSoAMisconfiguredGatewayFailsClosed() {
        startWithDefaults();
        api.handle(Assessments.risk(90).build());
        RunningApi.assertVerdict(api.decisionWith("X-Shadow-Tenant", "acme", "X-Shadow-Principal", "u-1"), 403, "deny",
                "user locked out");

        for (HttpResponse<String> r : List.of(api.decisionWith("X-Shadow-Principal", "u-1"),
                api.decisionWith("X-Shadow-Tenant", " ", "X-Shadow-Principal", "u-1"))) {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat(r.headers().firstValue("X-Shadow-Decision")).as("no verdict to act on").isEmpty();
            assertThat(RunningApi.json(r).path("error").asText())
                    .startsWith("X-Shadow-Tenant header (or tenant query parameter) is required")
                    .contains("tenant ids are case-sensitive", "SHADOW_TENANT in docs/nginx-shadow.conf")
                    .as("the scorer refuses an event without a tenant unless told whose it is")
                    .contains("an event without one is scored only when scorer.default-tenant names its tenant")
                    .doesNotContain("belong to 'default'");
        }
        HttpResponse<String> commands = api.get("/v1/agent/commands?host=ws-17", RunningApi.AGENT);
        assertThat(commands.statusCode()).as(commands.body()).isEqualTo(400);
        assertThat(RunningApi.json(commands).path("error").asText())
                .isEqualTo("query parameter 'tenant' is required");
    }

    @Test
    void aTenantDifferingOnlyInCaseStillPassesButTheAnswerSaysSoAndTheLogWarnsOnce() {
        startWithDefaults();
        api.handle(Assessments.risk(90).build());
        String hint = "no rule applies to tenant 'ACME'; tenant 'acme' has 2 active rules (tenant ids are "
                + "case-sensitive: check the gateway's SHADOW_TENANT)";

        try (LoggedWarnings warnings = LoggedWarnings.of(GatewayPolicy.class)) {
            for (int i = 0; i < 3; i++) {
                RunningApi.assertVerdict(api.decisionWith("X-Shadow-Tenant", "ACME", "X-Shadow-Principal", "u-1"), 200, "allow",
                        hint);
            }
            RunningApi.assertVerdict(api.decisionWith("X-Shadow-Tenant", "Acme", "X-Shadow-Resource", OTHER_BUCKET), 200, "allow",
                    hint.replace("'ACME'", "'Acme'"));
            RunningApi.assertVerdict(api.decisionWith("X-Shadow-Tenant", "globex", "X-Shadow-Principal", "u-1"), 200, "allow",
                    "no rule applies");
            RunningApi.assertVerdict(api.decisionWith("X-Shadow-Tenant", "acme", "X-Shadow-Principal", "u-2", "X-Shadow-Resource",
                    OTHER_BUCKET), 200, "allow", "no rule applies");
            RunningApi.assertVerdict(api.decisionWith("X-Shadow-Tenant", "acme", "X-Shadow-Principal", "u-1"), 403, "deny",
                    "user locked out");

            assertThat(warnings.messages()).containsExactly(
                    hint + " (gateway rules exist for 1 tenant(s); did the gateway mean acme?)",
                    hint.replace("'ACME'", "'Acme'") + " (gateway rules exist for 1 tenant(s); did the gateway mean acme?)");
        }
    }

    @Test
    void anExpiredActionIsUndoneAndTheGatewayAllowsAgain() throws URISyntaxException {
        api = RunningApi.start(dir, ProfileLoader.load(Path.of(getClass().getResource("/profiles/short-expiry.yaml")
                .toURI())), clock);
        Outcome o = api.handle(Assessments.risk(60).build());
        assertThat(api.decision("u-1", Assessments.BUCKET).statusCode()).isEqualTo(403);

        assertThat(api.service().engine().expire()).as("nothing has lapsed yet").isZero();
        clock.advance(Duration.ofMillis(1500));
        int undone = api.service().engine().expire();

        assertThat(undone).isEqualTo(1);
        assertThat(api.store().actionsOf(o.mitigationId())).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo("restrict");
            assertThat(a.status()).isEqualTo(ActionRecord.EXPIRED);
            assertThat(a.undoneAt()).isEqualTo(clock.instant());
        });
        assertThat(api.service().engine().actuators().gateway().size()).isZero();
        assertThat(api.store().auditLog(o.mitigationId())).extracting(AuditEntry::action).contains("action.expired");
        RunningApi.assertVerdict(api.decision("u-1", Assessments.BUCKET), 200, "allow", "no rule applies");
        assertThat(api.service().engine().expire()).as("undone once").isZero();
    }
}
