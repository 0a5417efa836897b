package io.shadow.mitigation.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.shadow.mitigation.Assessments;
import io.shadow.mitigation.ManualClock;
import io.shadow.mitigation.actuate.KeyVault;
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
 * Principal u-1 exists in tenant acme and in tenant globex: two people who share a name. A user
 * token speaks for one of them only, and another tenant's objects are answered as ones that do
 * not exist (404, the same answer), so even their ids do not leak.
 */
class TenantIsolationTest {
    private static final String GLOBEX = "globex";
    private static final String MODIFY = "{\"actions\": [{\"type\": \"log\"}]}";

    @TempDir
    Path dir;
    private RunningApi api;
    private Outcome ofAcme;
    private Outcome ofGlobex;

    @BeforeEach
    void start() {
        api = RunningApi.start(dir, ProfileLoader.defaults(), new ManualClock(Assessments.T0));
        // medium band: a restriction and a key rotation, which a user may approve or reject; each u-1 holds a key
        api.service().engine().actuators().keys().issue(Assessments.TENANT, "u-1");
        api.service().engine().actuators().keys().issue(GLOBEX, "u-1");
        ofAcme = api.handle(Assessments.risk(60).build());
        ofGlobex = api.handle(Assessments.risk(60).tenant(GLOBEX).build());
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private static void assertError(HttpResponse<String> r, int status, String error) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(RunningApi.json(r).path("error").asText()).isEqualTo(error);
    }

    private static List<String> incidentIds(JsonNode incidents) {
        return incidents.findValuesAsText("incidentId");
    }

    private String newKeyOf(Outcome o) {
        return api.store().actionsOf(o.mitigationId()).stream().filter(a -> a.type().equals("rotate_keys"))
                .findFirst().orElseThrow().handle();
    }

    @Test
    void anAgentTokenOfOneTenantNeitherReadsNorAcknowledgesTheCommandsOfAnotherTenantsNamesakeHost() {
        // both tenants have a host named ws-17, and each a command pending for it
        api.handle(Assessments.risk(60).principal("u-3").on(io.shadow.features.ResourceType.PROCESS,
                "/usr/bin/xmrig").build());
        api.handle(Assessments.risk(60).tenant(GLOBEX).principal("u-3").on(io.shadow.features.ResourceType.PROCESS,
                "/usr/bin/xmrig").build());
        String globexCmd = RunningApi.json(api.get("/v1/agent/commands?tenant=globex&host=ws-17", RunningApi.AGENT))
                .get(0).path("id").asText();
        String notYours = "agent token 'acme-ws-17' is bound to tenant acme and may not read or acknowledge the "
                + "commands of tenant globex (host ws-17); poll with tenant=acme, the agent's tenant, or give this "
                + "host's agent a token of its tenant";

        assertError(api.get("/v1/agent/commands?tenant=globex&host=ws-17", RunningApi.AGENT_ACME_WS17), 403,
                notYours);
        assertError(api.post("/v1/agent/commands/" + globexCmd + "/ack", RunningApi.AGENT_ACME_WS17,
                "{\"ok\": true}"), 403, notYours);
        JsonNode own = RunningApi.json(api.get("/v1/agent/commands?tenant=acme&host=ws-17",
                RunningApi.AGENT_ACME_WS17));
        assertThat(own).isNotEmpty().allMatch(c -> c.path("tenant").asText().equals("acme"));
        assertThat(RunningApi.json(api.get("/v1/agent/commands?tenant=globex&host=ws-17", RunningApi.AGENT)))
                .as("still pending for globex's own agent").anyMatch(c -> c.path("id").asText().equals(globexCmd));
    }

    @Test
    void anAgentTokenOfOneTenantAsksForDecisionsOfThatTenantOnly() {
        HttpResponse<String> other = api.get("/v1/decision?principal=u-9", RunningApi.AGENT_ACME_WS17,
                "X-Shadow-Tenant", GLOBEX);
        HttpResponse<String> own = api.get("/v1/decision?principal=u-9", RunningApi.AGENT_ACME_WS17,
                "X-Shadow-Tenant", "acme");

        assertError(other, 403, "agent token 'acme-ws-17' is bound to tenant acme and may not ask for decisions of "
                + "tenant globex; ask with a gateway token (role gateway)");
        assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
    }

