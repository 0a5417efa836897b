package io.shadow.mitigation.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.shadow.features.ResourceType;
import io.shadow.mitigation.Assessments;
import io.shadow.mitigation.ManualClock;
import io.shadow.mitigation.MitigationOptions;
import io.shadow.mitigation.MitigationService;
import io.shadow.mitigation.OnEveryBackend;
import io.shadow.mitigation.engine.Outcome;
import io.shadow.mitigation.profile.ProfileLoader;
import io.shadow.mitigation.store.AuditEntry;
import io.shadow.mitigation.store.NotificationRecord;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A host action shows as applied once its command is issued: when the host's agent does not fetch it
 * within {@code mitigation.agent.fetch-timeout} (default 1 min) or does not acknowledge it within
 * {@code mitigation.agent.ack-timeout} (default 3 min) of fetching it, the operators are told, once,
 * and a late acknowledgement is recorded as late.
 */
class AgentSilenceTest extends OnEveryBackend {
    private static final Instant T0 = Assessments.T0;
    private final ManualClock clock = new ManualClock(T0);

    @Test
    void aCommandNeverFetchedIsReportedAfterTheFetchTimeoutOnceAlsoAfterARestart() {
        Outcome o;
        String isolate;
        try (RunningApi api = RunningApi.start(store(), ProfileLoader.defaults(), clock)) {
            o = handle(api);
            isolate = api.service().engine().actuators().agents().pending("acme", "ws-17").stream()
                    .filter(c -> c.action().equals("isolate_host")).findFirst().orElseThrow().id();
            clock.advance(Duration.ofSeconds(59));
            assertThat(api.service().agentWatch().sweep()).as("within the fetch timeout").isZero();
            clock.advance(Duration.ofSeconds(2));

            assertThat(api.service().agentWatch().sweep()).as("isolate_host and suspend_process").isEqualTo(2);
            assertThat(api.service().agentWatch().sweep()).as("a second sweep reports nothing").isZero();

            assertThat(api.action(o.incidentId(), "isolate_host").path("detail").asText())
                    .endsWith("; isolate_host not "
                            + "confirmed on host ws-17: its agent has not fetched command " + isolate
                            + " since 2025-03-03T10:00:00Z (1 min)");
            assertThat(api.store().auditLog(o.mitigationId())).extracting(AuditEntry::action)
                    .filteredOn("action.agent_silent"::equals).hasSize(2);
            NotificationRecord n = unconfirmed(api).stream().filter(x -> x.subject().contains("isolate_host"))
                    .findFirst().orElseThrow();
            assertThat(n.recipient()).isEqualTo(NotificationRecord.OPERATORS);
            assertThat(n.subject()).isEqualTo("Action not confirmed: isolate_host on host ws-17");
            assertThat(n.body()).contains("isolate_host not confirmed on host ws-17", "(command " + isolate + ")",
                    "check the host's agent");
            assertThat(RunningApi.json(api.get("/v1/notifications", RunningApi.OPERATOR)))
                    .extracting(x -> x.path("kind").asText()).as("the operators' list has them")
                    .contains("action_unconfirmed");
        }
        try (RunningApi api = RunningApi.start(store(), ProfileLoader.defaults(), clock)) {
            clock.advance(Duration.ofMinutes(10));

            assertThat(api.service().agentWatch().sweep()).as("reported before the restart").isZero();
            assertThat(unconfirmed(api)).hasSize(2);
        }
    }

    @Test
    void aCommandFetchedButNotAcknowledgedIsReportedAfterTheAckTimeout() {
        try (RunningApi api = RunningApi.start(store(), ProfileLoader.defaults(), clock)) {
            Outcome o = handle(api);
            clock.advance(Duration.ofSeconds(30));
            String isolate = api.commandOf("isolate_host"); // fetched now
            clock.advance(Duration.ofMinutes(2));
            assertThat(api.service().agentWatch().sweep()).as("fetched in time, not past the ack timeout").isZero();
            clock.advance(Duration.ofSeconds(61));

            assertThat(api.service().agentWatch().sweep()).isEqualTo(2);

            assertThat(api.action(o.incidentId(), "isolate_host").path("detail").asText())
                    .endsWith("; isolate_host not "
                            + "confirmed on host ws-17: its agent fetched command " + isolate + " at 2025-03-03T10:00:30Z "
                            + "and has not acknowledged it (3 min)");
            assertThat(unconfirmed(api)).hasSize(2);
        }
    }

