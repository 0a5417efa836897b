package io.shadow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/shadow demo} refuses bad options and folders it must not empty at once, before any work
 * (the demo's first steps would create its workdir).
 */
class DemoCommandTest {
    @TempDir
    Path dir;

    private final CliRun cli = new CliRun();

    @Test
    void badOptionValuesFailWhileParsingNamingTheOptionTheValueAndWhatIsAllowed() {
        Path work = dir.resolve("never-created");
        // the upper bound moves by a day at midnight UTC, which may pass between this line and the command's
        // reading of the clock: the message may name the bound of either side of it (the same on other days)
        int latest = DemoCommand.latestHistoryDays(java.time.Instant.now());
        String[][] cases = {
            {"--batch", "0", "invalid --batch 0; expected 1 to 10000 events per HTTP batch"},
            {"--batch", "-1", "invalid --batch -1; expected 1 to 10000 events per HTTP batch"},
            {"--spark-master", "bogus", "invalid --spark-master bogus; expected local, local[N], local[*], local[N,F] "
                    + "(N threads, F task attempts) or spark://host:port of a standalone cluster"},
            {"--spark-master", "local[0]", "invalid --spark-master local[0]; expected local, local[N]"},
            {"--employees", "5", "invalid --employees 5; expected 12 to 1000 human principals"},
            {"--history-days", "3", "invalid --history-days 3; expected 7 to " + latest + " days of history (the live "
                    + "day after them must be over by now"},
            {"--history-days", "95", "invalid --history-days 95; expected 7 to "},
        };
        for (String[] c : cases) {
            cli.err.getBuffer().setLength(0);
            assertThat(cli.run("demo", "--workdir", work.toString(), c[0], c[1])).as(c[0] + " " + c[1]).isEqualTo(2);
            int after = DemoCommand.latestHistoryDays(java.time.Instant.now());
            assertThat(cli.err.toString()).as(c[0] + " " + c[1]).satisfiesAnyOf(
                    err -> assertThat(err).startsWith(c[2]),
                    err -> assertThat(err).startsWith(c[2].replace(" to " + latest + " days", " to " + after + " days")))
                    .contains("Usage: bin/shadow demo");
            assertThat(work).as("nothing done for " + c[0] + " " + c[1]).doesNotExist();
        }
    }

    @Test
    void theHistoryEndsSoThatTheLiveDayIsOverByNow() {
        // the workload starts on 2026-11-02: on 2026-11-26 the live day after 23 days of history is 11-25
        assertThat(DemoCommand.latestHistoryDays(java.time.Instant.parse("2026-11-26T08:00:00Z"))).isEqualTo(23);
        assertThat(DemoCommand.latestHistoryDays(java.time.Instant.parse("2027-06-01T00:00:00Z"))).isEqualTo(90);
        assertThat(DemoCommand.latestHistoryDays(java.time.Instant.parse("2026-11-10T00:00:00Z"))).isEqualTo(7);
    }

    @Test
    void aFolderHoldingTheUsersFilesIsRefusedAndNothingInItIsDeleted() throws Exception {
        Path mine = Files.createDirectories(dir.resolve("x/sub"));
        Files.writeString(mine.resolve("notes.md"), "notes");
        Files.writeString(dir.resolve("x/important.txt"), "important");

        assertThat(cli.run("demo", "--workdir", dir.resolve("x").toString())).isEqualTo(2);
        assertThat(cli.err.toString()).contains("error: --workdir " + dir.resolve("x") + " holds files the demo did not "
                + "write").contains("pick a new or empty folder, or delete " + dir.resolve("x") + " yourself");
        assertThat(dir.resolve("x/important.txt")).hasContent("important");
        assertThat(mine.resolve("notes.md")).hasContent("notes");
    }

    @Test
    void aFileGivenAsWorkdirIsRefusedAndKept() throws Exception {
        Path file = Files.writeString(dir.resolve("file.txt"), "data");

        assertThat(cli.run("demo", "--workdir", file.toString())).isEqualTo(2);
        assertThat(cli.err.toString()).contains("error: --workdir " + file + " is a file, not a folder");
        assertThat(file).isRegularFile().hasContent("data");
    }

    @Test
    void theHelpSaysWhichFoldersTheDemoEmpties() {
        assertThat(cli.run("demo", "--help")).isZero();
        // compared without white space: the help wraps lines wherever the terminal width says
        assertThat(cli.out.toString().replaceAll("\\s+", "")).contains(("relative to the current folder (default: "
                + ".shadow/demo). Emptied at every run, so it must be new, empty, or one an earlier demo run created "
                + "(it holds a .shadow-demo file); any other folder is refused, never emptied.").replace(" ", ""));
    }
}
