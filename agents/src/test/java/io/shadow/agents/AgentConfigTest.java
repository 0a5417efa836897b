package io.shadow.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shadow.features.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigTest {
    private static final String LANDING = "landing.uri=file:///var/lib/shadow/landing";

    @TempDir
    Path tmp;

    private static AgentConfig load(String... sets) {
        return AgentConfig.load(null, Map.of(), List.of(sets));
    }

    private Path file(String yaml) throws IOException {
        Path f = tmp.resolve("agent.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    @Test
    void defaultsNeedOnlyADestination() {
        AgentConfig c = load(LANDING);

        assertThat(c.tenant()).isEqualTo("default");
        assertThat(c.agentId()).isEmpty();
        assertThat(c.spool()).isEqualTo(new AgentConfig.Spool(".shadow/agent/spool", 67_108_864L, 4_294_967_296L));
        assertThat(c.landing()).isEqualTo(new AgentConfig.Landing("file:///var/lib/shadow/landing", 5000, "PT5S"));
        assertThat(c.scorer().url()).isEmpty();
        assertThat(c.intake()).isEqualTo(new AgentConfig.Intake("127.0.0.1", -1, "", 10_485_760L, 1L << 40,
                "PT5M"));
        assertThat(c.sources().maxLineBytes()).isEqualTo(1_048_576L);
        assertThat(c.sources().maxFileBytes()).isEqualTo(67_108_864L);
        assertThat(c.sources().cloudtrailSettle()).isEqualTo("PT5S");
        assertThat(c.health().maxShipLag()).isEqualTo("PT5M");
        assertThat(c.sources().pollInterval()).isEqualTo("PT1S");
        assertThat(c.sources().hostMetrics()).isEqualTo(new AgentConfig.HostMetrics(true, "PT15S", 5));
        assertThat(c.sources().processes().enabled()).isTrue();
        assertThat(c.sources().cloudtrailDirs()).isEmpty();
        assertThat(c.sources().cloudtrailLogs()).isEmpty();
        assertThat(c.sources().k8sAuditLogs()).isEmpty();
    }

    @Test
    void aFileEnvironmentAndSetsOverlayInThatOrder() throws IOException {
        Path audit = tmp.resolve("audit.log");
        Path f = file("""
                tenant: acme
                spool:
                  dir: /from/file
                sources:
                  k8s-audit-logs: [%s]
                  host-metrics:
                    top-processes: 10
                """.formatted(audit));

        AgentConfig c = AgentConfig.load(f, Map.of("SHADOW_AGENT_SPOOL_DIR", "/var/lib/shadow/spool",
                "SHADOW_AGENT_TENANT", "acme-env", "HOME", "/root"), List.of(LANDING, "tenant=acme-set"));

        assertThat(c.spool().dir()).isEqualTo("/var/lib/shadow/spool");
        assertThat(c.tenant()).isEqualTo("acme-set");
        assertThat(c.sources().k8sAuditLogs()).containsExactly(audit.toString());
        assertThat(c.sources().hostMetrics().topProcesses()).isEqualTo(10);
        assertThat(c.sources().hostMetrics().enabled()).as("untouched default beside an override").isTrue();
    }

    @Test
    void listsComeFromTheEnvironmentCommaSeparated() {
        AgentConfig c = AgentConfig.load(null, Map.of("SHADOW_AGENT_SOURCES_CLOUDTRAIL_LOGS",
                tmp.resolve("a.jsonl") + ", " + tmp.resolve("b.jsonl")), List.of(LANDING));

        assertThat(c.sources().cloudtrailLogs()).containsExactly(tmp.resolve("a.jsonl").toString(),
                tmp.resolve("b.jsonl").toString());
    }

    @Test
    void anUnknownKeyInTheFileIsNamedWithTheKnownOnes() throws IOException {
        Path f = file("""
                spool:
                  dir: /var/lib/shadow/spool
                  max-byte: 1000000
                """);

        assertThatThrownBy(() -> AgentConfig.load(f, Map.of(), List.of(LANDING)))
                .isInstanceOf(ConfigException.class)
                .hasMessage(f + ": unknown key 'spool.max-byte'; known keys here: [spool.dir, spool.segment-bytes, "
                        + "spool.max-bytes]");
    }

    @Test
    void anUnknownSetKeyIsNamedWithAllKnownKeys() {
        assertThatThrownBy(() -> load(LANDING, "intake.tokn=0123456789abcdef0"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("--set intake.tokn: unknown key; known keys: [agent-id, tenant, host, spool.dir,")
                .hasMessageContaining("intake.token");
    }

    @Test
    void anAgentThatShipsNowhereIsRefused() {
        assertThatThrownBy(() -> load())
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid landing.uri = (empty); expected a landing zone (file:///… or hdfs://…) or a "
                        + "scorer.url: the agent must ship somewhere");
    }

    @Test
    void aScorerAloneIsEnoughButNeedsAToken() {
        assertThat(load("scorer.url=https://scorer:8443", "scorer.token=agent-0123456789").scorer().url())
                .isEqualTo("https://scorer:8443");
        assertThatThrownBy(() -> load("scorer.url=https://scorer:8443"))
                .hasMessage("invalid scorer.token = (empty); expected the agent-role token the scorer issued");
        assertThatThrownBy(() -> load("scorer.url=scorer:8443", "scorer.token=agent-0123456789"))
                .hasMessage("invalid scorer.url = scorer:8443 (from --set); expected an http:// or https:// URL");
    }

    @Test
    void actionsTakeTheScorersUrlAndTokenUnlessTheirOwnAreSetAndNameWhatIsMissing() {
        AgentConfig c = load("scorer.url=https://shadow:8443", "scorer.token=agent-0123456789", "actions.enabled=true");
        assertThat(c.actions().effectiveUrl(c.scorer())).isEqualTo("https://shadow:8443");
        assertThat(c.actions().isolation()).as("isolation is off unless asked for").isEqualTo("off");
        assertThatThrownBy(() -> load(LANDING, "actions.enabled=true"))
                .hasMessage("invalid actions.url = ; expected the Shadow API's http:// or https:// URL (or set "
                        + "scorer.url)");
        assertThatThrownBy(() -> load(LANDING, "actions.enabled=true", "actions.url=http://shadow:8080"))
                .hasMessage("invalid actions.token = (empty); expected an agent-role token of the Shadow API (or set "
                        + "scorer.token)");
        assertThatThrownBy(() -> load(LANDING, "actions.enabled=true", "actions.url=http://shadow:8080",
                "actions.token=agent-0123456789", "actions.isolation=iptables"))
                .hasMessage("invalid actions.isolation = iptables (from --set); expected off or nftables");
    }

    @Test
    void aLandingUriNeedsAScheme() {
        assertThatThrownBy(() -> load("landing.uri=/var/lib/shadow/landing"))
                .hasMessage("invalid landing.uri = /var/lib/shadow/landing (from --set); expected a URI with a "
                        + "scheme, e.g. file:///var/lib/shadow/landing or hdfs://namenode:8020/shadow/landing");
    }

    @Test
    void aLandingSchemeNoFileSystemServesAndAPortOutOfRangeAreConfigErrors() {
        assertThatThrownBy(() -> load("landing.uri=s3a://bucket/landing"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("invalid landing.uri = s3a://bucket/landing (from --set); expected a file:// "
                        + "or hdfs:// URI (no Hadoop file system for 's3a' is on the agent's class path");
        assertThat(load("landing.uri=hdfs://namenode:8020/shadow/landing").landing().uri())
                .as("hdfs is served (nothing is contacted while the config is read)")
                .isEqualTo("hdfs://namenode:8020/shadow/landing");
        assertThatThrownBy(() -> load(LANDING, "intake.port=99999", "intake.token=intake-token-0123456789"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid intake.port = 99999 (from --set); expected -1 (off), 0 (any free port) or a "
                        + "port from 1 to 65535");
    }

    @Test
    void aScorerWrittenAsAListDoesNotShowItsToken() throws IOException {
        Path f = file("landing: {uri: 'file:///var/lib/shadow/landing'}\n"
                + "scorer: [https://x, s3cr3t-0123456789abcdef]\n");
        assertThatThrownBy(() -> AgentConfig.load(f, Map.of(), List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("invalid scorer = a list of 2 items; expected a mapping of the keys url, ")
                .hasMessageNotContaining("s3cr3t");
    }

    @Test
    void anIntakeTokenTooShortIsRefusedWithoutShowingIt() {
        assertThatThrownBy(() -> load(LANDING, "intake.port=8099", "intake.token=hunter2"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid intake.token = (hidden) (from --set); expected a random token of at least 16 "
                        + "characters when the intake is on")
                .hasMessageNotContaining("hunter2");
        assertThat(load(LANDING, "intake.port=0", "intake.token=0123456789abcdef").intake().port()).isZero();
        assertThat(load(LANDING, "intake.token=short").intake().port()).as("intake off: token unused").isEqualTo(-1);
    }

    @Test
    void aBadDurationNamesItsKey() {
        assertThatThrownBy(() -> load(LANDING, "sources.poll-interval=1s"))
                .hasMessage("invalid sources.poll-interval = 1s (from --set); expected an ISO-8601 duration like "
                        + "PT30S or PT2H");
        assertThatThrownBy(() -> load(LANDING, "sources.host-metrics.interval=PT0S"))
                .hasMessage("invalid sources.host-metrics.interval = PT0S (from --set); expected a positive ISO-8601 "
                        + "duration like PT30S");
        assertThatThrownBy(() -> load(LANDING, "landing.interval=5 seconds"))
                .hasMessage("invalid landing.interval = 5 seconds (from --set); expected an ISO-8601 duration like "
                        + "PT30S or PT2H");
    }

    @Test
    void aValueOfTheWrongTypeNamesItsKeyAndWhatIsExpected() {
        assertThatThrownBy(() -> load(LANDING, "intake.port=eighty"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid intake.port = eighty (from --set); expected a whole number");
    }

    @Test
    void spoolBoundsAreChecked() {
        assertThatThrownBy(() -> load(LANDING, "spool.segment-bytes=100"))
                .hasMessage("invalid spool.segment-bytes = 100 (from --set); expected at least 1024");
        assertThatThrownBy(() -> load(LANDING, "spool.segment-bytes=4096", "spool.max-bytes=2048"))
                .hasMessage("invalid spool.max-bytes = 2048 (from --set); expected at least spool.segment-bytes "
                        + "(4096)");
    }

    @Test
    void countsThatWouldStopShippingOrIntakeAreRefusedByName() {
        assertThatThrownBy(() -> load(LANDING, "landing.batch-records=0")).isInstanceOf(ConfigException.class)
                .hasMessage("invalid landing.batch-records = 0 (from --set); expected at least 1");
        assertThatThrownBy(() -> load(LANDING, "landing.batch-records=-5"))
                .hasMessage("invalid landing.batch-records = -5 (from --set); expected at least 1");
        assertThatThrownBy(() -> load("scorer.url=https://scorer:8443", "scorer.token=t", "scorer.batch-records=0"))
                .hasMessage("invalid scorer.batch-records = 0 (from --set); expected at least 1");
        assertThatThrownBy(() -> load(LANDING, "intake.max-request-bytes=0"))
                .hasMessage("invalid intake.max-request-bytes = 0 (from --set); expected from 1 to 2147483639 (a "
                        + "request body is held in memory)");
        assertThatThrownBy(() -> load(LANDING, "intake.max-request-bytes=4294967296"))
                .hasMessageStartingWith("invalid intake.max-request-bytes = 4294967296 (from --set); expected from 1 "
                        + "to");
        assertThatThrownBy(() -> load(LANDING, "sources.host-metrics.top-processes=-1"))
                .hasMessage("invalid sources.host-metrics.top-processes = -1 (from --set); expected 0 (host figures "
                        + "only) or more");
        assertThat(load(LANDING, "landing.batch-records=1", "sources.host-metrics.top-processes=0").landing()
                .batchRecords()).isEqualTo(1);
    }

    @Test
    void aCloudTrailDirectoryMustExist() throws IOException {
        Path missing = tmp.resolve("no-such-dir");
        assertThatThrownBy(() -> load(LANDING, "sources.cloudtrail-dirs=" + missing))
                .hasMessage("invalid sources.cloudtrail-dirs = " + missing + " (from --set); expected an existing "
                        + "directory");

        Path dir = Files.createDirectories(tmp.resolve("cloudtrail"));
        assertThat(load(LANDING, "sources.cloudtrail-dirs=" + dir).sources().cloudtrailDirs())
                .containsExactly(dir.toString());
    }

    @Test
    void aLogInADirectoryThatDoesNotExistIsRefusedNamingTheKey() throws IOException {
        Path missing = tmp.resolve("no-such-dir").resolve("audit.log");
        assertThatThrownBy(() -> load(LANDING, "sources.k8s-audit-logs=" + missing))
                .hasMessage("invalid sources.k8s-audit-logs = " + missing + " (from --set); expected a log file in an "
                        + "existing directory (the file may appear later, but directory " + missing.getParent()
                        + " does not exist)");
        assertThatThrownBy(() -> load(LANDING, "sources.cloudtrail-logs=" + missing))
                .hasMessageStartingWith("invalid sources.cloudtrail-logs = " + missing);

        Path later = tmp.resolve("audit.log");
        assertThat(load(LANDING, "sources.k8s-audit-logs=" + later).sources().k8sAuditLogs())
                .as("the file itself may appear later").containsExactly(later.toString());
    }

    @Test
    void aMisspeltAgentVariableIsRefusedNamingTheClosestKey() {
        assertThatThrownBy(() -> AgentConfig.load(null, Map.of("SHADOW_AGENT_SPOOL_DIRR", "/var/lib/spool"),
                List.of(LANDING)))
                .hasMessage("environment variable SHADOW_AGENT_SPOOL_DIRR is not a setting of the agent; did you mean "
                        + "SHADOW_AGENT_SPOOL_DIR (spool.dir)? Every SHADOW_AGENT_<KEY> variable must name a key of "
                        + "docs/agent.md; unset it or fix its name");
        // the server's variables, and others that merely start with SHADOW_, are none of the agent's business
        AgentConfig c = AgentConfig.load(null, Map.of("SHADOW_SERVER_PORT", "8080", "SHADOW_TEST_X", "1",
                "SHADOW_AGENT_HEALTH_MAX_SHIP_LAG", "PT1M"), List.of(LANDING));
        assertThat(c.health().maxShipLag()).isEqualTo("PT1M");
    }

    @Test
    void newBoundsAreCheckedByName() {
        assertThatThrownBy(() -> load(LANDING, "sources.max-line-bytes=10"))
                .hasMessageStartingWith("invalid sources.max-line-bytes = 10 (from --set); expected from 1024 to");
        assertThatThrownBy(() -> load(LANDING, "sources.max-file-bytes=0"))
                .hasMessageStartingWith("invalid sources.max-file-bytes = 0 (from --set)");
        assertThatThrownBy(() -> load(LANDING, "sources.cloudtrail-settle=-PT1S"))
                .hasMessageStartingWith("invalid sources.cloudtrail-settle = -PT1S (from --set)");
        assertThatThrownBy(() -> load(LANDING, "health.max-ship-lag=soon"))
                .hasMessageStartingWith("invalid health.max-ship-lag = soon (from --set)");
        assertThatThrownBy(() -> load(LANDING, "intake.max-future-skew=P2D"))
                .hasMessageStartingWith("invalid intake.max-future-skew = P2D (from --set)");
        assertThat(load(LANDING, "sources.cloudtrail-settle=PT0S").cloudtrailSettle()).isZero();
    }
}
