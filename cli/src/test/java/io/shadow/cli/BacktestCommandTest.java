package io.shadow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mistakes a user can make with {@code bin/shadow backtest}, each answered with what to fix. */
class BacktestCommandTest {
    @TempDir
    Path dir;

    private final CliRun cli = new CliRun();

    private Path validProfiles() throws Exception {
        Path p = dir.resolve("profiles.yaml");
        try (var in = io.shadow.mitigation.profile.ProfileLoader.class
                .getResourceAsStream(io.shadow.mitigation.profile.ProfileLoader.DEFAULT_RESOURCE)) {
            Files.write(p, in.readAllBytes());
        }
        return p;
    }

    @Test
    void aDateThatIsNotADateNamesTheOptionAndTheFormat() throws Exception {
        int code = cli.run("backtest", "--profiles", validProfiles().toString(), "--data", dir.toString(),
                "--from", "09/11/2026", "--to", "2026-11-10");
        assertThat(code).isEqualTo(2);
        assertThat(cli.err.toString()).contains("--from '09/11/2026' is not a date or instant; use 2026-11-09");
    }

    @Test
    void aWindowThatEndsBeforeItStartsIsRefused() throws Exception {
        int code = cli.run("backtest", "--profiles", validProfiles().toString(), "--data", dir.toString(),
                "--from", "2026-11-10", "--to", "2026-11-09T00:00:00Z");
        assertThat(code).isEqualTo(2);
        assertThat(cli.err.toString()).contains("error: --from 2026-11-10 --to 2026-11-09T00:00:00Z is an empty "
                + "window: it would run from 2026-11-10T00:00:00Z to 2026-11-09T00:00:00Z (an instant --to is "
                + "exclusive). Give a --to later than --from");
    }

    @Test
    void anEmptyWindowOfDatesQuotesTheDatesTypedAndSaysThatADateToIsInclusive() throws Exception {
        int code = cli.run("backtest", "--profiles", validProfiles().toString(), "--data", dir.toString(),
                "--from", "2026-11-10", "--to", "2026-11-09");
        assertThat(code).isEqualTo(2);
        // the --to the user typed, not the midnight after it that the window ends at
        assertThat(cli.err.toString()).isEqualTo("error: --from 2026-11-10 --to 2026-11-09 is an empty window: it "
                + "would run from 2026-11-10T00:00:00Z to 2026-11-10T00:00:00Z (a date --to is inclusive: the window "
                + "ends at the end of that UTC day). Give a --to date on or after the --from date, e.g. --from "
                + "2026-11-10 --to 2026-11-10 for that one day" + System.lineSeparator());
    }

    @Test
    void missingTablesNameThePathAndTheCommandThatWritesThemAndCreateNothing() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        int code = cli.run("backtest", "--profiles", validProfiles().toString(), "--data", data.toString(),
                "--from", "2026-11-09", "--to", "2026-11-09");
        assertThat(code).as("a usage error, as the other wrong inputs").isEqualTo(2);
        assertThat(cli.err.toString()).contains("no events table at file:" + data.resolve("warehouse/bronze/events"))
                .contains("bin/shadow nightly --config FILE").contains("bin/shadow demo");
        try (var files = Files.list(data)) {
            assertThat(files).as("a failed backtest writes nothing, not even the registry folder").isEmpty();
        }
    }

    @Test
    void anInvalidProfileFileListsEveryProblemWithItsLineAndKey() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, Files.readString(validProfiles()).replaceFirst("(?m)^  low: .*$", "  low: 70"));
        int code = cli.run("backtest", "--profiles", bad.toString(), "--data", dir.toString(),
                "--from", "2026-11-09", "--to", "2026-11-09");
        assertThat(code).isEqualTo(2);
        assertThat(cli.err.toString()).contains(bad + " line 10, key thresholds: thresholds must satisfy 0 <= low < medium "
                + "< high <= 100, got low=70.0");
    }
}
