package io.shadow.mitigation.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.shadow.features.ResourceType;
import io.shadow.mitigation.Assessments;
import io.shadow.mitigation.ManualClock;
import io.shadow.mitigation.api.RunningApi;
import io.shadow.mitigation.engine.Outcome;
import io.shadow.mitigation.store.ActionRecord;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which processes the host's agent is told to act on: the anomaly's own process (its pid and start
 * time), never by default every process of its executable: an anomaly on a process that does not say
 * which one is skipped with the reason, and a whole executable is acted on only when asked for.
 */
class ProcessSelectorTest {
    private static final String COMMANDS = "/v1/agent/commands?tenant=acme&host=ws-17";
    private static final String JAVA = "/usr/lib/jvm/java-17-openjdk-amd64/bin/java";
    @TempDir
    Path dir;
    private RunningApi api;

    @BeforeEach
    void start() {
        api = RunningApi.start(dir, RunningApi.profiles("process-actions.yaml"), new ManualClock(Assessments.T0));
    }

    @AfterEach
    void stop() {
        api.close();
    }

    /** The commands pending for ws-17, as its agent polls them: action and params. */
    private List<String> pending() {
        List<String> out = new ArrayList<>();
        for (JsonNode c : RunningApi.json(api.get(COMMANDS, RunningApi.AGENT))) {
            TreeMap<String, String> params = new TreeMap<>();
            c.path("params").fields().forEachRemaining(f -> params.put(f.getKey(), f.getValue().asText()));
            out.add(c.path("action").asText() + " " + params);
        }
        return out;
    }

    private ActionRecord kill(Outcome o) {
        return api.store().actionsOf(o.mitigationId()).stream().filter(a -> a.type().equals("kill_process"))
                .findFirst().orElseThrow();
    }

    @Test
    void theAgentIsToldToKillTheAnomalysProcessCheckedByItsStartTime() {
        Outcome o = api.handle(Assessments.risk(60).on(ResourceType.PROCESS, JAVA).process(4242, 98765).build());

        assertThat(pending()).containsExactlyInAnyOrder("isolate_host {}",
                "kill_process {pid=4242, start_ticks=98765}");
        assertThat(kill(o).detail()).startsWith("agent on ws-17 kills process pid=4242 (" + JAVA + ") (command ");
    }

    @Test
    void aModifyActsOnTheProcessTheMitigationActedOnThoughTheIncidentDoesNotKeepIt() {
        Outcome o = api.handle(Assessments.risk(60).on(ResourceType.PROCESS, JAVA).process(4242, 98765).build());
        assertThat(kill(o).params()).as("the process acted on is kept with the action")
                .containsEntry("pid", "4242").containsEntry("start_ticks", "98765");

        // the reviewer would rather suspend it than kill it: the pending kill is cancelled, the same process suspended
        HttpResponse<String> r = api.decide(o.mitigationId(), "modify", "{\"actions\": [{\"type\": "
                + "\"isolate_host\", \"expires\": \"PT1H\"}, {\"type\": \"suspend_process\", \"expires\": \"PT2H\"}]}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(pending()).containsExactlyInAnyOrder("isolate_host {}",
                "suspend_process {pid=4242, start_ticks=98765}");
    }

    @Test
    void aModifyThatKeepsAProcessActionLeavesItAsItIs() {
        Outcome o = api.handle(Assessments.risk(60).on(ResourceType.PROCESS, JAVA).process(4242, 98765).build());
        String killed = kill(o).actionId();

        // the isolation gets an end; the kill is asked for as it is
        HttpResponse<String> r = api.decide(o.mitigationId(), "modify", "{\"actions\": [{\"type\": "
                + "\"isolate_host\", \"expires\": \"PT7H\"}, {\"type\": \"kill_process\"}]}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(api.store().actionsOf(o.mitigationId())).filteredOn(x -> x.type().equals("kill_process"))
                .singleElement().satisfies(x -> assertThat(x.actionId()).isEqualTo(killed));
        assertThat(pending()).containsExactlyInAnyOrder("isolate_host {}",
                "kill_process {pid=4242, start_ticks=98765}");
    }

    @Test
    void anAnomalyOnAnExecutableThatNamesNoProcessKillsNothingUntilEveryProcessOfItIsAskedFor() {
        Outcome o = api.handle(Assessments.risk(60).on(ResourceType.PROCESS, JAVA).build());

        assertThat(pending()).as("not every JVM of the host").containsExactly("isolate_host {}");
        assertThat(kill(o).status()).isEqualTo(ActionRecord.SKIPPED);
        assertThat(kill(o).detail()).isEqualTo("kill_process: the anomaly names executable " + JAVA + " but not "
                + "which process (its event carried no pid), and every process of an executable is never acted on "
                + "unasked; give params.pid, or params.exe to act on every process running that executable");

        HttpResponse<String> r = api.decide(o.mitigationId(), "modify", "{\"actions\": [{\"type\": "
                + "\"isolate_host\"}, {\"type\": \"kill_process\", \"params\": {\"exe\": \"" + JAVA + "\"}}]}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(pending()).as("asked for by name").containsExactlyInAnyOrder("isolate_host {}",
                "kill_process {exe=" + JAVA + "}");
    }
}
