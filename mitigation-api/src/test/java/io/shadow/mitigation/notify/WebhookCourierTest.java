package io.shadow.mitigation.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.shadow.mitigation.store.OutboxStore.Delivery;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A failed delivery is logged and kept in the outbox with its error; an incoming-webhook URL often carries its
 * secret in its path or query (Slack, Teams, Discord style), so the error names the webhook and its host only.
 */
class WebhookCourierTest {
    private static final String SECRET_PATH = "/services/T0001/B0002/SlackStyleSecretPath?token=WEBHOOKCAPABILITY";
    private static final DeliveryPolicy POLICY = new DeliveryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(5),
            Duration.ofSeconds(5));
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void aReceiverThatAnswers500IsNamedWithoutThePathThatHoldsItsSecret() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            byte[] body = "nope".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(500, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        int port = server.getAddress().getPort();

        assertThatThrownBy(() -> courier(port).deliver(delivery(), 1)).isInstanceOf(IOException.class)
                .hasMessage("webhook soc at http://127.0.0.1:" + port + "/… answered HTTP 500: nope");
    }

    @Test
    void aReceiverThatCannotBeReachedIsNamedWithoutThePathThatHoldsItsSecret() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        int closed = port;
        assertThatThrownBy(() -> courier(closed).deliver(delivery(), 1)).isInstanceOf(IOException.class)
                .hasMessageStartingWith("webhook soc at http://127.0.0.1:" + closed + "/… could not be reached")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("SlackStyleSecretPath", "WEBHOOKCAPABILITY"));
    }

    @Test
    void aUrlIsShownByItsSchemeHostAndPortOnly() {
        assertThat(Webhook.shown(URI.create("https://hooks.example.com/services/T1/B2/xyz"))).isEqualTo(
                "https://hooks.example.com/…");
        assertThat(Webhook.shown(URI.create("https://soc.example.com:8443/?key=abc"))).isEqualTo(
                "https://soc.example.com:8443/…");
        assertThat(Webhook.shown(URI.create("http://soc.example.com"))).isEqualTo("http://soc.example.com");
        assertThatThrownBy(() -> new Webhook("soc", URI.create("ftp://soc.example.com/secret-path"),
                "a-long-shared-secret-0123", Set.of())).hasMessage("mitigation.channels.webhooks[soc].url "
                        + "ftp://soc.example.com/… is not an http:// or https:// URL");
    }

    private static WebhookCourier courier(int port) {
        return new WebhookCourier(List.of(new Webhook("soc", URI.create("http://127.0.0.1:" + port + SECRET_PATH),
                "a-long-shared-secret-0123", Set.of())), POLICY);
    }

    private static Delivery delivery() {
        return new Delivery("dlv-1", WebhookCourier.CHANNEL, "soc", "notification.emergency_shutdown", "subject",
                "{}", "pending", 0, Instant.now(), null, Instant.now(), null);
    }
}
