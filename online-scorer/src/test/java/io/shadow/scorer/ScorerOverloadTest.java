package io.shadow.scorer;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.model.registry.LocalModelRegistry;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A burst larger than the scorer takes at once is answered at once with 429 or 503 and Retry-After;
 * uploads that stall or trickle hold no scoring slot, and are cut off with 408 at server.body-timeout.
 */
class ScorerOverloadTest {
    @TempDir
    Path dir;

    private TestServer server;

    @BeforeEach
    void start() {
        // one batch at a time, two waiting, and a waiting batch gives up after 1 ms
        ScorerSettings tight = ScorerSettings.defaults().withAdmission(1, 2, Duration.ofMillis(1));
        server = new TestServer(new LocalModelRegistry(dir.resolve("registry")), TestServer.baselines(1), tight,
                4 << 20);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** What one request of the burst got, and how long it took. */
    private record Answer(int status, String retryAfter, String error, long millis) {
    }

    @Test
    void aBurstGets429And503WithRetryAfterAndTheScorerRecovers() throws Exception {
        int burst = 24;
        List<String> batches = new ArrayList<>();
        for (int i = 0; i < burst; i++) {
            batches.add(TestServer.deletes("burst-" + i, "10.0.0.5", 2_000));
        }
        ExecutorService clients = Executors.newFixedThreadPool(burst);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Answer>> futures = new ArrayList<>();
        try {
            for (String body : batches) {
                futures.add(clients.submit(() -> {
                    go.await();
                    long t0 = System.nanoTime();
                    HttpResponse<String> r = server.post("/v1/events", body, TestServer.AGENT);
                    return new Answer(r.statusCode(), r.headers().firstValue("Retry-After").orElse(null),
                            r.statusCode() == 200 ? null : TestServer.json(r).get("error").asText(),
                            (System.nanoTime() - t0) / 1_000_000);
                }));
            }
            go.countDown();
            List<Answer> answers = new ArrayList<>();
            for (Future<Answer> f : futures) {
                answers.add(f.get());
            }

            assertThat(answers).extracting(Answer::status).containsOnly(200, 429, 503).contains(200, 429);
            List<Answer> refused = answers.stream().filter(a -> a.status() != 200).toList();
            assertThat(refused).allSatisfy(a -> {
                assertThat(a.retryAfter()).isEqualTo("1");
                assertThat(a.millis()).as("refusals are quick, not timeouts").isLessThan(2_000);
            });
            assertThat(refused).filteredOn(a -> a.status() == 429).first().extracting(Answer::error).asString()
                    .startsWith("too many scoring requests at once (1 in flight, 2 queued); retry after 1 s");
            refused.stream().filter(a -> a.status() == 503).findFirst().ifPresent(a -> assertThat(a.error())
                    .startsWith("the scorer is overloaded (no scoring slot within 1 ms); retry after 1 s"));
        } finally {
            clients.shutdownNow();
        }

        HttpResponse<String> after = server.post("/v1/events", TestServer.deletes("u-1", "10.0.0.5", 5),
                TestServer.AGENT);
        assertThat(after.statusCode()).as("the burst is over: scoring works again").isEqualTo(200);
        assertThat(server.service.admission().inFlight()).isZero();
        assertThat(server.service.admission().queued()).isZero();
        String metrics = server.get("/metrics", TestServer.OPERATOR).body();
        assertThat(metrics).containsPattern("shadow_scorer_overload_total\\{answer=\"429\"\\} [1-9]");
    }

    @Test
    void aQueuedRequestIsServedWhenASlotFreesInTime() throws Exception {
        server.close();
        server = new TestServer(new LocalModelRegistry(dir.resolve("registry")), TestServer.baselines(1),
                ScorerSettings.defaults().withAdmission(1, 8, Duration.ofSeconds(30)), 4 << 20);
        ExecutorService clients = Executors.newFixedThreadPool(6);
        try {
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String body = TestServer.deletes("q-" + i, "10.0.0.5", 1_000);
                statuses.add(clients.submit(() -> server.post("/v1/events", body, TestServer.AGENT).statusCode()));
            }
            for (Future<Integer> s : statuses) {
                assertThat(s.get()).as("one at a time, but every one within the queue timeout").isEqualTo(200);
            }
        } finally {
            clients.shutdownNow();
        }
    }