    @Test
    void aGatewayTokenOfOneTenantDecidesForItWithoutTheHeaderAndNotForAnother() {
        api.handle(Assessments.risk(95).principal("u-7").build()); // u-7 of acme is locked out

        HttpResponse<String> bound = api.get("/v1/decision?principal=u-7", RunningApi.GATEWAY_ACME);
        HttpResponse<String> unbound = api.get("/v1/decision?principal=u-7", RunningApi.GATEWAY);
        HttpResponse<String> other = api.get("/v1/decision?principal=u-7", RunningApi.GATEWAY_ACME,
                "X-Shadow-Tenant", GLOBEX);
        HttpResponse<String> named = api.get("/v1/decision?principal=u-7", RunningApi.GATEWAY_ACME,
                "X-Shadow-Tenant", "acme");

        assertThat(bound.statusCode()).as("decided for acme, whose rules lock u-7 out: " + bound.body())
                .isEqualTo(403);
        assertThat(bound.headers().firstValue("X-Shadow-Decision")).hasValue("deny");
        assertThat(named.statusCode()).as(named.body()).isEqualTo(403);
        assertThat(unbound.statusCode()).as("a gateway token of no tenant must name one").isEqualTo(400);
        assertError(other, 403, "gateway token 'acme-gateway' is bound to tenant acme and may not ask for decisions "
                + "of tenant globex; give this gateway a token of tenant globex, or one bound to no tenant");
    }

    @Test
    void aUserListsOnlyTheIncidentsOfTheirPrincipalInTheirOwnTenant() {
        assertThat(incidentIds(RunningApi.json(api.get("/v1/incidents", RunningApi.USER_U1))))
                .containsExactly(ofAcme.incidentId());
        assertThat(incidentIds(RunningApi.json(api.get("/v1/incidents?principal=u-1", RunningApi.USER_U1))))
                .containsExactly(ofAcme.incidentId());
        assertThat(incidentIds(RunningApi.json(api.get("/v1/incidents", RunningApi.USER_GLOBEX_U1))))
                .containsExactly(ofGlobex.incidentId());
        assertThat(RunningApi.json(api.get("/v1/incidents?principal=u-1", RunningApi.OPERATOR)))
                .as("operators see every tenant").extracting(i -> i.path("tenant").asText())
                .containsExactlyInAnyOrder("acme", GLOBEX);

        JsonNode history = RunningApi.json(api.get("/v1/history/users/u-1", RunningApi.USER_U1));
        assertThat(incidentIds(history.path("incidents"))).containsExactly(ofAcme.incidentId());
        assertThat(history.at("/incidents/0/incident/tenant").asText()).isEqualTo("acme");
        assertThat(incidentIds(RunningApi.json(api.get("/v1/history/users/u-1", RunningApi.USER_GLOBEX_U1))
                .path("incidents"))).containsExactly(ofGlobex.incidentId());
        assertThat(incidentIds(RunningApi.json(api.get("/v1/history/resources?id=" + Assessments.BUCKET,
                RunningApi.USER_U1)).path("incidents"))).containsExactly(ofAcme.incidentId());
        assertThat(incidentIds(RunningApi.json(api.get("/v1/history/users/u-1", RunningApi.OPERATOR))
                .path("incidents"))).containsExactlyInAnyOrder(ofAcme.incidentId(), ofGlobex.incidentId());

        JsonNode notifications = RunningApi.json(api.get("/v1/notifications", RunningApi.USER_U1));
        assertThat(notifications).isNotEmpty().allSatisfy(n -> {
            assertThat(n.path("incidentId").asText()).isEqualTo(ofAcme.incidentId());
            assertThat(n.path("tenant").asText()).isEqualTo("acme");
        });
        assertThat(RunningApi.json(api.get("/v1/notifications?incident=" + ofGlobex.incidentId(),
                RunningApi.USER_U1))).isEmpty();
        assertThat(RunningApi.json(api.get("/v1/notifications", RunningApi.USER_GLOBEX_U1)))
                .isNotEmpty().allSatisfy(n -> assertThat(n.path("incidentId").asText())
                        .isEqualTo(ofGlobex.incidentId()));

        JsonNode all = RunningApi.json(api.get("/v1/notifications", RunningApi.OPERATOR));
        assertThat(all.size()).isGreaterThan(1);
        assertThat(RunningApi.json(api.get("/v1/notifications?limit=1", RunningApi.OPERATOR)))
                .as("the newest one").singleElement().isEqualTo(all.get(all.size() - 1));
        assertThat(api.get("/v1/notifications?limit=0", RunningApi.OPERATOR).statusCode()).isEqualTo(400);
    }

    @Test
    void anOperatorNarrowsListsToOneTenantAndAUserNamingAnotherGetsNothing() {
        assertThat(incidentIds(RunningApi.json(api.get("/v1/incidents?tenant=" + GLOBEX, RunningApi.OPERATOR))))
                .containsExactly(ofGlobex.incidentId());
        assertThat(incidentIds(RunningApi.json(api.get("/v1/history/users/u-1?tenant=acme", RunningApi.OPERATOR))
                .path("incidents"))).containsExactly(ofAcme.incidentId());
        assertThat(incidentIds(RunningApi.json(api.get("/v1/history/resources?id=" + Assessments.BUCKET
                + "&tenant=" + GLOBEX, RunningApi.OPERATOR)).path("incidents"))).containsExactly(ofGlobex.incidentId());

        assertThat(incidentIds(RunningApi.json(api.get("/v1/incidents?tenant=acme", RunningApi.USER_U1))))
                .as("their own tenant").containsExactly(ofAcme.incidentId());
        assertThat(RunningApi.json(api.get("/v1/incidents?tenant=" + GLOBEX, RunningApi.USER_U1))).isEmpty();
        assertThat(RunningApi.json(api.get("/v1/history/users/u-1?tenant=" + GLOBEX, RunningApi.USER_U1))
                .path("incidents")).isEmpty();
        assertThat(RunningApi.json(api.get("/v1/history/resources?id=" + Assessments.BUCKET + "&tenant=" + GLOBEX,
                RunningApi.USER_U1)).path("incidents")).isEmpty();
    }

