package io.shadow.mitigation.store;

import io.shadow.mitigation.OnEveryBackend;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shadow.features.ResourceType;
import io.shadow.mitigation.Assessments;
import io.shadow.mitigation.ManualClock;
import io.shadow.mitigation.StoreBackend;
import io.shadow.mitigation.api.RunningApi;
import io.shadow.mitigation.engine.Outcome;
import io.shadow.mitigation.profile.ProfileLoader;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The audit log holds every action and decision, and the database itself refuses to change or delete a line. */
class AuditLogTest extends OnEveryBackend {

    @Test
    void everyActionDecisionAndCommandIsAuditedAndTheLogCannotBeRewritten() throws Exception {
        StoreBackend store = store();
        try (RunningApi api = RunningApi.start(store, ProfileLoader.defaults(), new ManualClock(Assessments.T0))) {
            Outcome low = api.handle(Assessments.risk(40).build());
            api.post("/v1/mitigations/" + low.mitigationId() + "/reject", RunningApi.OPERATOR, "{\"comment\": \"ok\"}");
            Outcome host = api.handle(Assessments.risk(60).principal("u-3").on(ResourceType.PROCESS, "/usr/bin/xmrig")
                    .process(4242, 98765).build());
            String cmd = RunningApi.json(api.get("/v1/agent/commands?tenant=acme&host=ws-17", RunningApi.AGENT))
                    .get(0).path("id").asText();
            api.post("/v1/agent/commands/" + cmd + "/ack", RunningApi.AGENT, "{\"ok\": true, \"pids\": [42]}");
            api.post("/v1/mitigations/" + host.mitigationId() + "/approve", RunningApi.OPERATOR, "");

            List<String> actions = api.store().auditLog(null).stream().map(AuditEntry::action).toList();
            assertThat(actions).containsSubsequence("incident.opened", "action.applied", "action.applied",
                    "mitigation.applied", "notification.sent", "mitigation.reject", "action.undone", "action.undone");
            assertThat(actions).contains("agent.command_issued", "agent.command_done", "mitigation.approve");
            assertThat(api.store().auditLog(host.mitigationId())).extracting(AuditEntry::detail)
                    .anySatisfy(d -> assertThat(d).startsWith("isolate_host: gateway denies traffic of host ws-17"));

            try (Connection c = api.service().database().dataSource().getConnection();
                 Statement s = c.createStatement()) {
                assertThatThrownBy(() -> s.executeUpdate("UPDATE audit_log SET detail = 'nothing happened'"))
                        .isInstanceOf(SQLException.class).hasMessageContaining("audit_log is append-only: UPDATE refused");
                assertThatThrownBy(() -> s.executeUpdate("DELETE FROM audit_log"))
                        .isInstanceOf(SQLException.class).hasMessageContaining("audit_log is append-only: DELETE refused");
            }
            assertThat(api.store().auditLog(null).stream().map(AuditEntry::action).toList()).isEqualTo(actions);
        }
    }
}
