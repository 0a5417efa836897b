package io.shadow.agents;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.shadow.agents.ship.LandingZoneShipper;
import io.shadow.agents.ship.ScorerShipper;
import io.shadow.agents.spool.Spool;
import io.shadow.features.ActivityEvent;
import io.shadow.features.ResourceType;
import io.shadow.features.json.EventCodec;
import io.shadow.features.json.EventFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole agent: capture sources and the intake into the spool, the spool shipped to a file landing zone. */
class AgentTest {
    private static final String TOKEN = "intake-token-0123456789abcdef";

    @TempDir
    Path tmp;

    private AgentConfig config() {
        return AgentConfig.load(null, Map.of(), List.of(
                "agent-id=ws-17", "host=ws-17", "tenant=acme",
                "spool.dir=" + tmp.resolve("spool"),
                "landing.uri=" + tmp.resolve("landing").toUri(), "landing.interval=PT0.1S",
                "intake.port=0", "intake.token=" + TOKEN,
                "sources.poll-interval=PT0.1S",
                "sources.host-metrics.enabled=false", "sources.processes.enabled=false",
                "sources.cloudtrail-dirs=" + tmp.resolve("drop"),
                "sources.cloudtrail-logs=" + tmp.resolve("cloudtrail.jsonl"),
                "sources.k8s-audit-logs=" + tmp.resolve("audit.log")));
    }

