package io.shadow.scorer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.shadow.features.ActivityEvent;
import io.shadow.features.json.EventCodec;
import io.shadow.model.registry.LocalModelRegistry;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent token bound to a host ({@code principal: web-1} in {@code auth.tokens}) reports that
 * host's events only, on a real port: a compromised host cannot make up another host's activity (or
 * activity naming no host) to get a principal locked out.
 * Unbound agent tokens and service tokens (collectors such as CloudTrail report no host) send any.
 */
class ScorerAgentBindingTest {
    @TempDir
    Path dir;

    private TestServer server() {
        return new TestServer(new LocalModelRegistry(dir.resolve("registry")), TestServer.baselines(1),
                ScorerSettings.defaults(), 4 << 20);
    }

    private static String line(ActivityEvent e) {
        return EventCodec.toJson(e) + "\n";
    }

    private static ActivityEvent on(String host, int second) {
        return TestServer.delete("u-1", "10.0.0.5", TestServer.T0.plusSeconds(second)).toBuilder().host(host).build();
    }

    @Test
    void aHostBoundTokenCannotReportAnotherPrincipalsBurst() throws Exception {
        try (TestServer s = server()) {
            // deletes of u-1 naming no host: what a compromised web-1 would send to have u-1 locked out
            HttpResponse<String> r = s.post("/v1/events", TestServer.deletes("u-1", "10.0.0.5", 60),
                    TestServer.AGENT_WEB_1);
            JsonNode out = TestServer.json(r);

            assertThat(s.handed).isEmpty();
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(out.get("accepted").asInt()).isZero();
            assertThat(out.get("rejected").asInt()).isEqualTo(60);
            JsonNode first = out.get("errors").get(0);
            assertThat(first.get("field").asText()).isEqualTo("host");
            assertThat(first.get("error").asText()).isEqualTo("field 'host': is missing; agent token 'web-1-agent' "
                    + "is bound to host 'web-1' and may only send events that name it (host: web-1). Send other hosts' "
                    + "events, and those of collectors that report no host (CloudTrail, Kubernetes audit, "
                    + "applications), with an unbound agent token or a service token");
        }
    }

    @Test
    void eventsOfAnotherHostAreRefusedByIndexAndTheOwnHostsAreScored() throws Exception {
        try (TestServer s = server()) {
            String body = line(on("web-1", 0)) + line(on("db-2", 1)) + line(on("web-1", 2));
            HttpResponse<String> r = s.post("/v1/events", body, TestServer.AGENT_WEB_1);
            JsonNode out = TestServer.json(r);

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(out.get("accepted").asInt()).isEqualTo(2);
            assertThat(out.get("rejected").asInt()).isEqualTo(1);
            JsonNode error = out.get("errors").get(0);
            assertThat(error.get("index").asInt()).isEqualTo(1);
            assertThat(error.get("field").asText()).isEqualTo("host");
            assertThat(error.get("error").asText()).startsWith("field 'host': 'db-2' is not the host; agent token "
                    + "'web-1-agent' is bound to host 'web-1'");
        }
    }

    @Test
    void oneEventOfAnotherHostIsRefusedOnTheScoreRouteToo() throws Exception {
        try (TestServer s = server()) {
            HttpResponse<String> other = s.post("/v1/score", EventCodec.toJson(on("db-2", 0)), TestServer.AGENT_WEB_1);
            HttpResponse<String> own = s.post("/v1/score", EventCodec.toJson(on("web-1", 1)), TestServer.AGENT_WEB_1);

            assertThat(other.statusCode()).isEqualTo(400);
            assertThat(TestServer.json(other).get("error").asText())
                    .startsWith("event rejected: field 'host': 'db-2' is not the host; agent token 'web-1-agent' is "
                            + "bound to host 'web-1'");
            assertThat(own.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void unboundAgentTokensAndServiceTokensStillReportAnyHostOrNone() throws Exception {
        try (TestServer s = server()) {
            JsonNode agent = TestServer.json(s.post("/v1/events", TestServer.deletes("u-1", "10.0.0.5", 60),
                    TestServer.AGENT));
            JsonNode service = TestServer.json(s.post("/v1/events", line(on("db-2", 100)), TestServer.SERVICE));

            assertThat(agent.get("accepted").asInt()).isEqualTo(60);
            assertThat(agent.get("anomalies").asInt()).isPositive();
            assertThat(service.get("accepted").asInt()).isEqualTo(1);
            assertThat(service.get("rejected").asInt()).isZero();
        }
    }
}
