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

    @Test
    void aFeedFileThatIsGoneIsRefusedByItsStepAndTheNightGoesOnWithWarningExitThree() throws Exception {
        Path data = dir.resolve("data");
        Path feed = Files.createDirectories(dir.resolve("feeds")).resolve("feodo.csv"); // the download removed it
        CliRun cli = new CliRun();
        int code = cli.run("nightly", "--date", "2026-11-24", "--set", "data-dir=" + data, "--set", "spark.master=local[1]", "--set", "intel.feeds=[" + feed + "]");

        assertThat(code).as(cli.err.toString()).isEqualTo(NightlyCommand.WARNINGS);
        JsonNode report = new ObjectMapper().readTree(data.resolve("warehouse/_reports/2026-11-24/report.json")
                .toFile());
        assertThat(report.get("status").asText()).isEqualTo("succeeded-with-warnings");
        JsonNode intel = report.get("warnings").get(1); // after the features step's: this data-dir has no events
        assertThat(intel.get("step").asText()).isEqualTo("threat-intel");
        assertThat(intel.get("message").asText()).startsWith("threat feed " + feed + " does not exist (a download "
                + "that failed and removed it?)").contains("intel.max-held");
        java.util.List<String> statuses = new java.util.ArrayList<>();
        report.get("steps").forEach(step -> statuses.add(step.get("status").asText()));
        assertThat(statuses).as("every step ran").containsOnly("ran").hasSize(9);
    }

    @Test
    void aWarehouseOnAHostThatDoesNotResolveIsABadValueOfWarehouse() {
        CliRun cli = new CliRun();
        int code = cli.run("nightly", "--date", "2026-11-24", "--set", "data-dir=" + dir.resolve("data"), "--set",
                "spark.master=local[1]", "--set", "warehouse=hdfs://nosuchhost.invalid:8020/wh");

        assertThat(code).isEqualTo(2);
        assertThat(cli.err.toString()).startsWith("error: invalid warehouse = hdfs://nosuchhost.invalid:8020/wh/ "
                + "(from --set); expected a warehouse this machine can reach, but the host nosuchhost.invalid is "
                + "unknown to this machine");
    }
}
