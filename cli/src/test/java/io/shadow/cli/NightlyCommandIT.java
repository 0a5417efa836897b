package io.shadow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/shadow nightly} against a data directory without events, as a cron line run from the
 * wrong directory does: every step finishes, but the run is not a plain success.
 */
class NightlyCommandIT {
    @TempDir
    Path dir;

    @Test
    void aNightWithoutStoredEventsExitsThreeAndItsReportSaysWhy() throws Exception {
        Path data = dir.resolve("fresh/.shadow/data");
        int code = new CliRun().run("nightly", "--date", "2026-11-24", "--set", "data-dir=" + data,
                "--set", "spark.master=local[1]");

        assertThat(code).as("operators alert on the exit code").isEqualTo(NightlyCommand.WARNINGS).isEqualTo(3);
        Path reports = data.resolve("warehouse/_reports/2026-11-24");
        JsonNode report = new ObjectMapper().readTree(reports.resolve("report.json").toFile());
        assertThat(report.get("status").asText()).isEqualTo("succeeded-with-warnings");
        assertThat(report.get("warnings").get(0).get("step").asText()).isEqualTo("features");
        assertThat(report.get("warnings").get(0).get("message").asText())
                .startsWith("no stored events for 2026-11-24: ")
                .contains("bronze/events holds no events at all")
                .contains("check the working directory, --config and data-dir");
        assertThat(Files.readString(reports.resolve("report.txt")))
                .startsWith("Nightly run of event date 2026-11-24: succeeded with 1 warning\n\n"
                        + "  WARNING (features): no stored events for 2026-11-24: ");
    }
}
