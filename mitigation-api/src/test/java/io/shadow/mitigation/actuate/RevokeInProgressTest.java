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
import io.shadow.mitigation.profile.ProfileLoader;
import io.shadow.mitigation.profile.ProfileSet;
import io.shadow.mitigation.store.ActionRecord;
import io.shadow.mitigation.store.AuditEntry;
import io.shadow.mitigation.store.CommandStore.Command;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A command the host's agent has fetched is being carried out: a reject, modify or expiry cannot
 * cancel it. Its acknowledgement is taken, and what the agent did is reversed at once (a host
 * released, the processes it stopped resumed) or, for a kill, kept and said so.
 */
class RevokeInProgressTest extends OnEveryBackend {
    private static final String COMMANDS = "/v1/agent/commands?tenant=acme&host=ws-17";
    private static final String MINER = "/usr/bin/xmrig";

    private final ManualClock clock = new ManualClock(Assessments.T0);
    private RunningApi api;
    private Outcome o;

    /** A medium-band anomaly of process 4242 on ws-17 under {@code profiles}. */
    private void mitigated(ProfileSet profiles) {
        api = RunningApi.start(store(), profiles, clock);
        o = api.handle(Assessments.risk(60).on(ResourceType.PROCESS, MINER).process(4242, 98765).build());
    }

    @AfterEach
    void stop() {
        if (api != null) {
            api.close();
        }
    }

