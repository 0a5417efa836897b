package io.shadow.agents.act;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command journal keeps a command from running twice, and never claims what did not happen. */
class CommandJournalTest {
    @TempDir
    Path dir;

    @Test
    void aCommandThatCouldNotBeRecordedIsNotSeenAndRunsOnceItCanBe() throws Exception {
        Path file = dir.resolve("journal.jsonl");
        CommandJournal journal = new CommandJournal(file);
        Files.deleteIfExists(file);
        Files.createDirectory(file); // the journal cannot be written (as on a full disk)

        assertThatThrownBy(() -> journal.started("c-1", "isolate_host")).isInstanceOf(UncheckedIOException.class)
                .hasMessageStartingWith("cannot write the agent's command journal " + file)
                .hasMessageEndingWith("; commands stay pending at Shadow until it can be written: free space in "
                        + "spool.dir");
        assertThat(journal.outcome("c-1", "isolate_host")).as("not 'the agent stopped while executing it'").isEmpty();

        Files.delete(file);
        journal.started("c-1", "isolate_host");
        journal.done(new CommandExecutor.Result("c-1", "isolate_host", true, "host isolated", List.of()));
        assertThat(new CommandJournal(file).outcome("c-1", "isolate_host")).hasValueSatisfying(r ->
                assertThat(r.detail()).isEqualTo("host isolated"));
    }
}
