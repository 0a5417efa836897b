package io.shadow.mitigation.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.shadow.mitigation.Assessments;
import io.shadow.mitigation.ManualClock;
import io.shadow.mitigation.engine.Outcome;
import io.shadow.mitigation.profile.ProfileLoader;
import io.shadow.mitigation.store.Mitigation;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bearer tokens, roles per route, and users seeing only incidents about themselves. */
class AuthorizationTest {
    @TempDir
    Path dir;
    private RunningApi api;
    private Outcome ofU1;
    private Outcome ofU2;

    @BeforeEach
    void start() {
        api = RunningApi.start(dir, ProfileLoader.defaults(), new ManualClock(Assessments.T0));
        ofU1 = api.handle(Assessments.risk(40).build());
        ofU2 = api.handle(Assessments.risk(40).principal("u-2").build());
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private static void assertError(HttpResponse<String> r, int status, String message) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode body = RunningApi.json(r);
        assertThat(body.path("status").asInt()).isEqualTo(status);
        assertThat(body.path("error").asText()).isEqualTo(message);
    }

    @Test
    void aRequestWithoutAKnownTokenIsUnauthorized() {
        assertError(api.get("/v1/incidents", null), 401, "missing 'Authorization: Bearer <token>' header");
        assertError(api.get("/v1/incidents", "not-a-token-we-ever-issued"), 401, "unknown token");
        assertThat(api.get("/health", null).statusCode()).as("health needs no token").isEqualTo(200);
    }

    @Test
    void a401NamesTheBearerSchemeAndSaysWhenTheTokenIsUnknown() {
        assertThat(api.get("/v1/incidents", null).headers().firstValue("WWW-Authenticate"))
                .as("RFC 6750: no error code when no token was sent").hasValue("Bearer realm=\"shadow\"");
        assertThat(api.get("/v1/incidents", null, "Authorization", "Basic b2xnYTpzZWNyZXQ=").headers()
                .firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"shadow\"");
        assertThat(api.get("/v1/incidents", null, "Authorization", "Bearer").headers()
                .firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"shadow\", error=\"invalid_request\"");
        assertThat(api.get("/v1/incidents", "not-a-token-we-ever-issued").headers().firstValue("WWW-Authenticate"))
                .hasValue("Bearer realm=\"shadow\", error=\"invalid_token\", error_description=\"unknown token\"");
        HttpResponse<String> forbidden = api.get("/v1/feedback", RunningApi.USER_U1);
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(forbidden.headers().firstValue("WWW-Authenticate")).as("a known token: not a 401").isEmpty();
    }

    @Test
    void everyAnswerIsToldToTheRequestObserverByRouteTemplateRefusalsIncluded() {
        api.answered.clear();
        assertThat(api.decision("u-1", "s3://finance").statusCode()).isEqualTo(200);
        assertThat(api.get("/v1/decision", "not-a-token-we-ever-issued").statusCode()).isEqualTo(401);
        assertThat(api.get("/v1/incidents/" + ofU1.incidentId(), RunningApi.OPERATOR).statusCode()).isEqualTo(200);
        assertThat(api.get("/v1/feedback", RunningApi.USER_U1).statusCode()).isEqualTo(403);
        assertThat(api.get("/no/such/route", RunningApi.OPERATOR).statusCode()).isEqualTo(404);
        assertThat(api.answered).containsExactly("GET /v1/decision 200", "GET /v1/decision 401",
                "GET /v1/incidents/{id} 200", "GET /v1/feedback 403", "GET unmatched 404");
    }

    @Test
    void aTokenSentWithoutTheBearerSchemeIsRefusedSayingTheSchemeIsMissing() {
        assertError(api.get("/v1/incidents", null, "Authorization", RunningApi.OPERATOR), 401,
                "the Authorization header has no 'Bearer ' scheme; send 'Authorization: Bearer <token>'");
        assertError(api.get("/v1/incidents", null, "Authorization", "Basic b2xnYTpzZWNyZXQ="), 401,
                "the Authorization header has the scheme 'Basic'; send 'Authorization: Bearer <token>'");
        assertThat(api.get("/v1/incidents", null, "Authorization", "bearer " + RunningApi.OPERATOR).statusCode())
                .as("the scheme is case-insensitive (RFC 9110)").isEqualTo(200);
    }