    private static Path resource(String name) {
        try {
            return Path.of(AgentTest.class.getClassLoader().getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Landed lines: events by id (a list, so duplicates show) and the number of quarantined rejections. */
    private record Landed(List<ActivityEvent> events, int rejections) {
    }

    private Landed landed() {
        List<ActivityEvent> events = new ArrayList<>();
        int rejections = 0;
        Path dir = tmp.resolve("landing/events");
        if (!Files.isDirectory(dir)) {
            return new Landed(events, 0);
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                for (String line : Files.readAllLines(f)) {
                    try {
                        events.add(EventCodec.parse(line));
                    } catch (EventFormatException rejected) {
                        rejections++;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Landed(events, rejections);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    private static String appEvent() {
        return EventCodec.toJson(ActivityEvent.builder().eventId("files-api-1").tenant("acme")
                .time(Instant.parse("2026-11-09T10:30:00Z")).operation("GET /files/{id}").principal("alice")
                .host("files-api").resourceType(ResourceType.DATA_STORAGE).resourceId("/files/42").build());
    }

    private HttpResponse<String> post(Agent agent, String body) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + agent.intakePort() + "/v1/events"))
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aScorerRemovedFromTheConfigurationNoLongerKeepsTheSpoolFull() throws Exception {
        Path spoolDir = tmp.resolve("spool");
        // shipped to the landing zone, never to the scorer the agent was configured with then: 4 of 4 KiB
        try (Spool spool = Spool.open(spoolDir, 1024, 4096)) {
            spool.registerConsumer(LandingZoneShipper.CONSUMER);
            spool.registerConsumer(ScorerShipper.CONSUMER);
            for (int i = 0; i < 40; i++) {
                spool.appendOne(new byte[92]);
            }
            spool.commitCursor(LandingZoneShipper.CONSUMER, 40);
            assertThat(spool.sizeBytes()).isEqualTo(4000);
        }

        AgentConfig landingOnly = AgentConfig.load(null, Map.of(), List.of("agent-id=ws-17", "host=ws-17",
                "tenant=acme", "spool.dir=" + spoolDir, "spool.segment-bytes=1024", "spool.max-bytes=4096",
                "landing.uri=" + tmp.resolve("landing").toUri(), "landing.interval=PT0.1S",
                "intake.port=0", "intake.token=" + TOKEN,
                "sources.host-metrics.enabled=false", "sources.processes.enabled=false"));
        try (Agent agent = new Agent(landingOnly).start()) {
            HttpResponse<String> r = post(agent, appEvent());

            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            await("the event landed", () -> landed().events().size() == 1);
            assertThat(agent.spool().unregisteredCursors()).containsExactly(spoolDir.resolve("scorer.cursor"));
        }
    }

    @Test
    void aScorerRefusingTheTokenIsLoggedNamingTheKeyAndTheNextTry() throws Exception {
        com.sun.net.httpserver.HttpServer scorer = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        scorer.createContext("/v1/events", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(401, -1);
            ex.close();
        });
        scorer.start();
        AgentConfig wrongToken = AgentConfig.load(null, Map.of(), List.of("agent-id=ws-17", "host=ws-17",
                "tenant=acme", "spool.dir=" + tmp.resolve("spool"), "intake.port=0", "intake.token=" + TOKEN,
                "scorer.url=http://127.0.0.1:" + scorer.getAddress().getPort(), "scorer.token=wrong-token-0123456789",
                "sources.host-metrics.enabled=false", "sources.processes.enabled=false"));
        try (LogLines log = new LogLines(Agent.class); Agent agent = new Agent(wrongToken).start()) {
            assertThat(post(agent, appEvent()).statusCode()).isEqualTo(200);

            await("the refusal is logged", () -> log.lines().stream().anyMatch(l -> l.startsWith("ERROR")));
            assertThat(log.lines()).contains("ERROR scorer shipping paused: scorer at http://127.0.0.1:"
                    + scorer.getAddress().getPort() + "/v1/events refused the agent token (HTTP 401); set "
                    + "scorer.token (SHADOW_AGENT_SCORER_TOKEN) to a token of the scorer with the agent role; the "
                    + "events stay in the spool, next try in 30 s");
            assertThat(agent.spool().cursor(ScorerShipper.CONSUMER)).as("nothing dropped").isZero();
        } finally {
            scorer.stop(0);
        }
    }

    @Test
    void eventsTheScorerRefusesAreLoggedOnceAMinuteAndCountedOnHealth() throws Exception {
        com.sun.net.httpserver.HttpServer scorer = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        java.util.concurrent.atomic.AtomicInteger batches = new java.util.concurrent.atomic.AtomicInteger();
        scorer.createContext("/v1/events", ex -> {
            long lines = new String(ex.getRequestBody().readAllBytes()).lines().count();
            batches.incrementAndGet();
            byte[] answer = ("{\"accepted\":" + (lines - 1) + ",\"rejected\":1,\"errors\":[{\"index\":0,\"field\":"
                    + "\"host\",\"error\":\"field 'host': is not the host of this token\"}]}").getBytes();
            ex.sendResponseHeaders(200, answer.length);
            ex.getResponseBody().write(answer);
            ex.close();
        });
        scorer.start();
        AgentConfig cfg = AgentConfig.load(null, Map.of(), List.of("agent-id=ws-17", "host=ws-17", "tenant=acme",
                "spool.dir=" + tmp.resolve("spool"), "intake.port=0", "intake.token=" + TOKEN,
                "scorer.url=http://127.0.0.1:" + scorer.getAddress().getPort(), "scorer.token=agent-token-0123456789",
                "sources.host-metrics.enabled=false", "sources.processes.enabled=false"));
        try (LogLines log = new LogLines(ScorerShipper.class); Agent agent = new Agent(cfg).start()) {
            assertThat(post(agent, appEvent() + "\n" + appEvent().replace("files-api-1", "files-api-2"))
                    .statusCode()).isEqualTo(200);
            await("the first batch is answered", () -> agent.counters()[3] == 1);
            assertThat(post(agent, appEvent().replace("files-api-1", "files-api-3")).statusCode()).isEqualTo(200);
            await("the second batch is answered", () -> agent.counters()[3] == 2);

            assertThat(batches).hasValue(2);
            assertThat(log.lines()).as("the second refusal within the minute waits for the next report")
                    .containsExactly("WARN scorer refused 1 of 2 events of a batch (the first, line 0 of the batch: "
                            + "field 'host': is not the host of this token); 1 refused in 1 batch(es) since the last "
                            + "report, 1 since the agent started; they are not sent again (they still reach the "
                            + "landing zone, if one is configured): fix the sender, or the host binding of "
                            + "scorer.token");
            JsonNode health = EventCodec.mapper().readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + agent.intakePort() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertThat(health.path("refused_by_scorer").asLong()).isEqualTo(2);
        } finally {
            scorer.stop(0);
        }
    }

    @Test
    void cloudTrailSourcesUnderTheDefaultTenantAreReportedAtStart() {
        String warning = "WARN CloudTrail events take the agent's tenant, and tenant is 'default' (its default): the "
                + "events of every AWS account these sources read land in tenant 'default'. Set tenant to the tenant "
                + "these accounts belong to, or tenant: \"\" to keep one tenant per AWS account id";
        List<String> common = List.of("agent-id=ws-17", "host=ws-17", "spool.dir=" + tmp.resolve("spool"),
                "landing.uri=" + tmp.resolve("landing").toUri(), "sources.host-metrics.enabled=false",
                "sources.processes.enabled=false");
        List<String> cloudTrail = new ArrayList<>(common);
        cloudTrail.add("sources.cloudtrail-logs=" + tmp.resolve("cloudtrail.jsonl"));
        List<String> acme = new ArrayList<>(cloudTrail);
        acme.add("tenant=acme");

        try (LogLines log = new LogLines(Agent.class)) {
            new Agent(AgentConfig.load(null, Map.of(), cloudTrail)).close();
            assertThat(log.lines()).contains(warning);
        }
        try (LogLines log = new LogLines(Agent.class)) {
            new Agent(AgentConfig.load(null, Map.of(), acme)).close();
            new Agent(AgentConfig.load(null, Map.of(), common)).close();
            assertThat(log.lines()).as("a tenant set, or no CloudTrail source").noneMatch(l -> l.startsWith("WARN"));
        }
    }

    /** A CloudTrail delivery (5 events of account 123456789012) in {@code drop/}, and a Kubernetes audit log (4). */
    private void deliverCloudTrailAndAuditLog() throws Exception {
        Files.createDirectories(tmp.resolve("drop"));
        Path delivered = resource("cloudtrail/123456789012_CloudTrail_eu-west-1_20261109T1000Z_ab12.json");
        Files.copy(delivered, tmp.resolve("drop").resolve(delivered.getFileName()));
        Files.copy(resource("k8s/audit.jsonl"), tmp.resolve("audit.log"));
    }

    @Test
    void withoutATenantCloudTrailEventsBelongToTheirAccountAndTheRestToTheDefault() throws Exception {
        deliverCloudTrailAndAuditLog();
        AgentConfig noTenant = AgentConfig.load(null, Map.of(), List.of("agent-id=ws-17", "host=ws-17", "tenant=",
                "spool.dir=" + tmp.resolve("spool"), "landing.uri=" + tmp.resolve("landing").toUri(),
                "landing.interval=PT0.1S", "sources.poll-interval=PT0.1S", "sources.host-metrics.enabled=false",
                "sources.processes.enabled=false", "sources.cloudtrail-dirs=" + tmp.resolve("drop"),
                "sources.k8s-audit-logs=" + tmp.resolve("audit.log")));

        try (Agent agent = new Agent(noTenant).start()) {
            await("5 CloudTrail and 4 audit events landed", () -> landed().events().size() == 9);
        }

        assertThat(landed().events()).filteredOn(e -> e.operation().equals("AttachUserPolicy")).singleElement()
                .satisfies(e -> assertThat(e.tenant()).isEqualTo("123456789012"));
        assertThat(landed().events()).filteredOn(e -> e.operation().equals("create clusterrolebindings"))
                .isNotEmpty().allSatisfy(e -> assertThat(e.tenant()).isEqualTo("default"));
    }

    @Test
    void aFileLandingZoneThatCannotBeCreatedStopsTheAgentAtStartWithOneLine() throws Exception {
        Path file = Files.writeString(tmp.resolve("not-a-directory"), "x");
        Path landing = file.resolve("landing");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Agent.class.getName(),
                "--set", "spool.dir=" + tmp.resolve("spool"), "--set", "landing.uri=" + landing.toUri(),
                "--set", "sources.host-metrics.enabled=false", "--set", "sources.processes.enabled=false")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(tmp.resolve("stderr").toFile()).start();
        boolean exited = p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly().waitFor();
        }
        String stderr = Files.readString(tmp.resolve("stderr"));

        assertThat(exited).as("the agent exits at start; it was still running: " + stderr).isTrue();
        assertThat(p.exitValue()).as(stderr).isEqualTo(1);
        assertThat(stderr.lines().filter(l -> l.startsWith("error:"))).containsExactly("error: the agent cannot "
                + "start: landing.uri " + landing.toUri() + " cannot be written: " + landing + ": Not a directory; "
                + "make it a directory the agent can create and write, or change landing.uri");
    }

    @Test
    void everySourceAndTheIntakeLandOnceAcrossARestart() throws Exception {
        deliverCloudTrailAndAuditLog();
        Files.copy(resource("cloudtrail/records.jsonl"), tmp.resolve("cloudtrail.jsonl"));

        try (Agent agent = new Agent(config()).start()) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + agent.intakePort() + "/v1/events"))
                    .header("Authorization", "Bearer " + TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString(appEvent())).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);

