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

/** A burst larger than the scorer takes at once is answered at once with 429 or 503 and Retry-After. */
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
}