    @Test
    void anAgentTokenBoundToAHostSeesAndAcknowledgesOnlyThatHostsCommands() {
        api.handle(Assessments.risk(60).principal("u-3").on(io.shadow.features.ResourceType.PROCESS,
                "/usr/bin/xmrig").process(4242, 98765).build());
        String cmd = RunningApi.json(api.get("/v1/agent/commands?tenant=acme&host=ws-17", RunningApi.AGENT))
                .get(0).path("id").asText();

        assertError(api.get("/v1/agent/commands?tenant=acme&host=ws-17", RunningApi.AGENT_WS99), 403,
                "agent token 'agent-ws-99' is bound to host ws-99 and may not read or acknowledge the commands of "
                        + "host ws-17");
        assertError(api.post("/v1/agent/commands/" + cmd + "/ack", RunningApi.AGENT_WS99, "{\"ok\": true}"), 403,
                "agent token 'agent-ws-99' is bound to host ws-99 and may not read or acknowledge the commands of "
                        + "host ws-17");
        assertThat(RunningApi.json(api.get("/v1/agent/commands?tenant=acme&host=ws-99", RunningApi.AGENT_WS99)))
                .isEmpty();
        assertThat(RunningApi.json(api.get("/v1/agent/commands?tenant=acme&host=ws-17", RunningApi.AGENT)))
                .as("still pending for the right agent").anyMatch(c -> c.path("id").asText().equals(cmd));
    }

    @Test
    void aUserSeesOnlyIncidentsAboutThemselves() {
        JsonNode mine = RunningApi.json(api.get("/v1/incidents", RunningApi.USER_U1));
        JsonNode mineByName = RunningApi.json(api.get("/v1/incidents?principal=u-1", RunningApi.USER_U1));
        JsonNode all = RunningApi.json(api.get("/v1/incidents", RunningApi.OPERATOR));
        JsonNode filtered = RunningApi.json(api.get("/v1/incidents?principal=u-2", RunningApi.OPERATOR));

        assertThat(mine).extracting(i -> i.path("incidentId").asText()).containsExactly(ofU1.incidentId());
        assertThat(mineByName).isEqualTo(mine);
        assertThat(all).extracting(i -> i.path("principal").asText()).containsExactlyInAnyOrder("u-1", "u-2");
        assertThat(filtered).extracting(i -> i.path("incidentId").asText()).containsExactly(ofU2.incidentId());
        HttpResponse<String> own = api.get("/v1/incidents/" + ofU1.incidentId(), RunningApi.USER_U1);
        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(RunningApi.json(own).at("/mitigations/0/mitigation/mitigationId").asText())
                .isEqualTo(ofU1.mitigationId());
        assertThat(RunningApi.json(api.get("/v1/notifications", RunningApi.USER_U1)))
                .extracting(n -> n.path("recipient").asText()).containsExactly("u-1");
    }

    @Test
    void aUserFilteringIncidentsByAnotherPrincipalIsForbiddenRatherThanShownTheirOwn() {
        assertError(api.get("/v1/incidents?principal=u-2", RunningApi.USER_U1), 403, "a user sees only their own "
                + "incidents (u-1), not those of u-2; leave out 'principal' or ask an operator");
    }

    @Test
    void aUserCannotSeeOrDecideAnotherPrincipalsIncident() {
        String notYours = "incident " + ofU2.incidentId() + " is not about you (u-1); ask an operator";

        assertError(api.get("/v1/incidents/" + ofU2.incidentId(), RunningApi.USER_U1), 403, notYours);
        assertError(api.post("/v1/mitigations/" + ofU2.mitigationId() + "/approve", RunningApi.USER_U1, ""), 403,
                notYours);
        assertError(api.post("/v1/mitigations/" + ofU2.mitigationId() + "/reject", RunningApi.USER_U1, ""), 403,
                notYours);

        assertThat(api.store().mitigation(ofU2.mitigationId()).orElseThrow().status()).isEqualTo(Mitigation.APPLIED);
        assertThat(api.store().feedback()).isEmpty();
        assertThat(api.post("/v1/mitigations/" + ofU1.mitigationId() + "/approve", RunningApi.USER_U1, "")
                .statusCode()).as("their own, they may").isEqualTo(200);
    }

    @Test
    void eachRouteAdmitsOnlyItsRoles() {
        assertError(api.get("/v1/incidents", RunningApi.AGENT), 403,
                "role agent may not call GET /v1/incidents; allowed: [operator, user] (and admin, which may call every route)");
        assertError(api.get("/v1/decision?principal=u-1", RunningApi.USER_U1), 403,
                "role user may not call GET /v1/decision; allowed: [agent, gateway, service] (and admin, which may call every route)");
        assertError(api.get("/v1/feedback", RunningApi.USER_U1), 403,
                "role user may not call GET /v1/feedback; allowed: [operator] (and admin, which may call every route)");
        assertThat(api.get("/v1/decision?tenant=acme&principal=u-3", RunningApi.AGENT).statusCode()).isEqualTo(200);
    }

    @Test
    void shortTokensAreRefusedWhenConfigured() {
        assertThatThrownBy(() -> Tokens.of("ci-token-15chrs", new Caller("ci", Role.SERVICE, null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("auth token for 'ci' is shorter than 16 characters; use a long random token");
        assertThat(Tokens.of("ci-token-16chars", new Caller("ci", Role.SERVICE, null)).caller("ci-token-16chars"))
                .hasValueSatisfying(c -> assertThat(c.name()).isEqualTo("ci"));
    }
}
