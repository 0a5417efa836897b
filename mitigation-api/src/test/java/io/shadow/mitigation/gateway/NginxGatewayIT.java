package io.shadow.mitigation.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import io.shadow.features.ResourceType;
import io.shadow.mitigation.Assessments;
import io.shadow.mitigation.ManualClock;
import io.shadow.mitigation.TestEnv;
import io.shadow.mitigation.actuate.KeyVault;
import io.shadow.mitigation.api.RunningApi;
import io.shadow.mitigation.engine.Outcome;
import io.shadow.mitigation.profile.ProfileLoader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real nginx, configured with docs/nginx-shadow.conf, in front of a sample application: its
 * auth_request asks Shadow's decision endpoint, so mitigations change what callers get — 429
 * beyond the rate after a rate limit, 403 after a restriction or lock-out or key rotation, and 200
 * again after the mitigation is rejected. A locked-out user's X-Api-Key is refused whoever the
 * request claims to be; a key Shadow never issued (the application's own) has no say.
 */
class NginxGatewayIT {
    private static final String REPORTS = "/finance/reports";
    /** The host name the test client's address (127.0.0.1) is mapped to. */
    private static final String CLIENT_HOST = "ws-17";

    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock(Assessments.T0);
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicInteger upstreamHits = new AtomicInteger();
    private RunningApi api;
    private Javalin app;
    private NginxProcess nginx;

    @BeforeEach
    void start() throws IOException {
        String binary = TestEnv.require("SHADOW_TEST_NGINX");
        api = RunningApi.start(dir.resolve("store"), ProfileLoader.defaults(), clock);
        app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.routes.get("/*", ctx -> {
                upstreamHits.incrementAndGet();
                java.util.List<String> keys = java.util.Collections.list(ctx.req().getHeaders("X-Api-Key"));
                ctx.result("hello " + ctx.header("X-User") + " from " + ctx.path()
                        + (keys.isEmpty() ? "" : " with keys " + keys));
            });
        }).start("127.0.0.1", 0);
        // the test client's address is the default assessment's host, as an operator would map it
        nginx = NginxProcess.start(binary, dir.resolve("nginx"), Map.of("APP_UPSTREAM", "127.0.0.1:" + app.port(),
                "SHADOW_API", "127.0.0.1:" + api.port(), "SHADOW_GATEWAY_TOKEN", RunningApi.GATEWAY,
                "SHADOW_TENANT", Assessments.TENANT), Map.of("127.0.0.1", CLIENT_HOST));
    }

    @AfterEach
    void stop() {
        if (nginx != null) {
            nginx.close();
        }
        if (app != null) {
            app.stop();
        }
        if (api != null) {
            api.close();
        }
    }

    /** A request through nginx as {@code user} (no X-User header when null). */
    private HttpResponse<String> get(String user, String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nginx.port() + path))
                .timeout(Duration.ofSeconds(10));
        if (user != null) {
            b.header("X-User", user);
        }
        if (headers.length > 0) {
            b.headers(headers);
        }
        try {
            return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("nginx on " + nginx.port() + " unreachable: " + nginx.errorLog(), e);
        }
    }

    private Outcome mitigate(double risk) {
        return api.handle(Assessments.risk(risk).on(ResourceType.DATA_STORAGE, REPORTS).build());
    }

    private void reject(Outcome o) {
        HttpResponse<String> r = api.post("/v1/mitigations/" + o.mitigationId() + "/reject", RunningApi.OPERATOR, "");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    /** A request through nginx written byte for byte (HttpClient cannot send a raw path or UTF-8 headers). */
    private String raw(String requestLineAndHeaders) {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", nginx.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write((requestLineAndHeaders + "Host: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(nginx.errorLog(), e);
        }
    }

    @Test
    void aClientCannotAddToShadowsQuestionNorPassAKeyShadowDidNotJudge() {
        KeyVault.IssuedKey key = api.service().engine().actuators().keys().issue(Assessments.TENANT, "u-1");
        Outcome isolated = api.handle(Assessments.risk(60).host(CLIENT_HOST).on(ResourceType.COMPUTE, "i-0abc").build());
        assertThat(get("u-2", "/hello").statusCode()).as(nginx.errorLog()).isEqualTo(403);
        int hits = upstreamHits.get();

        // %0d%0a in the path decodes to a line break: a header line of the client's own in Shadow's question
        String injected = raw("GET /hello%0d%0aX-Shadow-Host:%20elsewhere HTTP/1.1\r\nX-User: u-2\r\n");
        assertThat(injected).startsWith("HTTP/1.1 400");
        assertThat(upstreamHits.get()).as("the application never saw it").isEqualTo(hits);
        reject(isolated);

        api.handle(Assessments.risk(90).principal("j\u00fcrgen").on(ResourceType.DATA_STORAGE, "/b\u00fccher").build());
        assertThat(raw("GET /x HTTP/1.1\r\nX-User: u-3\r\n")).startsWith("HTTP/1.1 200");
        // jürgen's name and the path as UTF-8 bytes, as nginx passes them on: locked out, shut down
        assertThat(raw("GET /x HTTP/1.1\r\nX-User: j\u00fcrgen\r\n")).startsWith("HTTP/1.1 403");
        assertThat(raw("GET /b%C3%BCcher/2026.pdf HTTP/1.1\r\nX-User: u-3\r\n")).startsWith("HTTP/1.1 403");

        api.handle(Assessments.risk(90).principal("u-1").on(ResourceType.DATA_STORAGE, "/other").build());
        // two keys: nginx before 1.23 hands Shadow the first (one it never issued: no say) and the application
        // gets only that one; later versions join them with ", ", which the configuration refuses
        HttpResponse<String> twoKeys = get("u-2", "/hello", "X-Api-Key", "app-own-key-1", "X-Api-Key", key.secret());
        assertThat(twoKeys.statusCode()).as(nginx.errorLog()).isIn(200, 400);
        if (twoKeys.statusCode() == 200) {
            assertThat(twoKeys.body()).isEqualTo("hello u-2 from /hello with keys [app-own-key-1]");
        }
        assertThat(twoKeys.body()).as("the locked-out owner's key never reaches the application")
                .doesNotContain(key.secret());
        HttpResponse<String> joined = get("u-2", "/hello", "X-Api-Key", "app-own-key-1, " + key.secret());
        assertThat(joined.statusCode()).as("what nginx 1.23+ makes of two keys").isEqualTo(400);
        assertThat(get("u-2", "/hello", "X-Api-Key", key.secret()).statusCode()).as("the locked-out owner's key alone")
                .isEqualTo(403);
    }

    @Test
    void theDocumentedFailOpenPassesOnlyWhenShadowIsUnreachableNeverOnAnAnswerAClientCanProvoke() throws IOException {
        nginx.close();
        nginx = NginxProcess.start(TestEnv.require("SHADOW_TEST_NGINX"), dir.resolve("nginx-open"), Map.of(
                "APP_UPSTREAM", "127.0.0.1:" + app.port(), "SHADOW_API", "127.0.0.1:" + api.port(),
                "SHADOW_GATEWAY_TOKEN", RunningApi.GATEWAY, "SHADOW_TENANT", Assessments.TENANT), Map.of(), true);
        mitigate(90); // u-1 locked out, the reports shut down

        assertThat(get("u-1", "/hello").statusCode()).as(nginx.errorLog()).isEqualTo(403);
        String oversized = "k".repeat(7000); // nginx takes header lines up to 8 KiB
        assertThat(get("u-1", "/hello", "X-Api-Key", oversized).statusCode()).as("an oversized key is still judged")
                .isEqualTo(403);

        api.close();
        api = null;
        HttpResponse<String> down = get("u-1", "/hello");
        assertThat(down.statusCode()).as("Shadow unreachable: the documented fail-open lets it through").isEqualTo(200);
    }

    @Test
    void aRateLimitedPrincipalGets429BeyondItsRateAnd200AfterUndo() {
        HttpResponse<String> before = get("u-1", REPORTS + "/q1.csv");
        assertThat(before.statusCode()).as(nginx.errorLog()).isEqualTo(200);
        assertThat(before.body()).isEqualTo("hello u-1 from /finance/reports/q1.csv");

        Outcome low = mitigate(40);
        for (int i = 1; i <= 20; i++) {
            assertThat(get("u-1", REPORTS + "/q" + i + ".csv").statusCode()).as("request %d of 20 a minute", i)
                    .isEqualTo(200);
        }
        int hits = upstreamHits.get();
        HttpResponse<String> throttled = get("u-1", "/elsewhere");
        assertThat(throttled.statusCode()).as(throttled.body()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("Retry-After")).as("the first of the minute's 20 leaves it then")
                .hasValue("60");
        assertThat(throttled.body()).contains("rate limited by Shadow");
        assertThat(upstreamHits.get()).as("a throttled request never reaches the application").isEqualTo(hits);
        assertThat(get("u-2", REPORTS).statusCode()).as("other principals pass").isEqualTo(200);

        reject(low);
        assertThat(get("u-1", REPORTS).statusCode()).isEqualTo(200);
    }

    @Test
    void aRestrictionDeniesTheResourceWith403AndARotatedKeyStopsAtOnce() {
        KeyVault.IssuedKey key = api.service().engine().actuators().keys().issue(Assessments.TENANT, "u-1");
        assertThat(get("u-1", "/public", "X-Api-Key", key.secret()).statusCode()).isEqualTo(200);

        Outcome medium = mitigate(60);

        HttpResponse<String> denied = get("u-1", REPORTS + "/q1.csv");
        assertThat(denied.statusCode()).as(denied.body()).isEqualTo(403);
        assertThat(denied.body()).contains("denied by Shadow");
        assertThat(get("u-1", "/public").statusCode()).as("only the misused resource").isEqualTo(200);
        assertThat(get("u-2", REPORTS).statusCode()).as("only the principal").isEqualTo(200);
        assertThat(get("u-1", "/public", "X-Api-Key", key.secret()).statusCode()).as("the rotated key")
                .isEqualTo(403);

        reject(medium);
        assertThat(get("u-1", REPORTS + "/q1.csv").statusCode()).isEqualTo(200);
        assertThat(get("u-1", "/public", "X-Api-Key", key.secret()).statusCode())
                .as("a rotation is kept on reject: the old key stays revoked").isEqualTo(403);
    }

    @Test
    void anEmergencyLockOutDeniesThePrincipalEverywhereAndTheResourceToEveryoneUntilRejected() {
        Outcome high = mitigate(90);

        assertThat(get("u-1", "/public").statusCode()).isEqualTo(403);
        assertThat(get("u-2", REPORTS + "/q1.csv").statusCode()).as("resource shut down").isEqualTo(403);
        assertThat(get("u-2", "/public").statusCode()).isEqualTo(200);
        int hits = upstreamHits.get();
        get("u-1", "/public");
        assertThat(upstreamHits.get()).as("a denied request never reaches the application").isEqualTo(hits);

        reject(high);
        assertThat(get("u-1", "/public").statusCode()).isEqualTo(200);
        assertThat(get("u-2", REPORTS + "/q1.csv").statusCode()).isEqualTo(200);
    }

    @Test
    void aLockedOutUsersKeyIsRefusedAloneAndUnderAnotherNameWhileKeysShadowNeverIssuedPass() {
        String key = api.issueKey("u-1");
        String appsOwnKey = "app-key-7f3a91";
        assertThat(get(null, "/public", "X-Api-Key", appsOwnKey).statusCode()).as("a key Shadow never issued")
                .isEqualTo(200);
        assertThat(get("dave", "/public", "X-Api-Key", key).statusCode()).isEqualTo(200);

        // the workload emergency locks u-1 out without rotating the key
        api.handle(Assessments.risk(90).on(ResourceType.COMPUTE, "vm-7").host("ws-42").build());

        assertThat(get("u-1", "/public", "X-Api-Key", key).statusCode()).isEqualTo(403);
        HttpResponse<String> alone = get(null, "/public", "X-Api-Key", key);
        assertThat(alone.statusCode()).as("the key alone").isEqualTo(403);
        assertThat(alone.body()).contains("denied by Shadow");
        assertThat(get("dave", "/public", "X-Api-Key", key).statusCode()).as("the key under another name")
                .isEqualTo(403);
        assertThat(get("dave", "/public").statusCode()).isEqualTo(200);
        assertThat(get("dave", "/public", "X-Api-Key", appsOwnKey).statusCode()).isEqualTo(200);
    }

    @Test
    void anIsolatedHostIsDeniedThroughTheGatewayByTheHostNameItsAddressMapsTo() {
        assertThat(get("u-1", "/public").statusCode()).isEqualTo(200);

        Outcome medium = api.handle(Assessments.risk(60).host(CLIENT_HOST)
                .on(ResourceType.COMPUTE, "i-0abc").build());

        HttpResponse<String> denied = get("u-2", "/public");
        assertThat(denied.statusCode()).as("every request from the isolated host: " + denied.body()).isEqualTo(403);
        assertThat(denied.body()).contains("denied by Shadow");

        reject(medium);
        assertThat(get("u-2", "/public").statusCode()).isEqualTo(200);
    }
}
