package io.shadow.spark.nightly;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real JVM running a nightly run gets SIGTERM while a step that ignores it (as TensorFlow training
 * or a JDBC read does) runs: the shutdown hook records the interruption before the JVM exits.
 */
class StoppedNightlyRunTest {
    private static final RunScope DAY = RunScope.of(LocalDate.parse("2026-11-09"));

    @TempDir
    Path warehouse;

    /** The child JVM: two steps, the second never ends on its own. */
    public static void main(String[] args) {
        RunFiles files = new RunFiles(new Configuration(), Path.of(args[0]).toUri(), DAY);
        new NightlyRun(files, System.out::println, Clock.systemUTC()).run(List.of(
                new NightlyStep("features", scope -> "12 feature rows"),
                new NightlyStep("train-and-promote", scope -> {
                    while (true) {
                        try {
                            Thread.sleep(60_000);
                        } catch (InterruptedException ignored) {
                            // like a native training loop: not stopped by the JVM's shutdown
                        }
                    }
                })), RunRequest.resumeOrRun(DAY));
    }

    @Test
    void sigtermInAStepThatIgnoresItLeavesAnInterruptedStateAndReport() throws Exception {
        Files.createDirectories(warehouse.resolve("_reports/2026-11-09"));
        Files.writeString(warehouse.resolve("_reports/2026-11-09/report.json"), "{\"status\":\"succeeded\"}\n");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), StoppedNightlyRunTest.class.getName(),
                warehouse.toString()).redirectErrorStream(true).start();
        List<String> out = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                out.add(line);
                if (line.equals("  [2/2] train-and-promote ...")) {
                    child.toHandle().destroy(); // SIGTERM; Process.destroy would also close this stream
                }
            }
        }
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as("output: %s", out).isEqualTo(143);
        assertThat(out).anySatisfy(l -> assertThat(l).startsWith("nightly run of event date 2026-11-09 interrupted: "
                + "the process was stopped (SIGTERM or Ctrl-C) at ").contains("while 'train-and-promote' ran"));

        RunFiles files = new RunFiles(new Configuration(), warehouse.toUri(), DAY);
        RunState state = files.readState().orElseThrow();
        assertThat(state.status()).isEqualTo("interrupted");
        assertThat(state.failedStep()).isEqualTo("train-and-promote");
        assertThat(state.finished()).containsExactly("features");
        JsonNode report = RunFiles.JSON.readTree(files.read(RunFiles.REPORT_JSON).orElseThrow());
        assertThat(report.get("status").asText()).isEqualTo("interrupted");
        assertThat(report.get("steps").findValuesAsText("status")).containsExactly("ran", "failed");
        assertThat(files.read(RunFiles.REPORT_TEXT).orElseThrow())
                .startsWith("Nightly run of event date 2026-11-09: interrupted\n");
    }
}
