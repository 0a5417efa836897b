package io.shadow.cli.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.cli.config.ConfigLoader;
import io.shadow.features.ActivityEvent;
import io.shadow.features.EventClass;
import io.shadow.features.ResourceType;
import io.shadow.features.json.EventCodec;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service as {@code serve} runs it, stopped as a service manager stops it (close() on SIGTERM):
 * {@code /ready} fails at once while everything else is still served for server.drain-delay; then
 * the server stops accepting, and a request that was in progress still gets its answer. And one
 * request timer covers every route of the process, the mitigation API's included.
 */
class GracefulStopTest {
    private static final String AGENT = "agent-token-0123456789";
    private static final String OPERATOR = "operator-token-0123456789";
    private static final String GATEWAY = "gateway-token-0123456789";

    @TempDir
    Path dir;

    private ShadowRuntime start(String drainDelay) throws Exception {
        Path config = dir.resolve("shadow.yaml");
        Files.writeString(config, """
                data-dir: %s
                server: {port: 0, drain-delay: %s, shutdown-timeout: PT20S}
                scorer: {reload-interval: PT0S, model: {poll: PT0S}}
                auth:
                  tokens:
                    - {name: ops, token: "%s", role: operator}
                    - {name: agent-1, token: "%s", role: agent}
                    - {name: nginx, token: "%s", role: gateway}
                """.formatted(dir.resolve("data"), drainDelay, OPERATOR, AGENT, GATEWAY));
        return ShadowRuntime.start(ConfigLoader.load(config, Map.of(), List.of()));
    }

    private static String batch(int n) {
        StringBuilder sb = new StringBuilder();
        Instant t0 = Instant.now().minusSeconds(600);
        for (int i = 0; i < n; i++) {
            sb.append(EventCodec.toJson(ActivityEvent.builder().tenant("acme").time(t0.plusSeconds(i))
                    .eventClass(EventClass.API_ACTIVITY).operation("DeleteObject").principal("u-1")
                    .srcIp("10.0.0.5").resourceType(ResourceType.DATA_STORAGE).resourceId("s3://finance").build()))
                    .append('\n');
        }
        return sb.toString();
    }

    private static HttpResponse<String> get(HttpClient http, String url, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aRequestInProgressWhenTheServiceStopsGetsItsAnswerAndReadyFailsFirst() throws Exception {
        // Each step below must come within a window whose far edge is a sleep, which a loaded machine
        // does not stretch: /ready and /health within the drain delay (3 s), the refusal while the upload
        // still trickles in (about 9 s). With 1 s and 3 s, and 0.5 s for /ready to fail, a cold JVM on a
        // loaded 2-core machine took 0.15 s of the drain delay for /ready and /health and was refused
        // 2 s before the upload ended: enough then, but a GC pause or a burst of load away from failing.
        ShadowRuntime rt = start("PT3S");
        Thread closing = new Thread(rt::close, "closing");
        int port = rt.port(); // the server's, once it stopped listening, says -2
        String base = rt.baseUrl();
        try (Socket upload = new Socket("127.0.0.1", port)) {
            byte[] body = batch(50).getBytes(StandardCharsets.UTF_8);
            upload.setSoTimeout(30_000);
            OutputStream out = upload.getOutputStream();
            out.write(("POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + AGENT
                    + "\r\nContent-Type: application/x-ndjson\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, 100);
            out.flush();
            // the rest in 60 pieces over 9 s: still arriving well after the drain delay (3 s) is over
            Thread sending = new Thread(() -> {
                int chunk = (body.length - 100 + 59) / 60;
                try {
                    for (int at = 100; at < body.length; at += chunk) {
                        Thread.sleep(150);
                        out.write(body, at, Math.min(chunk, body.length - at));
                        out.flush();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "sending");

            HttpClient http = HttpClient.newHttpClient();
            assertThat(get(http, base + "/ready", null).body()).doesNotContain("shutting down");
            closing.start();
            sending.start();
            long t0 = System.nanoTime();
            HttpResponse<String> ready = get(http, base + "/ready", null);
            while (!ready.body().contains("shutting down") && System.nanoTime() - t0 < 2_000_000_000L) {
                ready = get(http, base + "/ready", null);
            }
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).as("/ready fails at once").contains("not ready: shutting down");
            assertThat(get(http, base + "/health", null).statusCode())
                    .as("everything else is still served during the drain delay").isEqualTo(200);

            // after the drain delay the server stops accepting connections
            boolean refused = false;
            while (!refused && System.nanoTime() - t0 < 30_000_000_000L) {
                try (Socket probe = new Socket("127.0.0.1", port)) {
                    Thread.sleep(20);
                } catch (ConnectException e) {
                    refused = true;
                }
            }
            assertThat(refused).as("no longer accepting after the drain delay").isTrue();
            assertThat(sending.isAlive()).as("the upload is still in progress").isTrue();
            assertThat(closing.isAlive()).as("the stop waits for it").isTrue();

            String answer = new String(upload.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).as("the request in progress is answered").startsWith("HTTP/1.1 200 ")
                    .contains("\"accepted\":50");
            sending.join();
        } finally {
            if (!closing.isAlive() && closing.getState() == Thread.State.NEW) {
                rt.close();
            }
            closing.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertThat(closing.isAlive()).as("stopped once the request was answered").isFalse();
        assertThat(dir.resolve("data/scorer/detector-state.bin")).as("then checkpointed as before").isRegularFile();
    }

    @Test
    void oneRequestTimerCoversTheMitigationApiAndTheScorer() throws Exception {
        try (ShadowRuntime rt = start("PT0S")) {
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest decision = HttpRequest.newBuilder(URI.create(rt.baseUrl() + "/v1/decision")).GET()
                    .header("Authorization", "Bearer " + GATEWAY).header("X-Shadow-Tenant", "acme")
                    .header("X-Shadow-Principal", "u-1").header("X-Shadow-Resource", "s3://finance").build();
            assertThat(http.send(decision, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            assertThat(get(http, rt.baseUrl() + "/v1/incidents", "not-a-token-0123456789").statusCode())
                    .isEqualTo(401);

            String metrics = get(http, rt.baseUrl() + "/metrics", OPERATOR).body();
            assertThat(metrics)
                    .contains("shadow_http_server_requests_seconds_count{method=\"GET\",route=\"/v1/decision\","
                            + "status=\"200\"} 1")
                    .contains("shadow_http_server_requests_seconds_count{method=\"GET\",route=\"/v1/incidents\","
                            + "status=\"401\"} 1");
        }
    }
}
