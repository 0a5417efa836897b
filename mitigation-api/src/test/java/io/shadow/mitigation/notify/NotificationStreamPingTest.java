package io.shadow.mitigation.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A client that closed its connection is let go even when no notification is ever sent to it. */
class NotificationStreamPingTest {
    @Test
    void aClosedConnectionIsNoticedByThePingAndItsSenderEnds() throws Exception {
        NotificationStream stream = new NotificationStream(Duration.ofMillis(100));
        Javalin app = Javalin.create(cfg -> cfg.routes.sse("/s", client -> stream.connect(client, n -> true)))
                .start("127.0.0.1", 0);
        try {
            try (Socket socket = new Socket("127.0.0.1", app.port())) {
                socket.setSoTimeout(30_000);
                OutputStream out = socket.getOutputStream();
                out.write("GET /s HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.UTF_8));
                String line;
                boolean pinged = false;
                while (!pinged && (line = in.readLine()) != null) {
                    pinged = line.equals(": ping");
                }
                assertThat(pinged).as("an idle client is pinged").isTrue();
                assertThat(stream.clients()).isEqualTo(1);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (stream.clients() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(stream.clients()).as("the closed client is gone without any notification sent").isZero();
        } finally {
            app.stop();
        }
    }
}
