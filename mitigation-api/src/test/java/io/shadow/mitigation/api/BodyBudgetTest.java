package io.shadow.mitigation.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code server.max-bodies-bytes}: the bodies a service holds at once are bounded, a body that does not
 * fit is refused without being kept (503, Retry-After, read past so its sender gets the answer rather
 * than a reset), and what a request held is given back when it is
 * answered, whether its route succeeded or failed.
 */
class BodyBudgetTest {
    private static final int KB = 1024;
    private static final String A = "token-of-agent-a-0123456789";
    private static final String B = "token-of-agent-b-0123456789";
    private static final String C = "token-of-agent-c-0123456789";
    private final HttpClient http = HttpClient.newHttpClient();
    private final CountDownLatch holding = new CountDownLatch(1);
    private final CountDownLatch letGo = new CountDownLatch(1);
    private Javalin app;

    @BeforeEach
    void start() {
        ServiceApp.Options options = new ServiceApp.Options(1024 * KB, ServiceApp.Options.DEFAULT_BODY_TIMEOUT,
                Duration.ZERO, 1536 * KB, ServiceApp.Options.DEFAULT_MAX_CONNECTIONS);
        app = ServiceApp.create(Tokens.of(A, new Caller("agent-a", Role.AGENT, null), B,
                new Caller("agent-b", Role.AGENT, null), C, new Caller("agent-c", Role.AGENT, null)), options, null,
                null, 0, cfg -> {
                    cfg.routes.post("/hold", ctx -> {
                        holding.countDown();
                        letGo.await(30, TimeUnit.SECONDS);
                        ctx.result("held " + ctx.bodyAsBytes().length);
                    }, Role.AGENT);
                    cfg.routes.post("/echo", ctx -> ctx.result("read " + ctx.bodyAsBytes().length), Role.AGENT);
                    cfg.routes.post("/fail", ctx -> {
                        throw new IllegalStateException("the route failed after reading " + ctx.bodyAsBytes().length);
                    }, Role.AGENT);
                }).start(0);
    }

    @AfterEach
    void stop() {
        letGo.countDown();
        app.stop();
    }

    private HttpResponse<String> post(String token, String path, int bytes) throws Exception {
        return http.send(request(token, path).POST(HttpRequest.BodyPublishers.ofByteArray(new byte[bytes])).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String token, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ServiceApp.port(app) + path))
                .header("Content-Type", "application/octet-stream").header("Authorization", "Bearer " + token);
    }

    /** Agent A's upload held in its route until {@link #letGo}. */
    private CompletableFuture<HttpResponse<String>> holdWith(int bytes) throws Exception {
        CompletableFuture<HttpResponse<String>> held = http.sendAsync(request(A, "/hold")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[bytes])).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(holding.await(30, TimeUnit.SECONDS)).as("the held request reached its route").isTrue();
        return held;
    }

    @Test
    void aBodyBeyondWhatIsHeldIsRefusedUnkeptAndTheShareComesBackWhenAnswered() throws Exception {
        CompletableFuture<HttpResponse<String>> held = holdWith(800 * KB);

        HttpResponse<String> refused = post(B, "/echo", 800 * KB);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(RunningApi.json(refused).path("error").asText()).isEqualTo("the server is holding 800 KB of request "
                + "bodies, its limit is 1.5 MB (server.max-bodies-bytes); this one (800 KB) was not kept: retry after "
                + "1 s, or send smaller batches");
        HttpResponse<String> small = post(B, "/echo", 100 * KB);
        assertThat(small.statusCode()).as("what still fits is read").isEqualTo(200);
        HttpResponse<String> unknownLength = http.send(request(C, "/echo").POST(HttpRequest.BodyPublishers
                .ofInputStream(() -> new ByteArrayInputStream(new byte[10]))).build(), HttpResponse.BodyHandlers
                .ofString());
        assertThat(unknownLength.statusCode()).as("a body of unknown length counts as the largest allowed (1 MB)")
                .isEqualTo(503);

        letGo.countDown();
        assertThat(held.get(30, TimeUnit.SECONDS).body()).isEqualTo("held " + 800 * KB);
        assertThat(post(B, "/echo", 800 * KB).body()).as("given back once answered").isEqualTo("read " + 800 * KB);
    }

    @Test
    void aRouteThatFailsGivesItsShareBackToo() throws Exception {
        assertThat(post(A, "/fail", 800 * KB).statusCode()).isEqualTo(500);
        CompletableFuture<HttpResponse<String>> held = holdWith(800 * KB);

        HttpResponse<String> fits = post(B, "/echo", 700 * KB);

        assertThat(fits.statusCode()).as("the failed request's 800 KB were given back: " + fits.body()).isEqualTo(200);
        letGo.countDown();
        assertThat(held.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }

    @Test
    void oneTokenHoldsAtMostAQuarterOfTheBudget() throws Exception {
        CompletableFuture<HttpResponse<String>> held = holdWith(800 * KB); // A alone: one body always fits

        HttpResponse<String> more = post(A, "/echo", 100 * KB);
        assertThat(more.statusCode()).as(more.body()).isEqualTo(503);
        assertThat(RunningApi.json(more).path("error").asText()).isEqualTo("this token's requests hold 800 KB of "
                + "request bodies, its share of the server's 1.5 MB (server.max-bodies-bytes) is 384 KB; this one "
                + "(100 KB) was not kept: retry after 1 s, or send smaller batches");
        assertThat(post(B, "/echo", 100 * KB).statusCode()).as("another token's is read").isEqualTo(200);

        letGo.countDown();
        assertThat(held.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(post(A, "/echo", 100 * KB).statusCode()).as("A's share given back").isEqualTo(200);
    }

    @Test
    void oneBodyAloneIsReadWhateverTheBudget() throws Exception {
        app.stop();
        ServiceApp.Options tiny = new ServiceApp.Options(1024 * KB, ServiceApp.Options.DEFAULT_BODY_TIMEOUT,
                Duration.ZERO, 1, ServiceApp.Options.DEFAULT_MAX_CONNECTIONS);
        app = ServiceApp.create(Tokens.of(A, new Caller("agent-a", Role.AGENT, null)), tiny, null, null, 0,
                cfg -> cfg.routes.post("/echo", ctx -> ctx.result("read " + ctx.bodyAsBytes().length), Role.AGENT))
                .start(0);

        assertThat(post(A, "/echo", 1024 * KB).body()).isEqualTo("read " + 1024 * KB);
    }
}
