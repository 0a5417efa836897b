package io.shadow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shadow.agents.Agent;
import io.shadow.agents.AgentConfig;
import io.shadow.agents.ship.ScorerShipper;
import io.shadow.cli.config.ConfigLoader;
import io.shadow.cli.config.ShadowConfig;
import io.shadow.cli.runtime.ShadowRuntime;
import io.shadow.features.ActivityEvent;
import io.shadow.features.EventClass;
import io.shadow.features.ResourceType;
import io.shadow.features.json.EventCodec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent ships live batches to the scorer over HTTPS, trusting only the certificate it is given. */
class AgentTlsIT {
    private static final String AGENT_TOKEN = "agent-token-0123456789";
    private static final String INTAKE_TOKEN = "intake-token-0123456789";

    @TempDir
    Path dir;

    private void keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool")
                .toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
    }

    private Agent agent(String scorerUrl, Path trustStore, String spool) {
        List<String> sets = new ArrayList<>(List.of("spool.dir=" + dir.resolve(spool), "scorer.url=" + scorerUrl,
                "scorer.token=" + AGENT_TOKEN, "intake.port=0", "intake.token=" + INTAKE_TOKEN,
                "sources.host-metrics.enabled=false", "sources.processes.enabled=false",
                "sources.poll-interval=PT0.1S"));
        if (trustStore != null) {
            sets.addAll(List.of("scorer.trust-store=" + trustStore, "scorer.trust-store-password=changeit"));
        }
        return new Agent(AgentConfig.load(null, Map.of(), sets)).start();
    }

    private static void report(Agent agent, int n) throws Exception {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < n; i++) {
            body.append(EventCodec.toJson(ActivityEvent.builder().tenant("acme")
                    .time(Instant.parse("2026-11-09T10:00:00Z").plusSeconds(i)).eventClass(EventClass.API_ACTIVITY)
                    .operation("GetObject").principal("u-" + i % 3).resourceType(ResourceType.DATA_STORAGE)
                    .resourceId("s3://b").build())).append('\n');
        }
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + agent.intakePort() + "/v1/events")).header("Authorization", "Bearer "
                + INTAKE_TOKEN).POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
    }

    @Test
    void liveBatchesReachTheScorerOverTlsAndAnUntrustedServerGetsNothing() throws Exception {
        Path server = dir.resolve("server.p12");
        Path trust = dir.resolve("trust.p12");
        keytool("-genkeypair", "-alias", "scorer", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=127.0.0.1",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12", "-keystore",
                server.toString(), "-storepass", "changeit", "-keypass", "changeit");
        keytool("-exportcert", "-alias", "scorer", "-keystore", server.toString(), "-storepass", "changeit", "-file",
                dir.resolve("scorer.cer").toString());
        keytool("-importcert", "-noprompt", "-alias", "scorer", "-file", dir.resolve("scorer.cer").toString(),
                "-keystore", trust.toString(), "-storetype", "PKCS12", "-storepass", "changeit");
        ShadowConfig base = ConfigLoader.load(null, Map.of(), List.of("data-dir=" + dir.resolve("data"),
                "server.port=0", "server.tls-key-store=" + server, "server.tls-password=changeit"));
        ShadowConfig cfg = new ShadowConfig(base.dataDir(), base.warehouse(), base.registry(), base.store(),
                base.server(), new ShadowConfig.Auth(List.of(new ShadowConfig.Token("agents", AGENT_TOKEN, "agent",
                null, null))), base.detector(), base.intel(), base.profiles(), base.spark(), base.mitigation(),
                base.scorer());

        try (ShadowRuntime rt = ShadowRuntime.start(cfg)) {
            assertThat(rt.baseUrl()).startsWith("https://127.0.0.1:");
            assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + rt.port() + "/health")).build(), HttpResponse.BodyHandlers.ofString()))
                    .as("no plain HTTP on the TLS port").isInstanceOf(IOException.class);

            try (Agent trusting = agent(rt.baseUrl(), trust, "spool-trusting")) {
                report(trusting, 30);
                long deadline = System.currentTimeMillis() + 30_000;
                while (trusting.spool().cursor(ScorerShipper.CONSUMER) < 30 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(100);
                }
                assertThat(trusting.spool().cursor(ScorerShipper.CONSUMER)).isEqualTo(30);
                assertThat(rt.scorer().detector().trackedEntities()).isEqualTo(3);
            }

            try (Agent untrusting = agent(rt.baseUrl(), null, "spool-untrusting")) {
                report(untrusting, 5);
                Thread.sleep(2_000);
                assertThat(untrusting.spool().cursor(ScorerShipper.CONSUMER))
                        .as("a server the agent does not trust gets nothing, and nothing is dropped").isZero();
                assertThat(untrusting.spool().read(0, 100)).hasSize(5);
            }
        }
    }
}