    @Test
    void anIsolationWithdrawnWhileItsAgentHeldItIsReportedWhenTheAgentStaysSilent() {
        try (RunningApi api = RunningApi.start(store(), ProfileLoader.defaults(), clock)) {
            Outcome o = handle(api);
            String isolate = api.commandOf("isolate_host"); // fetched now: the agent may be isolating the host
            api.commandOf("suspend_process");
            assertThat(api.decide(o.mitigationId(), "reject", "{}").statusCode()).isEqualTo(200); // now cancelling
            clock.advance(Duration.ofSeconds(179));
            assertThat(api.service().agentWatch().sweep()).as("within the ack timeout").isZero();
            clock.advance(Duration.ofSeconds(2));

            assertThat(api.service().agentWatch().sweep()).isEqualTo(2);
            assertThat(api.service().agentWatch().sweep()).as("once").isZero();

            assertThat(api.action(o.incidentId(), "isolate_host").path("detail").asText()).endsWith("; isolate_host "
                    + "was withdrawn while its agent held it and is not confirmed on host ws-17: its agent fetched "
                    + "command " + isolate + " at 2025-03-03T10:00:00Z and has not acknowledged it (3 min); if the "
                    + "agent carried it out, it is still in force there, and its reversal is issued only once the "
                    + "agent acknowledges it");
            assertThat(unconfirmed(api)).extracting(NotificationRecord::subject).contains(
                    "Withdrawn action not confirmed: isolate_host may be in force on host ws-17");
        }
    }

    @Test
    void aReportThatCouldNotBeRecordedIsMadeWholeAtALaterSweepAndSaidOnce() throws Exception {
        try (RunningApi api = RunningApi.start(store(), ProfileLoader.defaults(), clock)) {
            Outcome o = handle(api);
            clock.advance(Duration.ofSeconds(61));
            // the action's history can be written, its audit line cannot: the report fails half-way
            sql(api, "ALTER TABLE audit_log RENAME TO audit_log_away");
            try {
                assertThat(api.service().agentWatch().sweep()).as("nothing could be recorded").isZero();
            } finally {
                sql(api, "ALTER TABLE audit_log_away RENAME TO audit_log");
            }
            assertThat(api.action(o.incidentId(), "isolate_host").path("detail").asText()).as("neither half")
                    .doesNotContain("not confirmed");
            assertThat(unconfirmed(api)).isEmpty();

            assertThat(api.service().agentWatch().sweep()).as("unmarked, so reported now").isEqualTo(2);

            String detail = api.action(o.incidentId(), "isolate_host").path("detail").asText();
            assertThat(detail.split("isolate_host not confirmed", -1)).as(detail).hasSize(2);
            assertThat(api.store().auditLog(o.mitigationId())).extracting(AuditEntry::action)
                    .filteredOn("action.agent_silent"::equals).hasSize(2);
            assertThat(unconfirmed(api)).hasSize(2);
        }
    }

