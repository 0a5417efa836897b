package io.shadow.mitigation.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.features.ResourceType;
import io.shadow.mitigation.Assessments;
import io.shadow.mitigation.ManualClock;
import io.shadow.mitigation.engine.Outcome;
import io.shadow.mitigation.store.ActionRecord;
import io.shadow.mitigation.store.AuditEntry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One expired action that cannot be undone does not hold back the others: before, it came first in
 * every sweep, its failure ended the sweep, and nothing after it ever expired (and an Error ended the
 * scheduled sweep for good). It is tried again after a minute, then later and later.
 */
class ExpirySweepFailuresTest {
    private static final String TABLE = "finance.payroll";

    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock(Assessments.T0);
    private final DecisionFailuresTest.ScriptedTable table = new DecisionFailuresTest.ScriptedTable();
    private RunningApi api;

    @BeforeEach
    void start() {
        api = table.startApi(dir, "expiring-rollback.yaml", clock, TABLE);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void anActionWhoseUndoFailsStaysInForceAndTheOthersStillExpire() {
        Outcome rolledBack = api.handle(Assessments.risk(60).on(ResourceType.DATABASE, TABLE).build());
        clock.advance(Duration.ofMinutes(10)); // expires 10 minutes after the rollback: listed after it
        Outcome throttled = api.handle(Assessments.risk(40).principal("bob").build());
        assertThat(actions(rolledBack)).extracting(ActionRecord::type).containsExactly("rollback_table");
        assertThat(actions(throttled)).extracting(ActionRecord::type).containsExactly("rate_limit");
        table.failOn(2, new NoClassDefFoundError("org/apache/spark/sql/SparkSession")); // undoing the rollback

        clock.advance(Duration.ofHours(2));
        int expired = api.service().engine().expire();

        assertThat(expired).as("the rate limit expired though the rollback before it failed").isEqualTo(1);
        assertThat(actions(throttled)).extracting(ActionRecord::status).containsExactly(ActionRecord.EXPIRED);
        assertThat(actions(rolledBack)).extracting(ActionRecord::status).containsExactly(ActionRecord.APPLIED);
        assertThat(api.store().auditLog(rolledBack.mitigationId())).extracting(AuditEntry::action)
                .contains("action.undo_failed");

        assertThat(api.service().engine().expire()).as("not tried again at once").isZero();
        assertThat(api.store().auditLog(rolledBack.mitigationId())).extracting(AuditEntry::action)
                .filteredOn("action.undo_failed"::equals).hasSize(1);
        clock.advance(Duration.ofMinutes(1));
        assertThat(api.service().engine().expire()).as("tried again a minute later, and undone").isEqualTo(1);
        assertThat(actions(rolledBack)).extracting(ActionRecord::status).containsExactly(ActionRecord.EXPIRED);
        assertThat(table.version.get()).as("the attack's writes are back, as an undone rollback leaves them")
                .isEqualTo(5);
    }

    private List<ActionRecord> actions(Outcome o) {
        return api.store().actionsOf(o.mitigationId());
    }
}
