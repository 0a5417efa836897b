package io.shadow.agents.ship;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.shadow.agents.spool.Spool;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the agent does with the scorer's answers: a real HTTP server on port 0 answers as the scorer would. */
class ScorerShipperTest {
    @TempDir
    Path dir;
    private HttpServer server;
    private Spool spool;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
        if (spool != null) {
            spool.close();
        }
    }

    /** A scorer that answers every batch with {@code status} and {@code body}, counting the batches. */
    private ScorerShipper shipperAgainst(int status, String body, AtomicInteger batches) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/events", ex -> {
            ex.getRequestBody().readAllBytes();
            batches.incrementAndGet();
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(status, b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        });
        server.start();
        spool = Spool.open(dir.resolve("spool"), 1 << 20, 16 << 20);
        spool.append(List.of("{\"event_id\":\"a\"}".getBytes(StandardCharsets.UTF_8),
                "{\"event_id\":\"b\"}".getBytes(StandardCharsets.UTF_8)));
        return new ScorerShipper(spool, URI.create("http://127.0.0.1:" + server.getAddress().getPort()), "t", 100,
                HttpClient.newHttpClient());
    }

    @Test
    void aBatchTheScorerRefusesEventByEventIsCountedAndNotSentAgain() throws Exception {
        AtomicInteger batches = new AtomicInteger();
        ScorerShipper shipper = shipperAgainst(400, "{\"status\":400,\"error\":\"no valid event in the batch\","
                + "\"accepted\":0,\"rejected\":2,\"errors\":[{\"index\":0,\"field\":\"tenant\",\"error\":\"is required\"},"
                + "{\"index\":1,\"field\":\"tenant\",\"error\":\"is required\"}]}", batches);

        ScorerShipper.Attempt a = shipper.shipOnce();

        assertThat(a.shipped()).isEqualTo(2);
        assertThat(a.retryAfter()).isEmpty();
        assertThat(shipper.shipOnce().shipped()).as("nothing left to send").isZero();
        assertThat(batches).hasValue(1);
        assertThat(shipper.rejectedByScorer()).isEqualTo(2);
        assertThat(spool.cursor(ScorerShipper.CONSUMER)).isEqualTo(2);
    }

    @Test
    void aServerErrorIsRetriedAndTheCursorStays() throws Exception {
        AtomicInteger batches = new AtomicInteger();
        ScorerShipper shipper = shipperAgainst(500, "{\"status\":500,\"error\":\"boom\"}", batches);

        ScorerShipper.Attempt a = shipper.shipOnce();

        assertThat(a.shipped()).isZero();
        assertThat(a.retryAfter()).isPresent();
        assertThat(spool.cursor(ScorerShipper.CONSUMER)).isZero();
    }
}
