package io.shadow.mitigation.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import io.shadow.features.ResourceType;
import io.shadow.mitigation.Assessments;
import io.shadow.mitigation.ManualClock;
import io.shadow.mitigation.OnEveryBackend;
import io.shadow.mitigation.api.RunningApi;
import io.shadow.mitigation.engine.Outcome;
import io.shadow.mitigation.store.ActionRecord;
import io.shadow.mitigation.store.AuditEntry;
import io.shadow.mitigation.store.Incident;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A kill the host's agent carried out cannot be reversed: a reject or an expiry records it as kept
 * (status and audit), never as undone, while the host's isolation beside it is undone. A kill still
 * waiting for the agent is cancelled, which is an undo.
 */
class KillProcessTest extends OnEveryBackend {
    private static final String COMMANDS = "/v1/agent/commands?tenant=acme&host=ws-17";
    private static final String KEPT_BECAUSE = "kill_process: a killed process cannot be brought back; only a kill "
            + "the agent has not carried out yet is cancelled; applied: agent on ws-17 kills process "
            + "pid=4242 (/usr/bin/xmrig) (command ";

    private final ManualClock clock = new ManualClock(Assessments.T0);
    private RunningApi api;
    private Outcome o;

    @BeforeEach
    void start() {
        api = RunningApi.start(store(), RunningApi.profiles("process-actions.yaml"), clock);
        o = api.handle(Assessments.risk(60).on(ResourceType.PROCESS, "/usr/bin/xmrig").process(4242, 98765).build());
        assertThat(pending()).containsExactlyInAnyOrder("isolate_host", "kill_process");
    }

    @AfterEach
    void stop() {
        api.close();
    }

    /** The actions of the commands pending for ws-17 that its agent has not fetched yet. */
    private List<String> pending() {
        List<String> out = new ArrayList<>();
        api.service().engine().actuators().agents().pending("acme", "ws-17").forEach(c -> out.add(c.action()));
        return out;
    }

    /** The agent carries out every pending command. */
    private void agentExecutes() {
        for (JsonNode c : RunningApi.json(api.get(COMMANDS, RunningApi.AGENT))) {
            HttpResponse<String> ack = api.post("/v1/agent/commands/" + c.path("id").asText() + "/ack",
                    RunningApi.AGENT, "{\"ok\": true, \"pids\": [4242]}");
            assertThat(ack.statusCode()).as(ack.body()).isEqualTo(200);
        }
    }

    private List<AuditEntry> audit(String action) {
        return api.store().auditLog(o.mitigationId()).stream().filter(e -> e.action().equals(action)).toList();
    }

    @Test
    void theNotificationDoesNotPromiseToUndoTheKill() {
        String body = api.store().notifications(o.incidentId()).get(0).body();

        assertThat(body).contains("/reject) to reverse every action except kill_process, which cannot be undone (a "
                + "killed process cannot be brought back; only a kill the agent has not carried out yet is cancelled; "
                + "a reject records it as kept), approve it");
    }

    @Test
    void aRejectKeepsAnExecutedKillAndUndoesTheIsolation() {
        agentExecutes();

        HttpResponse<String> r = api.decide(o.mitigationId(), "reject", "{\"comment\": \"a build job\"}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(RunningApi.json(r).path("actions")).extracting(a -> a.path("type").asText(),
                a -> a.path("status").asText()).containsExactlyInAnyOrder(tuple("isolate_host", "undone"),
                tuple("kill_process", "kept"));
        assertThat(audit("action.kept")).singleElement().extracting(AuditEntry::detail).asString()
                .startsWith(KEPT_BECAUSE);
        assertThat(audit("action.undone")).singleElement().extracting(AuditEntry::detail).asString()
                .startsWith("isolate_host: gateway denies traffic of host ws-17");
        assertThat(pending()).as("the host is released; nothing can bring the process back").containsExactly(
                "release_host");
        assertThat(api.store().incident(o.incidentId()).orElseThrow().status()).as("a kept action is not in force")
                .isEqualTo(Incident.RESOLVED);
    }

    @Test
    void aKillTheAgentHasNotCarriedOutIsCancelledByAReject() {
        HttpResponse<String> r = api.decide(o.mitigationId(), "reject", "");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(api.store().actionsOf(o.mitigationId())).extracting(ActionRecord::type, ActionRecord::status)
                .containsExactlyInAnyOrder(tuple("isolate_host", "undone"), tuple("kill_process", "undone"));
        assertThat(pending()).as("both commands cancelled before the agent saw them").isEmpty();
        ActionRecord kill = api.store().actionsOf(o.mitigationId()).stream()
                .filter(a -> a.type().equals("kill_process")).findFirst().orElseThrow();
        assertThat(api.service().engine().actuators().agents().get(kill.handle()).orElseThrow().status())
                .isEqualTo(AgentCommands.CANCELLED);
        assertThat(audit("action.kept")).isEmpty();
        assertThat(audit("action.undone")).extracting(AuditEntry::detail).anySatisfy(d -> assertThat(d)
                .startsWith("kill_process: agent on ws-17 kills process pid=4242 (/usr/bin/xmrig)"));
    }

    @Test
    void anExpiredKillIsKeptNotCountedAsUndone() {
        agentExecutes();
        clock.advance(Duration.ofHours(1));

        int undone = api.service().engine().expire();

        assertThat(undone).as("the isolation only").isEqualTo(1);
        assertThat(api.store().actionsOf(o.mitigationId())).extracting(ActionRecord::type, ActionRecord::status)
                .containsExactlyInAnyOrder(tuple("isolate_host", "expired"), tuple("kill_process", "kept"));
        assertThat(audit("action.kept")).singleElement().extracting(AuditEntry::detail).asString()
                .startsWith(KEPT_BECAUSE);
        assertThat(api.store().actionsInForce()).as("a kept action is not restored after a restart").isEmpty();
        assertThat(api.service().engine().expire()).as("nor swept again").isZero();
        assertThat(audit("action.kept")).hasSize(1);
    }
}
