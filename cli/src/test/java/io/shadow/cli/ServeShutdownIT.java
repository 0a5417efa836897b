package io.shadow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code shadow serve} in its own JVM, stopped as an operator stops it (SIGTERM, what Ctrl-C and
 * service managers send): the scorer writes its last checkpoint and the store is closed after the
 * outbox and sweeps stopped, so a normal stop logs no error.
 */
class ServeShutdownIT {
    @TempDir
    Path dir;

    @Test
    void aStoppedServerLogsNoErrorAndKeepsItsCheckpoint() throws Exception {
        Path config = dir.resolve("shadow.yaml");
        Files.writeString(config, """
                data-dir: %s
                server: {port: 0}
                scorer: {reload-interval: PT0S, model: {poll: PT0S}}
                auth:
                  tokens:
                    - {name: ops, token: "operator-token-0123456789", role: operator}
                """.formatted(dir.resolve("data")));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        // files, not pipes: stopping the process closes its pipes before the log of the stop is read
        Process serve = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "io.shadow.cli.Main", "serve", "--config", config.toString())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            long deadline = System.currentTimeMillis() + 60_000;
            while (!Files.readString(out).contains("shadow serving on") && serve.isAlive()
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            assertThat(Files.readString(out)).as("serve started; its log:%n%s", Files.readString(err))
                    .contains("shadow serving on");
            Thread.sleep(1_000); // the outbox and the expiry sweep are running by now

            serve.destroy(); // SIGTERM
            assertThat(serve.waitFor(60, TimeUnit.SECONDS)).as("stopped within a minute").isTrue();
        } finally {
            serve.destroyForcibly();
        }
        String log = Files.readString(err);
        List<String> errors = new ArrayList<>();
        for (String l : log.split("\n")) {
            if (l.contains(" ERROR ") || l.contains("Exception")) {
                errors.add(l);
            }
        }
        assertThat(errors).as("the log of a normal stop:%n%s", log).isEmpty();
        assertThat(log).contains("scorer stopped;");
        assertThat(dir.resolve("data/scorer/detector-state.bin")).isRegularFile();
    }
}
