package io.shadow.mitigation.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code server.max-connections}: connections that trickle their headers (no token needed) cannot take
 * every file descriptor; beyond the bound a new connection waits to be accepted until one closes.
 */
class ConnectionLimitTest {
    private Javalin app;

    @AfterEach
    void stop() {
        app.stop();
    }

    private static String health(Socket s) throws Exception {
        OutputStream out = s.getOutputStream();
        out.write("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        byte[] first = new byte[12];
        int n = in.readNBytes(first, 0, first.length);
        return new String(first, 0, n, StandardCharsets.US_ASCII);
    }

    @Test
    void connectionsBeyondTheLimitWaitUntilOneCloses() throws Exception {
        ServiceApp.Options options = new ServiceApp.Options(1 << 20, ServiceApp.Options.DEFAULT_BODY_TIMEOUT,
                Duration.ZERO, 0, 2);
        app = ServiceApp.create(Tokens.of(), options, null, null, 0, cfg -> { }).start(0);
        int port = ServiceApp.port(app);
        try (Socket slow1 = new Socket("127.0.0.1", port); Socket slow2 = new Socket("127.0.0.1", port)) {
            for (Socket s : new Socket[] {slow1, slow2}) { // a header begun, never finished
                s.getOutputStream().write("POST /v1/events HTTP/1.1\r\nHost: x\r\nX-a: a".getBytes(
                        StandardCharsets.US_ASCII));
            }
            Thread.sleep(500); // both accepted: the limit counts them once Jetty has taken them
            try (Socket third = new Socket("127.0.0.1", port)) { // the kernel queues it; Jetty does not take it
                third.setSoTimeout(1500);
                String answer;
                try {
                    answer = health(third);
                } catch (SocketTimeoutException waiting) {
                    answer = "";
                }
                assertThat(answer).as("the third connection is not served while two are open").isEmpty();

                slow1.close();
                third.setSoTimeout(30_000);
                assertThat(new String(third.getInputStream().readNBytes(12), StandardCharsets.US_ASCII))
                        .as("served once one closed").isEqualTo("HTTP/1.1 200");
            }
        }
    }
}
