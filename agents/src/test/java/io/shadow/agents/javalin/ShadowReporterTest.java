package io.shadow.agents.javalin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.javalin.Javalin;
import io.shadow.features.json.TransferLimit;
import io.shadow.agents.intake.AgentIntake;
import io.shadow.agents.spool.Spool;
import io.shadow.features.ActivityEvent;
import io.shadow.features.EventClass;
import io.shadow.features.Outcome;
import io.shadow.features.ResourceType;
import io.shadow.features.json.EventCodec;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real Javalin service with the reporter installed, called over real HTTP. */
class ShadowReporterTest {
    private static final String TOKEN = "intake-token-0123456789abcdef";
    private static final long SEGMENT = 1 << 20;
    private static final long ROOMY = 1 << 24;

    @TempDir
    Path tmp;
    private final HttpClient http = HttpClient.newHttpClient();
    private Javalin app;
    private Spool spool;
    private AgentIntake intake;
    private IntakeSink intakeSink;

    @AfterEach
    void stop() throws InterruptedException {
        if (app != null) {
            app.stop();
        }
        if (intakeSink != null) {
            intakeSink.close();
        }
        if (intake != null) {
            intake.close();
        }
        if (spool != null) {
            spool.close();
        }
    }

    /** The files service: {@code GET /files/{id}} (404 for "missing", 500 for "boom") and {@code POST /files}. */
    private Javalin startService(EventSink sink) {
        app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            ShadowReporter.install(cfg, sink, ShadowReporter.Options.of("acme", "files-api",
                    ResourceType.DATA_STORAGE));
            cfg.routes.get("/files/{id}", ctx -> {
                String id = ctx.pathParam("id");
                if (id.equals("missing")) {
                    ctx.status(404).result("no file " + id);
                } else if (id.equals("boom")) {
                    throw new IllegalStateException("disk gone");
                } else {
                    ctx.result("contents of file " + id + " ".repeat(100));
                }
            });
            cfg.routes.post("/files", ctx -> ctx.status(201).result("stored " + ctx.body().length() + " bytes"));
        }).start("127.0.0.1", 0);
        return app;
    }

    private HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<ActivityEvent> events(Spool s) {
        return s.read(0, 10_000).stream()
                .map(r -> EventCodec.parse(new String(r.payload(), StandardCharsets.UTF_8))).toList();
    }

    /** Waits for {@code condition}, at most a minute: returns as soon as it holds, even on a loaded machine. */
    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /** Reports are written after the handler; the response may reach the client a moment earlier. */
    private List<ActivityEvent> awaitSpooled(Spool s, int n) throws InterruptedException {
        await(n + " events in the spool", () -> s.read(0, 10_000).size() >= n);
        return events(s);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void aCallIsReportedWithWhoWhatHowMuchAndHowLong() throws Exception {
        spool = Spool.open(tmp.resolve("spool"), SEGMENT, ROOMY);
        startService(new SpoolSink(spool));
        Instant before = Instant.now();

        HttpResponse<String> r = get("/files/42", "X-User", "alice@acme.example");

        assertThat(r.statusCode()).isEqualTo(200);
        ActivityEvent e = awaitSpooled(spool, 1).get(0);
        assertThat(e.tenant()).isEqualTo("acme");
        assertThat(e.eventClass()).isEqualTo(EventClass.API_ACTIVITY);
        assertThat(e.principal()).isEqualTo("alice@acme.example");
        assertThat(e.operation()).isEqualTo("GET /files/{id}");
        assertThat(e.resourceId()).isEqualTo("/files/42");
        assertThat(e.resourceType()).isEqualTo(ResourceType.DATA_STORAGE);
        assertThat(e.host()).isEqualTo("files-api");
        assertThat(e.srcIp()).isEqualTo("127.0.0.1");
        assertThat(e.userAgent()).startsWith("Java-http-client/");
        assertThat(e.outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(e.bytesOut()).isEqualTo(r.body().getBytes(StandardCharsets.UTF_8).length).isGreaterThan(100);
        assertThat(e.bytesIn()).isZero();
        assertThat(e.time()).isBetween(before, Instant.now());
        assertThat(e.raw()).containsEntry("status", "200").containsEntry("service", "files-api");
        assertThat(Long.parseLong(e.raw().get("latency_us"))).isNotNegative().isLessThan(15_000_000L);
    }

    @Test
    void thePrincipalIsTheUserHeaderElseTheBasicAuthUserElseAnonymous() throws Exception {
        spool = Spool.open(tmp.resolve("spool"), SEGMENT, ROOMY);
        startService(new SpoolSink(spool));

        get("/files/1", "X-User", "alice@acme.example", "Authorization", basic("bob", "s3cret"));
        awaitSpooled(spool, 1);
        get("/files/2", "Authorization", basic("bob", "s3cret"));
        awaitSpooled(spool, 2);
        get("/files/3", "Authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.x");
        awaitSpooled(spool, 3);
        get("/files/4");

        assertThat(awaitSpooled(spool, 4)).extracting(ActivityEvent::resourceId, ActivityEvent::principal)
                .containsExactly(tuple("/files/1", "alice@acme.example"),
                        tuple("/files/2", "bob"),
                        tuple("/files/3", "anonymous"),
                        tuple("/files/4", "anonymous"));
    }

    @Test
    void clientAndServerErrorsAreFailures() throws Exception {
        spool = Spool.open(tmp.resolve("spool"), SEGMENT, ROOMY);
        startService(new SpoolSink(spool));

        assertThat(get("/files/missing", "X-User", "alice").statusCode()).isEqualTo(404);
        awaitSpooled(spool, 1);
        assertThat(get("/files/boom", "X-User", "alice").statusCode()).isEqualTo(500);
        awaitSpooled(spool, 2);
        assertThat(get("/admin/users", "X-User", "mallory").statusCode()).isEqualTo(404);

        List<ActivityEvent> events = awaitSpooled(spool, 3);
        assertThat(events).extracting(ActivityEvent::outcome).containsOnly(Outcome.FAILURE);
        assertThat(events).extracting(e -> e.raw().get("status")).containsExactly("404", "500", "404");
        assertThat(events.get(0).operation()).isEqualTo("GET /files/{id}");
        assertThat(events.get(1).operation()).isEqualTo("GET /files/{id}");
        assertThat(events.get(2).operation()).as("probed paths share one operation").isEqualTo("GET <unmatched>");
        assertThat(events.get(2).resourceId()).isEqualTo("/admin/users");
        assertThat(events.get(2).principal()).isEqualTo("mallory");
    }

    @Test
    void uploadedBytesAreBytesIn() throws Exception {
        spool = Spool.open(tmp.resolve("spool"), SEGMENT, ROOMY);
        startService(new SpoolSink(spool));
        String upload = "x".repeat(3000);

        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + app.port() + "/files")).header("X-User", "alice")
                .POST(HttpRequest.BodyPublishers.ofString(upload)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(201);
        ActivityEvent e = awaitSpooled(spool, 1).get(0);
        assertThat(e.operation()).isEqualTo("POST /files");
        assertThat(e.bytesIn()).isEqualTo(3000);
        assertThat(e.bytesOut()).isEqualTo(r.body().length());
        assertThat(e.outcome()).isEqualTo(Outcome.SUCCESS);
    }

    @Test
    void anIntakeSinkDeliversToTheAgentsSpool() throws Exception {
        spool = Spool.open(tmp.resolve("agent-spool"), SEGMENT, ROOMY);
        intake = new AgentIntake(spool, "acme", "127.0.0.1", 0, TOKEN, 1 << 20, TransferLimit.DEFAULT_MAX_BYTES);
        intakeSink = new IntakeSink(URI.create("http://127.0.0.1:" + intake.port()), TOKEN, 100);
        startService(intakeSink);

        for (int i = 1; i <= 5; i++) {
            assertThat(get("/files/" + i, "X-User", "alice").statusCode()).isEqualTo(200);
        }

        await("5 reports sent", () -> intakeSink.sent() == 5);
        assertThat(events(spool)).extracting(ActivityEvent::resourceId)
                .containsExactlyInAnyOrder("/files/1", "/files/2", "/files/3", "/files/4", "/files/5");
        assertThat(events(spool)).extracting(ActivityEvent::operation).containsOnly("GET /files/{id}");
        assertThat(intakeSink.dropped()).isZero();
    }

    @Test
    void withTheAgentDownReportsBeyondCapacityAreDroppedAndCountedWithoutBlocking() throws Exception {
        int port = freePort();
        int capacity = 5;
        intakeSink = new IntakeSink(URI.create("http://127.0.0.1:" + port), TOKEN, capacity);
        ActivityEvent.Builder call = ActivityEvent.builder().tenant("acme").operation("GET /files/{id}")
                .principal("alice").host("files-api").resourceType(ResourceType.DATA_STORAGE);

        long start = System.nanoTime();
        for (int i = 0; i < 200; i++) {
            intakeSink.report(call.eventId("call-" + i).time(Instant.parse("2026-11-09T10:00:00Z").plusMillis(i))
                    .resourceId("/files/" + i).build());
        }
        Duration reporting = Duration.ofNanos(System.nanoTime() - start);

        // a few milliseconds of work; the bound leaves room for a loaded machine that descheduled this
        // thread, yet a report that waited for room in the full queue (the sender never drains it while
        // the agent is down), even 25 ms each, would take longer
        assertThat(reporting).as("200 reports with the agent down").isLessThan(Duration.ofSeconds(5));
        // at most a full queue plus the batch the sender holds are kept; that batch is the report it
        // polled plus what it drained after, which the request thread may have refilled in between
        assertThat(intakeSink.dropped()).isBetween(200L - (2 * capacity + 1), 200L - capacity);
        assertThat(intakeSink.sent()).isZero();

        spool = Spool.open(tmp.resolve("agent-spool"), SEGMENT, ROOMY);
        intake = new AgentIntake(spool, "acme", "127.0.0.1", port, TOKEN, 1 << 20, TransferLimit.DEFAULT_MAX_BYTES);
        long kept = 200 - intakeSink.dropped();
        await(kept + " kept reports sent once the agent is back", () -> intakeSink.sent() == kept);
        assertThat(events(spool)).hasSize((int) kept);
    }

    @Test
    void reportsTheAgentRefusesAreCountedAsDropped() throws Exception {
        spool = Spool.open(tmp.resolve("agent-spool"), SEGMENT, ROOMY);
        intake = new AgentIntake(spool, "acme", "127.0.0.1", 0, TOKEN, 1 << 20, TransferLimit.DEFAULT_MAX_BYTES);
        intakeSink = new IntakeSink(URI.create("http://127.0.0.1:" + intake.port()), "not-the-agents-token-0000", 100);
        startService(intakeSink);

        get("/files/1", "X-User", "alice");
        get("/files/2", "X-User", "alice");

        await("2 refused reports counted", () -> intakeSink.dropped() == 2);
        assertThat(intakeSink.sent()).isZero();
        assertThat(events(spool)).isEmpty();
    }
}