    private static void sql(RunningApi api, String statement) throws java.sql.SQLException {
        try (java.sql.Connection c = api.service().database().dataSource().getConnection();
                java.sql.Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }

    @Test
    void aCommandAcknowledgedInTimeIsNeverReported() {
        try (RunningApi api = RunningApi.start(store(), ProfileLoader.defaults(), clock)) {
            Outcome o = handle(api);
            clock.advance(Duration.ofSeconds(5));
            ack(api, api.commandOf("isolate_host"), "{\"ok\": true, \"detail\": \"isolated\"}");
            ack(api, api.commandOf("suspend_process"), "{\"ok\": true, \"pids\": [98765]}");
            clock.advance(Duration.ofHours(1));

            assertThat(api.service().agentWatch().sweep()).isZero();

            assertThat(unconfirmed(api)).isEmpty();
            assertThat(api.action(o.incidentId(), "isolate_host").path("detail").asText())
                    .doesNotContain("not confirmed");
        }
    }

    @Test
    void aLateAcknowledgementIsRecordedAsLateAndALateSuccessIsNotified() {
        try (RunningApi api = RunningApi.start(store(), ProfileLoader.defaults(), clock)) {
            Outcome o = handle(api);
            clock.advance(Duration.ofSeconds(61));
            assertThat(api.service().agentWatch().sweep()).isEqualTo(2);
            clock.advance(Duration.ofSeconds(29));

            ack(api, api.commandOf("isolate_host"), "{\"ok\": true, \"detail\": \"isolated\"}");
            ack(api, api.commandOf("suspend_process"), "{\"ok\": false, \"detail\": \"no such process\"}");

            assertThat(api.action(o.incidentId(), "isolate_host").path("detail").asText())
                    .endsWith("; isolate_host was carried "
                            + "out late on host ws-17, at 2025-03-03T10:01:30Z, after it was reported as not confirmed at "
                            + "2025-03-03T10:01:01Z");
            JsonNode suspend = api.action(o.incidentId(), "suspend_process");
            assertThat(suspend.path("status").asText()).as("the normal path ran: out of force").isEqualTo("failed");
            assertThat(suspend.path("detail").asText()).contains("suspend_process was NOT carried out on host ws-17: "
                    + "its agent reported no such process").endsWith("; suspend_process: its agent answered late, at "
                            + "2025-03-03T10:01:30Z, after it was reported as not confirmed at 2025-03-03T10:01:01Z");
            assertThat(api.store().notifications(null)).filteredOn(n -> n.kind().equals("action_confirmed"))
                    .as("the success only: the failure is an action_failed").singleElement().satisfies(n -> {
                        assertThat(n.recipient()).isEqualTo(NotificationRecord.OPERATORS);
                        assertThat(n.subject()).isEqualTo("Action confirmed late: isolate_host on host ws-17");
                    });
            assertThat(api.store().auditLog(o.mitigationId())).extracting(AuditEntry::action)
                    .filteredOn("action.agent_late"::equals).hasSize(2);
        }
    }

    @Test
    void aSilentReversalIsReportedNamingWhatStaysInForce() {
        try (RunningApi api = RunningApi.start(store(), ProfileLoader.defaults(), clock)) {
            Outcome o = handle(api);
            ack(api, api.commandOf("isolate_host"), "{\"ok\": true, \"detail\": \"isolated\"}");
            ack(api, api.commandOf("suspend_process"), "{\"ok\": true, \"pids\": [98765]}");
            HttpResponse<String> reject = api.decide(o.mitigationId(), "reject", "{}");
            assertThat(reject.statusCode()).as(reject.body()).isEqualTo(200);
            String release = api.commandOf("release_host");
            clock.advance(Duration.ofMinutes(4)); // fetched, not acknowledged

            assertThat(api.service().agentWatch().sweep()).as("release_host and resume_process").isEqualTo(2);

            assertThat(api.action(o.incidentId(), "isolate_host").path("detail").asText())
                    .endsWith("; its reversal release_host "
                            + "is not confirmed on host ws-17, so isolate_host may still be in force there although Shadow "
                            + "undid it: its agent fetched command " + release + " at 2025-03-03T10:00:00Z and has not "
                            + "acknowledged it (4 min)");
            assertThat(unconfirmed(api)).extracting(NotificationRecord::subject).containsExactlyInAnyOrder(
                    "Undo not confirmed: isolate_host may still be in force on host ws-17",
                    "Undo not confirmed: suspend_process may still be in force on host ws-17");
        }
    }

    @Test
    void theServicesSweepReportsASilentAgentOnItsOwn() throws Exception {
        try (MitigationService service = new MitigationService(store().open(), ProfileLoader.defaults(), clock,
                Duration.ofHours(1), Duration.ofMillis(50))) {
            service.engine().handle(Assessments.risk(60).principal("u-3").on(ResourceType.PROCESS, "/usr/bin/xmrig")
                    .process(4242, 98765).build());

            clock.advance(Duration.ofSeconds(61));

            Instant deadline = Instant.now().plusSeconds(30);
            while (kinds(service, "action_unconfirmed") < 2 && Instant.now().isBefore(deadline)) {
                Thread.sleep(20);
            }
            assertThat(kinds(service, "action_unconfirmed")).isEqualTo(2);
        }
    }

    private static long kinds(MitigationService service, String kind) {
        return service.store().notifications(null).stream().filter(n -> n.kind().equals(kind)).count();
    }

    @Test
    void aTimeoutThatIsNotPositiveIsRefusedAtStartNamingTheKey() {
        MitigationOptions defaults = MitigationOptions.defaults(dir.resolve("keys"));

        assertThatThrownBy(() -> defaults.withAgentTimeouts(Duration.ZERO, Duration.ofMinutes(3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid mitigation.agent.fetch-timeout = PT0S; expected a positive ISO-8601 duration "
                        + "such as PT1M (longer than the agents' actions.poll-interval, or every command is reported "
                        + "as not confirmed)");
        assertThatThrownBy(() -> defaults.withAgentTimeouts(Duration.ofMinutes(1), Duration.ofSeconds(-5)))
                .hasMessageStartingWith("invalid mitigation.agent.ack-timeout = PT-5S; expected a positive");
    }

    private static Outcome handle(RunningApi api) {
        return api.handle(Assessments.risk(60).principal("u-3").on(ResourceType.PROCESS, "/usr/bin/xmrig")
                .process(4242, 98765).build());
    }

    private static List<NotificationRecord> unconfirmed(RunningApi api) {
        return api.store().notifications(null).stream().filter(n -> n.kind().equals("action_unconfirmed")).toList();
    }

    private static void ack(RunningApi api, String command, String body) {
        HttpResponse<String> r = api.post("/v1/agent/commands/" + command + "/ack", RunningApi.AGENT, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
}
