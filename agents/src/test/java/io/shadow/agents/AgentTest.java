package io.shadow.agents;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.shadow.agents.ship.LandingZoneShipper;
import io.shadow.agents.ship.ScorerShipper;
import io.shadow.agents.ship.ShipStatus;
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

    /** Waits for {@code condition}, at most a minute: returns as soon as it holds, even on a loaded machine. */
    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        await(what, condition, Duration.ofSeconds(60));
    }

    private static void await(String what, BooleanSupplier condition, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
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
            HttpResponse<String> health = health(agent);
            assertThat(health.statusCode()).as(health.body()).isEqualTo(503);
            JsonNode h = EventCodec.mapper().readTree(health.body());
            assertThat(h.path("status").asText()).isEqualTo("degraded");
            assertThat(h.path("problems").path(0).asText()).startsWith("scorer refuses the agent's token: scorer at ");
            assertThat(h.path("consumers").path("scorer").path("unshipped_records").asLong()).isEqualTo(1);
        } finally {
            scorer.stop(0);
        }
    }

    @Test
    void anAgentShadowWillNotGiveCommandsToIsDegradedNotOk() throws Exception {
        com.sun.net.httpserver.HttpServer api = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        java.util.concurrent.atomic.AtomicInteger status = new java.util.concurrent.atomic.AtomicInteger(401);
        api.createContext("/v1/agent/commands", ex -> {
            byte[] body = status.get() == 200 ? "[]".getBytes() : "{\"status\":401,\"error\":\"unknown token\"}"
                    .getBytes();
            ex.sendResponseHeaders(status.get(), body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        api.start();
        AgentConfig cfg = AgentConfig.load(null, Map.of(), List.of("agent-id=ws-17", "host=ws-17", "tenant=acme",
                "spool.dir=" + tmp.resolve("spool"), "intake.port=0", "intake.token=" + TOKEN,
                "landing.uri=" + tmp.resolve("landing").toUri(), "actions.enabled=true",
                "actions.url=http://127.0.0.1:" + api.getAddress().getPort(), "actions.token=wrong-token-0123456789",
                "actions.poll-interval=PT0.1S", "sources.host-metrics.enabled=false", "sources.processes.enabled=false"));
        try (Agent agent = new Agent(cfg).start()) {
            await("a refused poll", () -> healthStatus(agent) == 503);
            JsonNode h = EventCodec.mapper().readTree(health(agent).body());
            assertThat(h.path("problems").path(0).asText()).startsWith("Shadow refuses actions.token, so no command "
                    + "(isolate, suspend, release) reaches this host: GET /v1/agent/commands?tenant=acme&host=ws-17 "
                    + "answered HTTP 401");
            assertThat(h.path("commands").path("failing_since").isNull()).isFalse();

            status.set(200);
            // the poll backs off while refused (0.5 s doubling to 60 s): a slow machine may wait a while
            await("polls answered again", () -> healthStatus(agent) == 200, Duration.ofSeconds(90));
            JsonNode ok = EventCodec.mapper().readTree(health(agent).body());
            assertThat(ok.path("commands").path("last_polled").asText()).isNotEmpty();
            assertThat(ok.path("commands").path("failing_since").isNull()).isTrue();
        } finally {
            api.stop(0);
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
            // A file is landed before the spool cursor passes it, and a source reads its lines before it saves
            // where it is: closing in between (the lines were just seen landing) interrupts the cursor's or
            // the source's write, and the next start sends those lines again. That is the agent's
            // at-least-once, not what this test is about: wait until both are saved.
            await("the landing cursor and the sources' states saved", () -> agent.spool().cursor(
                    LandingZoneShipper.CONSUMER) == agent.spool().nextSequence()
                    && agent.counters()[0] == agent.spool().nextSequence() - 1); // all but the intake's event
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

    private static int healthStatus(Agent agent) {
        try {
            return health(agent).statusCode();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> health(Agent agent) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + agent.intakePort() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String auditLine(int i) {
        return "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"stage\":\"ResponseComplete\","
                + "\"auditID\":\"a-" + i + "\",\"verb\":\"get\",\"user\":{\"username\":\"alice\"},"
                + "\"objectRef\":{\"resource\":\"secrets\",\"namespace\":\"prod\",\"name\":\"db\"},"
                + "\"stageTimestamp\":\"2026-11-09T10:00:0" + i + "Z\",\"responseStatus\":{\"code\":200}}";
    }

    @Test
    void anOversizedLogLineIsRejectedNamingItAndCaptureGoesOn() throws Exception {
        Path audit = tmp.resolve("audit.log");
        // the good line, one line of 8 MiB (no newline inside), the next good line
        try (var out = Files.newOutputStream(audit)) {
            out.write((auditLine(1) + "\n").getBytes());
            out.write("{\"kind\":\"Event\",\"requestObject\":\"".getBytes());
            byte[] chunk = new byte[1 << 20];
            java.util.Arrays.fill(chunk, (byte) 'x');
            for (int i = 0; i < 8; i++) {
                out.write(chunk);
            }
            out.write("\"}\n".getBytes());
            out.write((auditLine(2) + "\n").getBytes());
        }
        long hugeAt = auditLine(1).length() + 1;
        long hugeLength = Files.size(audit) - hugeAt - auditLine(2).length() - 2;
        AgentConfig cfg = AgentConfig.load(null, Map.of(), List.of("agent-id=ws-17", "host=ws-17", "tenant=acme",
                "spool.dir=" + tmp.resolve("spool"), "landing.uri=" + tmp.resolve("landing").toUri(),
                "landing.interval=PT0.1S", "sources.poll-interval=PT0.1S", "sources.host-metrics.enabled=false",
                "sources.processes.enabled=false", "sources.max-line-bytes=65536",
                "sources.k8s-audit-logs=" + audit));

        try (LogLines log = new LogLines(io.shadow.agents.capture.LogFileSource.class);
             Agent agent = new Agent(cfg).start()) {
            await("both good lines and the rejection landed", () -> landed().events().size() == 2
                    && landed().rejections() == 1);
            assertThat(log.lines()).containsExactly("WARN source k8s-audit-0: line at byte " + hugeAt + " of " + audit
                    + " is " + hugeLength + " bytes, more than sources.max-line-bytes (65536); skipped (the record "
                    + "holds its first 1024 characters). Raise sources.max-line-bytes if lines this long are real");
        }
        String rejection = Files.readAllLines(Files.list(tmp.resolve("landing/events")).sorted().toList().get(0))
                .stream().filter(l -> l.contains(EventCodec.REJECTED)).findFirst().orElseThrow();
        assertThat(EventCodec.mapper().readTree(rejection).path(EventCodec.REJECTED).path("reason").asText())
                .contains("line at byte " + hugeAt + " of " + audit + " is " + hugeLength + " bytes");
        assertThat(landed().events()).extracting(ActivityEvent::eventId).containsExactly("a-1", "a-2");
    }

    /** A source that fails as a real one did on a huge line (OutOfMemoryError) while {@code failing} is set. */
    private static final class FailingSource implements io.shadow.agents.capture.Source {
        final java.util.concurrent.atomic.AtomicBoolean failing = new java.util.concurrent.atomic.AtomicBoolean(true);
        volatile boolean nameFails;

        @Override
        public String name() {
            if (nameFails) {
                throw new OutOfMemoryError("Java heap space");
            }
            return "broken-0";
        }

        @Override
        public int poll(Sink sink) {
            if (failing.get()) {
                throw new OutOfMemoryError("Java heap space");
            }
            return 0;
        }
    }

    @Test
    void aSourceThatFailsEvenWithAnErrorDoesNotStopTheOthersAndShowsOnHealth() throws Exception {
        Path audit = tmp.resolve("audit.log");
        AgentConfig cfg = AgentConfig.load(null, Map.of(), List.of("agent-id=ws-17", "host=ws-17", "tenant=acme",
                "spool.dir=" + tmp.resolve("spool"), "landing.uri=" + tmp.resolve("landing").toUri(),
                "landing.interval=PT0.1S", "sources.poll-interval=PT0.1S", "sources.host-metrics.enabled=false",
                "sources.processes.enabled=false", "intake.port=0", "intake.token=" + TOKEN,
                "sources.k8s-audit-logs=" + audit));
        FailingSource broken = new FailingSource();

        try (LogLines log = new LogLines(Agent.class); Agent agent = new Agent(cfg).withSource(broken).start()) {
            Files.writeString(audit, auditLine(1) + "\n");
            await("the audit line landed", () -> landed().events().size() == 1);
            HttpResponse<String> health = health(agent);
            assertThat(health.statusCode()).as(health.body()).isEqualTo(503);
            JsonNode h = EventCodec.mapper().readTree(health.body());
            assertThat(h.path("status").asText()).isEqualTo("degraded");
            assertThat(h.path("failing_sources").path("broken-0").asText())
                    .isEqualTo("java.lang.OutOfMemoryError: Java heap space");
            assertThat(log.lines()).filteredOn(l -> l.startsWith("ERROR")).containsExactly("ERROR source broken-0 "
                    + "failed (java.lang.OutOfMemoryError: Java heap space); the other sources go on, it is retried "
                    + "every poll and /health reports it until it captures again");

            broken.failing.set(false);
            // the source leaves the failing ones, then logs so: /health may say 200 before the line is written
            String again = "INFO source broken-0 captures again (it had failed: java.lang.OutOfMemoryError: Java heap "
                    + "space)";
            await("the source captures again", () -> log.lines().contains(again));
            await("the source is healthy again", () -> {
                try {
                    return health(agent).statusCode() == 200;
                } catch (Exception e) {
                    return false;
                }
            });

            // a failure the loop does not survive: /health says so until a restart
            broken.nameFails = true;
            broken.failing.set(true);
            await("the capture thread stopped", () -> log.lines().stream().anyMatch(l -> l.startsWith(
                    "ERROR agent thread shadow-agent-capture stopped")));
            health = health(agent);
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(EventCodec.mapper().readTree(health.body()).path("problems").toString())
                    .contains("thread shadow-agent-capture stopped (java.lang.OutOfMemoryError: Java heap space); "
                            + "restart the agent");
        }
    }

    @Test
    void healthIsDegradedWhileShippingFailsLongerThanTheLagAndShowsTheBacklog() throws Exception {
        com.sun.net.httpserver.HttpServer scorer = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean(true);
        scorer.createContext("/v1/events", ex -> {
            long lines = new String(ex.getRequestBody().readAllBytes()).lines().count();
            byte[] answer = down.get() ? "{\"status\":503,\"error\":\"overloaded\"}".getBytes()
                    : ("{\"accepted\":" + lines + ",\"rejected\":0,\"errors\":[]}").getBytes();
            ex.getResponseHeaders().set("Retry-After", "1");
            ex.sendResponseHeaders(down.get() ? 503 : 200, answer.length);
            ex.getResponseBody().write(answer);
            ex.close();
        });
        scorer.start();
        AgentConfig cfg = AgentConfig.load(null, Map.of(), List.of("agent-id=ws-17", "host=ws-17", "tenant=acme",
                "spool.dir=" + tmp.resolve("spool"), "intake.port=0", "intake.token=" + TOKEN,
                "scorer.url=http://127.0.0.1:" + scorer.getAddress().getPort(), "scorer.token=agent-token-0123456789",
                "health.max-ship-lag=PT1S", "sources.host-metrics.enabled=false", "sources.processes.enabled=false"));
        try (LogLines log = new LogLines(ShipStatus.class); Agent agent = new Agent(cfg).start()) {
            assertThat(post(agent, appEvent()).statusCode()).isEqualTo(200);

            await("health turns degraded", () -> {
                try {
                    return health(agent).statusCode() == 503;
                } catch (Exception e) {
                    return false;
                }
            });
            JsonNode h = EventCodec.mapper().readTree(health(agent).body());
            JsonNode s = h.path("consumers").path("scorer");
            assertThat(s.path("unshipped_records").asLong()).isEqualTo(1);
            assertThat(s.path("unshipped_bytes").asLong()).isEqualTo(appEvent().length() + 8);
            assertThat(s.path("last_shipped").isNull()).isTrue();
            assertThat(s.path("last_error").asText()).isEqualTo("scorer at http://127.0.0.1:"
                    + scorer.getAddress().getPort() + "/v1/events is busy (HTTP 503), retry after 1 s");
            assertThat(h.path("problems").path(0).asText()).startsWith("shipping to scorer has failed for ")
                    .contains("(more than health.max-ship-lag PT1S), 1 record(s) wait: scorer at ");
            assertThat(h.path("refused_by_scorer").asLong()).isZero();

            down.set(false);
            await("the backlog is shipped", () -> agent.spool().cursor(ScorerShipper.CONSUMER) == 1);
            // the shipper marks the failure over, then the time it shipped: wait for both
            await("health is ok again", () -> {
                try {
                    HttpResponse<String> ok = health(agent);
                    return ok.statusCode() == 200 && !EventCodec.mapper().readTree(ok.body()).path("consumers")
                            .path("scorer").path("last_shipped").isNull();
                } catch (Exception e) {
                    return false;
                }
            });
            h = EventCodec.mapper().readTree(health(agent).body());
            assertThat(h.path("consumers").path("scorer").path("unshipped_records").asLong()).isZero();
            assertThat(h.path("consumers").path("scorer").path("last_shipped").asText()).isNotEmpty();
            assertThat(log.lines()).filteredOn(l -> l.startsWith("INFO")).singleElement().asString()
                    .startsWith("INFO shipping to scorer resumed after ");
        } finally {
            scorer.stop(0);
        }
    }

    @Test
    void aSpoolDirThatIsAFileIsNamedAsSuch() throws Exception {
        Path file = Files.writeString(tmp.resolve("spool-file"), "x");
        AgentConfig cfg = AgentConfig.load(null, Map.of(), List.of("spool.dir=" + file,
                "landing.uri=" + tmp.resolve("landing").toUri(), "sources.host-metrics.enabled=false",
                "sources.processes.enabled=false"));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Agent(cfg)).hasMessage("spool.dir " + file
                + " is a regular file, not a directory; set spool.dir to a directory (it is created if missing) or "
                + "move the file away");
    }
}