    /** The agent polls: command id by action, in the order they came. */
    private Map<String, String> agentFetches() {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode c : RunningApi.json(api.get(COMMANDS, RunningApi.AGENT))) {
            out.put(c.path("action").asText(), c.path("id").asText());
        }
        return out;
    }

    private HttpResponse<String> ack(String id, String body) {
        return api.post("/v1/agent/commands/" + id + "/ack", RunningApi.AGENT, body);
    }

    /** The commands issued for ws-17 that its agent has not fetched yet: action and params. */
    private List<String> notFetched() {
        return agents().pending("acme", "ws-17").stream()
                .map(c -> c.action() + " " + new TreeMap<>(c.params())).toList();
    }

    private AgentCommands agents() {
        return api.service().engine().actuators().agents();
    }

    private String status(String id) {
        return agents().get(id).map(Command::status).orElseThrow();
    }

    private ActionRecord action(String type) {
        return api.store().actionsOf(o.mitigationId()).stream().filter(a -> a.type().equals(type)).findFirst()
                .orElseThrow();
    }

    private List<AuditEntry> audit(String action) {
        return api.store().auditLog(o.mitigationId()).stream().filter(e -> e.action().equals(action)).toList();
    }

    @Test
    void aRejectWhileTheAgentIsolatesAndSuspendsIsReversedOnceItAcknowledges() {
        mitigated(ProfileLoader.defaults());
        Map<String, String> fetched = agentFetches();
        assertThat(fetched).containsOnlyKeys("isolate_host", "suspend_process");

        HttpResponse<String> r = api.decide(o.mitigationId(), "reject", "{\"comment\": \"a build job\"}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(notFetched()).as("nothing to reverse until the agent says what it did").isEmpty();
        assertThat(fetched.values()).allSatisfy(id -> assertThat(status(id)).isEqualTo(AgentCommands.CANCELLING));
        assertThat(agentFetches()).as("handed out again until acknowledged (a lost answer)").isEqualTo(fetched);

        HttpResponse<String> isolated = ack(fetched.get("isolate_host"), "{\"ok\": true, \"detail\": \"isolated\"}");
        HttpResponse<String> suspended = ack(fetched.get("suspend_process"), "{\"ok\": true, \"pids\": [4242]}");

        assertThat(isolated.statusCode()).as(isolated.body()).isEqualTo(200);
        assertThat(suspended.statusCode()).as(suspended.body()).isEqualTo(200);
        assertThat(RunningApi.json(isolated).path("status").asText()).isEqualTo(AgentCommands.REVERTED);
        assertThat(notFetched()).containsExactlyInAnyOrder("release_host {}",
                "resume_process {pid=4242, start_ticks=98765}");
        assertThat(action("isolate_host").detail()).matches(".*; isolate_host was carried out on host ws-17 after "
                + "it was withdrawn; reversed at once by release_host \\(command cmd-[0-9a-f-]+\\)");
        assertThat(action("suspend_process").detail()).matches(".*; suspend_process was carried out on host ws-17 "
                + "after it was withdrawn; reversed at once by resume_process \\(command cmd-[0-9a-f-]+\\)");
        assertThat(audit("action.acted_after_revoke")).hasSize(2);
        assertThat(api.store().actionsOf(o.mitigationId())).extracting(ActionRecord::status)
                .containsOnly(ActionRecord.UNDONE);
    }

    @Test
    void aResumeTargetsThePidsTheLateAcknowledgementReports() {
        mitigated(ProfileLoader.defaults());
        String suspend = agentFetches().get("suspend_process");
        clock.advance(Duration.ofHours(5));
        api.service().engine().expire(); // the isolation lapses; the suspension (no expiry) stays

        assertThat(api.decide(o.mitigationId(), "reject", "").statusCode()).isEqualTo(200);
        HttpResponse<String> late = ack(suspend, "{\"ok\": true, \"pids\": [4242, 4243]}");

        assertThat(late.statusCode()).as(late.body()).isEqualTo(200);
        assertThat(notFetched()).contains("resume_process {pid=4242,4243, start_ticks=98765}");
    }

    @Test
    void aModifyDroppingASuspensionTheAgentIsCarryingOutResumesTheProcessOnceItAcknowledges() {
        mitigated(ProfileLoader.defaults());
        Map<String, String> fetched = agentFetches();

        HttpResponse<String> r = api.decide(o.mitigationId(), "modify", "{\"actions\": [{\"type\": \"isolate_host\", "
                + "\"expires\": \"PT4H\"}]}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(status(fetched.get("suspend_process"))).isEqualTo(AgentCommands.CANCELLING);
        assertThat(ack(fetched.get("suspend_process"), "{\"ok\": true, \"pids\": [4242]}").statusCode())
                .isEqualTo(200);
        assertThat(notFetched()).contains("resume_process {pid=4242, start_ticks=98765}");
    }

    @Test
    void anExpiryWhileTheAgentIsolatesReleasesTheHostOnceItAcknowledges() {
        mitigated(ProfileLoader.defaults());
        String isolate = agentFetches().get("isolate_host");
        clock.advance(Duration.ofHours(5));

        api.service().engine().expire();

        assertThat(notFetched()).isEmpty();
        assertThat(ack(isolate, "{\"ok\": true}").statusCode()).isEqualTo(200);
        assertThat(notFetched()).containsExactly("release_host {}");
        assertThat(action("isolate_host").status()).isEqualTo(ActionRecord.EXPIRED);
    }

    @Test
    void aRevokedCommandTheAgentCouldNotCarryOutIsRecordedAndNothingIsReversed() {
        mitigated(ProfileLoader.defaults());
        String isolate = agentFetches().get("isolate_host");
        assertThat(api.decide(o.mitigationId(), "reject", "").statusCode()).isEqualTo(200);

        HttpResponse<String> failed = ack(isolate, "{\"ok\": false, \"detail\": \"nft missing\"}");

        assertThat(failed.statusCode()).as(failed.body()).isEqualTo(200);
        assertThat(status(isolate)).isEqualTo(AgentCommands.CANCELLED);
        assertThat(notFetched()).doesNotContain("release_host {}");
        assertThat(action("isolate_host").detail()).endsWith("; isolate_host was not carried out on host ws-17 after "
                + "it was withdrawn: its agent reported nft missing");
        assertThat(api.store().notifications(null)).as("nothing is in force that Shadow does not show")
                .noneMatch(n -> n.kind().equals("action_failed"));
    }

    @Test
    void aKillTheAgentIsCarryingOutIsKeptNotCancelled() {
        mitigated(RunningApi.profiles("process-actions.yaml"));
        Map<String, String> fetched = agentFetches();

        HttpResponse<String> r = api.decide(o.mitigationId(), "reject", "");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(RunningApi.json(r).path("actions")).extracting(a -> a.path("type").asText(),
                a -> a.path("status").asText()).containsExactlyInAnyOrder(tuple("isolate_host", "undone"),
                tuple("kill_process", "kept"));
        assertThat(ack(fetched.get("kill_process"), "{\"ok\": true, \"pids\": [4242]}").statusCode()).isEqualTo(200);
        assertThat(status(fetched.get("kill_process"))).isEqualTo(AgentCommands.DONE);
        assertThat(action("kill_process").detail()).endsWith("; kill_process was carried out on host ws-17 after it "
                + "was withdrawn: a killed process cannot be brought back; only a kill the agent has not carried out "
                + "yet is cancelled; kept");
        assertThat(notFetched()).as("a kill has no reverse").isEmpty();
    }

    @Test
    void aCommandNotFetchedYetIsStillCancelled() {
        mitigated(RunningApi.profiles("process-actions.yaml"));

        assertThat(api.decide(o.mitigationId(), "reject", "").statusCode()).isEqualTo(200);

        assertThat(api.store().actionsOf(o.mitigationId())).extracting(ActionRecord::status)
                .containsOnly(ActionRecord.UNDONE);
        assertThat(agentFetches()).as("the agent never sees them").isEmpty();
    }
}
