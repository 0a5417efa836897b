package io.shadow.mitigation.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.mitigation.store.CommandStore;
import io.shadow.mitigation.store.CommandStore.Command;
import io.shadow.mitigation.store.Database;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Withdrawing one of several commands that hold a host or a process (an expired or rejected
 * medium-band isolation while an emergency's isolation is in force) must not free it.
 */
class AgentCommandsTest {
    private static final String TENANT = "acme";
    private static final String HOST = "h1";
    @TempDir
    Path dir;
    private Database db;
    private AgentCommands agents;

    @BeforeEach
    void open() {
        db = Database.open(Database.h2Url(dir), "sa", "");
        agents = new AgentCommands(new CommandStore(db), Clock.systemUTC());
    }

    @AfterEach
    void close() {
        db.close();
    }

    private String executed(String action, Map<String, String> params, String pidsJson) {
        String id = agents.issue(TENANT, HOST, action, params);
        assertThat(agents.acknowledge(id, "agent-h1", true, "{\"detail\":\"done\",\"pids\":" + pidsJson + "}"))
                .isPresent();
        return id;
    }

    private java.util.List<String> pendingActions() {
        return agents.pending(TENANT, HOST).stream().map(c -> c.action() + " " + new java.util.TreeMap<>(c.params()))
                .toList();
    }

    @Test
    void aHostStaysIsolatedUntilTheLastIsolationIsWithdrawn() {
        String medium = executed("isolate_host", Map.of(), "[]");
        String emergency = executed("isolate_host", Map.of(), "[]");

        agents.revoke(medium);

        assertThat(pendingActions()).as("the emergency still isolates h1").isEmpty();
        assertThat(agents.get(medium).map(Command::status)).contains(AgentCommands.WITHDRAWN);

        agents.revoke(emergency);

        assertThat(pendingActions()).containsExactly("release_host {}");
        assertThat(agents.get(medium).map(Command::status)).contains(AgentCommands.REVERTED);
        assertThat(agents.get(emergency).map(Command::status)).contains(AgentCommands.REVERTED);
    }

    @Test
    void aHoldingIsolationThatIsCancelledOrFailsReleasesWhatWasOwed() {
        String done = executed("isolate_host", Map.of(), "[]");
        String pending = agents.issue(TENANT, HOST, "isolate_host", Map.of());
        agents.revoke(done);
        assertThat(pendingActions()).containsExactly("isolate_host {}");

        agents.revoke(pending);

        assertThat(pendingActions()).as("the pending isolation was withdrawn before the agent ran it")
                .containsExactly("release_host {}");

        String again = executed("isolate_host", Map.of(), "[]");
        String failing = agents.issue(TENANT, HOST, "isolate_host", Map.of());
        agents.revoke(again);
        agents.acknowledge(failing, "agent-h1", false, "{\"detail\":\"nft missing\"}");

        assertThat(pendingActions()).as("a failed isolation holds nothing")
                .containsExactly("release_host {}", "release_host {}");
    }

    @Test
    void anIsolationStillToBeExecutedAlsoHoldsTheHost() {
        String done = executed("isolate_host", Map.of(), "[]");
        agents.issue(TENANT, HOST, "isolate_host", Map.of());

        agents.revoke(done);

        assertThat(pendingActions()).containsExactly("isolate_host {}");
    }

    @Test
    void onlyProcessesNoOtherSuspensionHoldsAreResumed() {
        String medium = executed("suspend_process", Map.of("top_cpu", "1"), "[4711, 5000]");
        String emergency = executed("suspend_process", Map.of("pid", "4711"), "[4711]");

        agents.revoke(medium);

        assertThat(pendingActions()).containsExactly("resume_process {pid=5000, top_cpu=1}");

        agents.revoke(emergency);

        assertThat(pendingActions()).as("4711 is free now; resuming 5000 again is harmless")
                .containsExactly("resume_process {pid=5000, top_cpu=1}", "resume_process {pid=4711,5000, top_cpu=1}",
                        "resume_process {pid=4711}");
    }

    @Test
    void aSuspensionWhoseProcessesAreNotKnownYetHoldsEveryProcess() {
        String done = executed("suspend_process", Map.of("exe", "/usr/bin/miner"), "[4711]");
        agents.issue(TENANT, HOST, "suspend_process", Map.of("exe", "/usr/bin/miner"));

        agents.revoke(done);

        assertThat(pendingActions()).containsExactly("suspend_process {exe=/usr/bin/miner}");
    }

    @Test
    void aLoneIsolationOrSuspensionIsReversedAsBefore() {
        String isolation = executed("isolate_host", Map.of(), "[]");
        String suspension = executed("suspend_process", Map.of("exe", "/usr/bin/miner"), "[4711]");

        agents.revoke(isolation);
        agents.revoke(suspension);

        assertThat(pendingActions()).containsExactly("release_host {}",
                "resume_process {exe=/usr/bin/miner, pid=4711}");
    }
}