            // 5 delivered + 3 CloudTrail lines + 4 audit events + 1 from the intake; 3 + 1 rejections
            await("13 events and 4 rejections landed", () -> landed().events().size() == 13
                    && landed().rejections() == 4);
        }

        Files.writeString(tmp.resolve("audit.log"), Files.readAllLines(resource("k8s/audit.jsonl")).get(1)
                .replace("6f1c2b8e-3d4a-4f5b-9c6d-7e8f9a0b1c2d", "77777777-8888-4999-8aaa-bbbbbbbbbbbb") + "\n",
                StandardOpenOption.APPEND);
        try (Agent agent = new Agent(config()).start()) {
            await("the line written while the agent was down", () -> landed().events().stream()
                    .anyMatch(e -> e.eventId().equals("77777777-8888-4999-8aaa-bbbbbbbbbbbb")));
        }

        Landed landed = landed();
        assertThat(landed.events()).extracting(ActivityEvent::eventId).doesNotHaveDuplicates().hasSize(14);
        assertThat(landed.rejections()).isEqualTo(4);
        assertThat(landed.events()).filteredOn(e -> e.operation().equals("AttachUserPolicy")).singleElement()
                .satisfies(e -> assertThat(e.tenant()).as("the agent's tenant").isEqualTo("acme"))
                .satisfies(e -> assertThat(e.raw()).containsEntry("recipientAccountId", "123456789012"));
        assertThat(landed.events()).extracting(ActivityEvent::tenant).containsOnly("acme");
        assertThat(landed.events()).filteredOn(e -> e.operation().equals("create clusterrolebindings"))
                .hasSize(2).allSatisfy(e -> assertThat(e.tenant()).isEqualTo("acme"));
    }
}
