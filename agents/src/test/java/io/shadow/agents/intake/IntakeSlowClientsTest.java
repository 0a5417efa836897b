package io.shadow.agents.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.agents.spool.Spool;
import io.shadow.features.json.TransferLimit;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connections that never finish their request (no token needed to open one) cannot take the intake's
 * workers: the agent's {@code /health} and its event intake stay answered.
 */
class IntakeSlowClientsTest {
    private static final String TOKEN = "intake-token-0123456789";
    @TempDir
    Path dir;
    private Spool spool;
    private AgentIntake intake;

    @AfterEach
    void close() throws Exception {
        intake.close();
        spool.close();
    }

    @Test
    void aBodyArrivingSlowlyWithinTheRequestDeadlineIsStillRead() throws Exception {
        spool = Spool.open(dir.resolve("spool"), 1 << 20, 1 << 26);
        intake = new AgentIntake(spool, "acme", "127.0.0.1", 0, TOKEN, 1 << 20, TransferLimit.DEFAULT_MAX_BYTES);
        String event = "{\"event_id\":\"e-1\",\"time\":\"2026-11-09T10:00:00Z\",\"class_uid\":6003,"
                + "\"operation\":\"GetObject\",\"principal\":\"alice\",\"resource_type\":\"data_storage\"}\n";
        byte[] body = event.getBytes(StandardCharsets.UTF_8);
        try (Socket s = new Socket("127.0.0.1", intake.port())) {
            s.setSoTimeout(60_000);
            s.getOutputStream().write(("POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nContent-Type: application/x-ndjson\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < body.length; i += body.length / 4 + 1) { // over 8 s
                s.getOutputStream().write(body, i, Math.min(body.length / 4 + 1, body.length - i));
                Thread.sleep(2000);
            }
            assertThat(new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII))
                    .isEqualTo("HTTP/1.1 200");
        }
    }

    @Test
    void connectionsThatNeverFinishTheirHeadersDoNotStopHealthAnswering() throws Exception {
        spool = Spool.open(dir.resolve("spool"), 1 << 20, 1 << 26);
        intake = new AgentIntake(spool, "acme", "127.0.0.1", 0, TOKEN, 1 << 20, TransferLimit.DEFAULT_MAX_BYTES);
        Socket[] slow = new Socket[8];
        try {
            for (int i = 0; i < slow.length; i++) {
                slow[i] = new Socket("127.0.0.1", intake.port());
                slow[i].getOutputStream().write("POST /v1/events HTTP/1.1\r\nHost: x\r\nX-a: a"
                        .getBytes(StandardCharsets.US_ASCII));
            }
            Thread.sleep(300);
            try (Socket health = new Socket("127.0.0.1", intake.port())) {
                health.setSoTimeout(60_000);
                health.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                InputStream in = health.getInputStream();
                assertThat(new String(in.readNBytes(12), StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
            }
        } finally {
            for (Socket s : slow) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }
}
