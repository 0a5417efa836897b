package io.shadow.cli.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shadow.cli.config.ConfigLoader;
import io.shadow.features.config.ConfigException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One service per data-dir: a second {@code serve} on a data-dir in use is refused, naming the one that
 * holds it, before it opens the store; the data-dir is free again once that one stops, or dies.
 */
class DataDirLockTest {
    @TempDir
    Path dir;

    private ShadowRuntime start() {
        return ShadowRuntime.start(ConfigLoader.load(null, Map.of(), List.of("server.port=0", "data-dir=" + dir)));
    }

    @Test
    void aSecondServiceOnTheSameDataDirIsRefusedUntilTheFirstStops() {
        ShadowRuntime first = start();
        try {
            assertThatThrownBy(this::start).isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("data-dir " + dir + " is in use by another Shadow service (pid "
                            + ProcessHandle.current().pid() + ", serving 127.0.0.1:" + first.port() + ", started ")
                    .hasMessageEndingWith("; two services on one data-dir would overwrite each other's scorer "
                            + "checkpoint and held assessments. Stop that one, or give this one its own data-dir "
                            + "(--set data-dir=DIR)");
        } finally {
            first.close();
        }
        start().close();
    }

    @Test
    void aProfilesFileThatDoesNotLoadIsRefusedBeforeTheDataDirIsTouched() throws Exception {
        Path profiles = dir.resolve("broken-profiles.yaml");
        java.nio.file.Files.writeString(profiles, "version: 1\nthresholds: {low: 30, medium: 55, high: 80}\n"
                + "profiles: [{name: x, band: extreme, actions: [{type: log}]}]\n");
        Path data = dir.resolve("data");

        assertThatThrownBy(() -> ShadowRuntime.start(ConfigLoader.load(null, Map.of(), List.of("server.port=0",
                "data-dir=" + data, "profiles=" + profiles)))).hasMessageContaining("broken-profiles.yaml");
        assertThat(data).as("nothing created: no data-dir, lock or store").doesNotExist();
    }

    @Test
    void aServiceInAnotherProcessHoldsTheDataDirUntilItDies() throws Exception {
        Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Holder.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(other.getInputStream(),
                    StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("holding");
            assertThatThrownBy(this::start).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("is in use by another Shadow service (pid " + other.pid() + ", held by a test");
        } finally {
            other.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        start().close(); // killed: the OS released its lock, though its file stays
    }

    /** Another process holding a data-dir, as a running service does. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            DataDirLock.acquire(Path.of(args[0]), "held by a test");
            System.out.println("holding");
            System.out.flush();
            Thread.sleep(120_000);
        }
    }
}
