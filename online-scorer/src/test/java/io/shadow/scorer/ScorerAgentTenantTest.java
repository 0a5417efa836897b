package io.shadow.scorer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.shadow.features.ActivityEvent;
import io.shadow.features.json.EventCodec;
import io.shadow.model.registry.LocalModelRegistry;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent token bound to a tenant ({@code tenant: acme} in {@code auth.tokens}) reports that
 * tenant's events only, on a real port: acme's compromised web-1 cannot make up activity of globex's
 * principals (on a host globex also calls web-1) to get them locked out. An event without a tenant
 * belongs to {@code scorer.default-tenant} as from any sender, and passes only if that is the token's.
 */
class ScorerAgentTenantTest {
    private static final String GLOBEX_U1 = "field 'tenant': 'globex' is not the tenant; agent token 'acme-web-1' is "
            + "bound to tenant 'acme' and may only send events of that tenant (tenant: acme). Set the agent's tenant "
            + "to acme, and send other tenants' events with a token of theirs";

    @TempDir
    Path dir;

    private TestServer server(ScorerSettings settings) {
        return new TestServer(new LocalModelRegistry(dir.resolve("registry")), TestServer.baselines(1, "acme",
                "globex"), settings, 4 << 20);
    }

    private static ActivityEvent on(String tenant, String principal, int second) {
        return TestServer.delete(principal, "10.0.0.5", TestServer.T0.plusSeconds(second)).toBuilder()
                .tenant(tenant).host("web-1").build();
    }

    @Test
    void aTenantBoundTokenCannotReportAnotherTenantsPrincipalsAndItsOwnEventsAreScored() throws Exception {
        try (TestServer s = server(ScorerSettings.defaults())) {
            StringBuilder body = new StringBuilder(EventCodec.toJson(on("acme", "u-2", 0))).append('\n');
            for (int i = 1; i <= 60; i++) {
                // a burst of deletes by globex's u-1 on "web-1": what acme's compromised web-1 would send
                body.append(EventCodec.toJson(on("globex", "u-1", i))).append('\n');
            }
            HttpResponse<String> r = s.post("/v1/events", body.toString(), TestServer.AGENT_ACME_WEB_1);
            JsonNode out = TestServer.json(r);

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(out.get("accepted").asInt()).isEqualTo(1);
            assertThat(out.get("rejected").asInt()).isEqualTo(60);
            JsonNode first = out.get("errors").get(0);
            assertThat(first.get("index").asInt()).isEqualTo(1);
            assertThat(first.get("field").asText()).isEqualTo("tenant");
            assertThat(first.get("error").asText()).isEqualTo(GLOBEX_U1);
            assertThat(s.handed).noneMatch(a -> a.anomaly().entity().tenant().equals("globex"));
        }
    }

    @Test
    void anotherTenantsEventIsRefusedOnTheScoreRouteToo() throws Exception {
        try (TestServer s = server(ScorerSettings.defaults())) {
            HttpResponse<String> other = s.post("/v1/score", EventCodec.toJson(on("globex", "u-1", 0)),
                    TestServer.AGENT_ACME_WEB_1);
            HttpResponse<String> own = s.post("/v1/score", EventCodec.toJson(on("acme", "u-1", 1)),
                    TestServer.AGENT_ACME_WEB_1);

            assertThat(other.statusCode()).isEqualTo(400);
            assertThat(TestServer.json(other).get("error").asText()).isEqualTo("event rejected: " + GLOBEX_U1);
            assertThat(own.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void anEventWithoutATenantBelongsToTheDefaultTenantAndPassesOnlyIfThatIsTheTokens() throws Exception {
        String noTenant = EventCodec.toJson(on("acme", "u-1", 0)).replace("\"tenant\":\"acme\",", "");
        assertThat(noTenant).doesNotContain("tenant");
        try (TestServer globexDefault = server(ScorerSettings.defaults().withIntake(Duration.ofMinutes(5), "globex"))) {
            HttpResponse<String> r = globexDefault.post("/v1/score", noTenant, TestServer.AGENT_ACME_WEB_1);

            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(TestServer.json(r).get("error").asText()).isEqualTo("event rejected: field 'tenant': 'globex' "
                    + "is not the tenant (an event without a tenant belongs to scorer.default-tenant 'globex'); agent "
                    + "token 'acme-web-1' is bound to tenant 'acme' and may only send events of that tenant (tenant: "
                    + "acme). Set the agent's tenant to acme, and send other tenants' events with a token of theirs");
        }
        try (TestServer acmeDefault = server(ScorerSettings.defaults().withIntake(Duration.ofMinutes(5), "acme"))) {
            assertThat(acmeDefault.post("/v1/score", noTenant, TestServer.AGENT_ACME_WEB_1).statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void aTokenBoundToATenantStillMustNameItsHostAndUnboundTokensSendAnyTenant() throws Exception {
        try (TestServer s = server(ScorerSettings.defaults())) {
            ActivityEvent db2 = on("acme", "u-1", 0).toBuilder().host("db-2").build();
            JsonNode bound = TestServer.json(s.post("/v1/events", EventCodec.toJson(db2) + "\n",
                    TestServer.AGENT_ACME_WEB_1));
            JsonNode unbound = TestServer.json(s.post("/v1/events", EventCodec.toJson(on("globex", "u-1", 1)) + "\n",
                    TestServer.AGENT));

            assertThat(bound.get("errors").get(0).get("field").asText()).isEqualTo("host");
            assertThat(unbound.get("accepted").asInt()).isEqualTo(1);
        }
    }
}