    /** Opens a connection that sends a POST's headers declaring {@code length} bytes, and {@code first} of them. */
    private java.net.Socket upload(String path, int length, String first) throws Exception {
        java.net.Socket socket = new java.net.Socket("127.0.0.1", server.app.port());
        socket.setSoTimeout(30_000);
        var out = socket.getOutputStream();
        out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TestServer.AGENT
                + "\r\nContent-Type: application/json\r\nContent-Length: " + length + "\r\n\r\n" + first)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        out.flush();
        return socket;
    }

    /** The status line and the rest of what the server sent, until it closed the connection. */
    private static String answer(java.net.Socket socket) throws Exception {
        try {
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.net.SocketException reset) {
            return "(reset: " + reset.getMessage() + ")";
        }
    }

    @Test
    void stalledUploadsTakeNoScoringSlot() throws Exception {
        server.close();
        server = new TestServer(new LocalModelRegistry(dir.resolve("registry")), TestServer.baselines(1),
                ScorerSettings.defaults(), 4 << 20);
        List<java.net.Socket> stalled = new ArrayList<>();
        try {
            // more stalled uploads than there are scoring slots (scorer.max-in-flight, 8)
            for (int i = 0; i < ScorerSettings.defaults().maxInFlight() + 2; i++) {
                stalled.add(upload("/v1/events", 100_000, "["));
            }
            Thread.sleep(300); // every one of them is in, waiting for the rest of its body

            String event = io.shadow.features.json.EventCodec.toJson(TestServer.delete("u-1", "10.0.0.5",
                    TestServer.T0));
            HttpResponse<String> scored = server.post("/v1/score", event, TestServer.AGENT);
            assertThat(scored.statusCode()).as(scored.body()).isEqualTo(200);
            assertThat(TestServer.json(server.get("/v1/scorer/status", TestServer.OPERATOR)).get("in_flight")
                    .asInt()).as("a body on its way holds no slot").isZero();
        } finally {
            for (java.net.Socket s : stalled) {
                s.close();
            }
        }
    }

    @Test
    void anUploadThatTricklesIsCutOffWith408AtTheBodyTimeout() throws Exception {
        server.close();
        server = new TestServer(new LocalModelRegistry(dir.resolve("registry")), TestServer.baselines(1),
                ScorerSettings.defaults(), new io.shadow.mitigation.api.ServiceApp.Options(4 << 20,
                        Duration.ofSeconds(1), Duration.ofSeconds(5)));
        long t0 = System.nanoTime();
        try (java.net.Socket socket = upload("/v1/events", 100_000, "[")) {
            // a byte every 200 ms: never idle long enough for the connection's idle timeout
            Thread dripper = new Thread(() -> {
                try {
                    for (int i = 0; i < 100; i++) {
                        Thread.sleep(200);
                        socket.getOutputStream().write(' ');
                        socket.getOutputStream().flush();
                    }
                } catch (Exception closed) {
                    // the server answered and closed the connection
                }
            });
            dripper.setDaemon(true);
            dripper.start();
            String answer = answer(socket);
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertThat(answer).startsWith("HTTP/1.1 408 ").contains("\"status\":408")
                    .contains("the request body did not arrive within 1 s (server.body-timeout); send it faster, "
                            + "or send smaller batches");
            assertThat(millis).as("cut off at the body timeout, not at the end of the drip").isLessThan(5_000);
        }
        assertThat(server.post("/v1/events", TestServer.deletes("u-1", "10.0.0.5", 3), TestServer.AGENT)
                .statusCode()).as("a body sent at once is not affected").isEqualTo(200);
        assertThat(server.get("/metrics", TestServer.OPERATOR).body()).contains(
                "shadow_http_server_requests_seconds_count{method=\"POST\",route=\"/v1/events\",status=\"408\"} 1");
    }
}