    @Test
    void anotherTenantsIncidentIsAnsweredAsOneThatDoesNotExist() {
        assertError(api.get("/v1/incidents/" + ofGlobex.incidentId(), RunningApi.USER_U1), 404,
                "no incident " + ofGlobex.incidentId());
        assertError(api.get("/v1/incidents/inc-does-not-exist", RunningApi.USER_U1), 404,
                "no incident inc-does-not-exist");

        assertThat(api.get("/v1/incidents/" + ofAcme.incidentId(), RunningApi.USER_U1).statusCode())
                .as("their own").isEqualTo(200);
        assertThat(api.get("/v1/incidents/" + ofGlobex.incidentId(), RunningApi.USER_GLOBEX_U1).statusCode())
                .as("the namesake's own").isEqualTo(200);
        assertThat(api.get("/v1/incidents/" + ofGlobex.incidentId(), RunningApi.OPERATOR).statusCode())
                .isEqualTo(200);
    }

    @Test
    void aUserCannotApproveRejectOrModifyAnotherTenantsMitigation() {
        String path = "/v1/mitigations/" + ofGlobex.mitigationId() + "/";
        List<AuditEntry> audited = api.store().auditLog(ofGlobex.mitigationId());
        for (String what : List.of("approve", "reject", "modify")) {
            String body = what.equals("modify") ? MODIFY : "{\"comment\": \"not mine\"}";
            assertError(api.post(path + what, RunningApi.USER_U1, body), 404, "no mitigation "
                    + ofGlobex.mitigationId());
            assertError(api.post("/v1/mitigations/mit-does-not-exist/" + what, RunningApi.USER_U1, body), 404,
                    "no mitigation mit-does-not-exist");
        }

        assertThat(api.store().mitigation(ofGlobex.mitigationId()).orElseThrow().status())
                .isEqualTo(Mitigation.APPLIED);
        assertThat(api.store().feedback()).isEmpty();
        assertThat(api.store().auditLog(ofGlobex.mitigationId())).as("nothing decided").isEqualTo(audited);
        assertThat(api.decisionWith("X-Shadow-Tenant", GLOBEX, "X-Shadow-Principal", "u-1", "X-Shadow-Resource",
                Assessments.BUCKET).statusCode()).as("globex's restriction is still in force").isEqualTo(403);

        assertThat(api.post("/v1/mitigations/" + ofAcme.mitigationId() + "/reject", RunningApi.USER_U1, "")
                .statusCode()).as("their own, they may").isEqualTo(200);
        HttpResponse<String> namesake = api.post(path + "approve", RunningApi.USER_GLOBEX_U1, "");
        assertThat(namesake.statusCode()).as(namesake.body()).isEqualTo(200);
        assertThat(api.store().mitigation(ofGlobex.mitigationId()).orElseThrow().decidedBy())
                .isEqualTo("u-1@globex.example");
    }

    @Test
    void aUserCannotCollectTheRotatedKeyOfANamesakeInAnotherTenant() {
        KeyVault keys = api.service().engine().actuators().keys();
        String globexKey = newKeyOf(ofGlobex);
        String acmeKey = newKeyOf(ofAcme);

        assertError(api.get("/v1/keys/" + globexKey, RunningApi.USER_U1), 404, "no key " + globexKey + ": Shadow "
                + "never issued one with this id; the new key's id is in the detail of the rotate_keys action of the "
                + "incident (GET /v1/incidents/{id})");
        assertError(api.get("/v1/keys/key-does-not-exist", RunningApi.USER_U1), 404, "no key key-does-not-exist: "
                + "Shadow never issued one with this id; the new key's id is in the detail of the rotate_keys action "
                + "of the incident (GET /v1/incidents/{id})");
        assertThat(api.store().auditLog(globexKey)).extracting(AuditEntry::action).doesNotContain("key.collected");

        HttpResponse<String> own = api.get("/v1/keys/" + globexKey, RunningApi.USER_GLOBEX_U1);
        assertThat(own.statusCode()).as("still there for its owner: " + own.body()).isEqualTo(200);
        assertThat(keys.authenticate(GLOBEX, RunningApi.json(own).path("secret").asText())).hasValue("u-1");
        assertThat(api.get("/v1/keys/" + acmeKey, RunningApi.USER_U1).statusCode()).as("their own key")
                .isEqualTo(200);
    }
}
