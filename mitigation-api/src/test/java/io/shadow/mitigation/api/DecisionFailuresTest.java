package io.shadow.mitigation.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.shadow.features.ResourceType;
import io.shadow.mitigation.Assessments;
import io.shadow.mitigation.ManualClock;
import io.shadow.mitigation.MitigationOptions;
import io.shadow.mitigation.actuate.TableRollback;
import io.shadow.mitigation.engine.Outcome;
import io.shadow.mitigation.store.ActionRecord;
import io.shadow.mitigation.store.AuditEntry;
import io.shadow.mitigation.store.Mitigation;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A decision whose actuator or store fails part way still says what is in force, truthfully, and
 * leaves every action in force recorded, so that an expiry, a reject or an operator can undo it.
 * The mitigation rolls a table back (data-actions profiles, medium band on a database); the table's
 * restores fail as each test scripts them, and the store refuses statements through a constraint
 * added with NOCHECK (rows already stored stay valid).
 */
class DecisionFailuresTest {
    private static final String TABLE = "finance.payroll";
    private static final String NO_SPARK = "org/apache/spark/sql/SparkSession";

    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock(Assessments.T0);
    private final ScriptedTable table = new ScriptedTable();
    private RunningApi api;
    private Outcome o;
    private ActionRecord rollback;

    @BeforeEach
    void start() {
        api = table.startApi(dir, "data-actions.yaml", clock, TABLE); // restore 1 rolls back to version 3
        o = api.handle(Assessments.risk(60).on(ResourceType.DATABASE, TABLE).build());
        assertThat(table.version.get()).as("rolled back").isEqualTo(3);
        rollback = api.store().actionsOf(o.mitigationId()).get(0);
        assertThat(rollback.type()).isEqualTo("rollback_table");
    }

    @AfterEach
    void stop() {
        api.close();
    }

    /** Modify to a rollback named by its table: the one in force is undone first (restore 2), then applied anew. */
    private HttpResponse<String> modifyToTheNamedTable() {
        return api.decide(o.mitigationId(), "modify", "{\"actions\": [{\"type\": \"rollback_table\", "
                + "\"params\": {\"table\": \"" + TABLE + "\"}}]}");
    }

    private void sql(String statement) throws SQLException {
        try (var c = api.service().database().dataSource().getConnection(); var st = c.createStatement()) {
            st.execute(statement);
        }
    }

    /** The store refuses to record a rollback in force: the one applied again after a withdrawn modify. */
    private void refuseRecordingAnAppliedRollback() throws SQLException {
        sql("ALTER TABLE actions ADD CONSTRAINT no_applied_rollback CHECK (NOT (type = 'rollback_table' "
                + "AND status = 'applied')) NOCHECK");
    }

    private static String error(HttpResponse<String> r) {
        return RunningApi.json(r).path("error").asText();
    }

    private void assertOpenAgain() {
        assertThat(api.store().mitigation(o.mitigationId()).orElseThrow().status()).isEqualTo(Mitigation.APPLIED);
        assertThat(api.store().feedback()).as("a decision that did not take effect teaches nothing").isEmpty();
        assertThat(api.store().auditLog(o.mitigationId())).extracting(AuditEntry::action)
                .contains("mitigation.modify_withdrawn");
    }

    @Test
    void aReplacedActionAppliedAgainThatCannotBeRecordedIsUndoneAsTheAnswerSays() throws SQLException {
        table.failOn(3, new IllegalStateException("the table is locked")); // the new rollback
        refuseRecordingAnAppliedRollback();

        HttpResponse<String> r = modifyToTheNamedTable();

        assertThat(r.statusCode()).as(r.body()).isEqualTo(500);
        assertThat(error(r)).contains("rollback_table (" + rollback.actionId() + "), which the modify had undone, "
                + "could not be applied again (", "NO_APPLIED_ROLLBACK", ") and is NOT in force; in force now: nothing");
        assertThat(table.restores.get()).as("applied again (4), then undone as it could not be recorded (5)")
                .isEqualTo(5);
        assertThat(table.version.get()).as("not rolled back: as the answer says").isEqualTo(5);
        assertOpenAgain();
    }

    @Test
    void aReplacedActionAppliedAgainThatCanBeNeitherRecordedNorUndoneIsNamedAsInForceWithoutARecord()
            throws SQLException {
        table.failOn(3, new IllegalStateException("the table is locked"));
        table.failOn(5, new IllegalStateException("the table is locked again")); // undoing the unrecorded one
        refuseRecordingAnAppliedRollback();

        HttpResponse<String> r = modifyToTheNamedTable();

        assertThat(r.statusCode()).as(r.body()).isEqualTo(500);
        assertThat(error(r)).contains("rollback_table (" + rollback.actionId() + "), which the modify had undone, "
                + "was applied again, but rollback_table on ", " (table " + TABLE + " restored from version 5 to "
                + "version 3", ") is in force without a record: recording it failed (", "NO_APPLIED_ROLLBACK",
                ") and undoing it failed too (IllegalStateException: the table is locked again); nothing in Shadow "
                + "can expire or undo it, undo it by hand; in force now: nothing")
                .doesNotContain("NOT in force");
        assertThat(table.version.get()).as("rolled back, as the answer says").isEqualTo(3);
        assertOpenAgain();
    }

    @Test
    void aNewActionThatCanBeNeitherRecordedNorUndoneIsNamedInTheAnswerNotCalledAsBefore() throws SQLException {
        table.failOn(4, new IllegalStateException("the table is locked")); // undoing the unrecorded new one
        refuseRecordingAnAppliedRollback();

        HttpResponse<String> r = modifyToTheNamedTable();

        assertThat(r.statusCode()).as(r.body()).isEqualTo(500);
        assertThat(error(r)).contains("the new action rollback_table on ", ") is in force without a record: "
                + "recording it failed (", "undoing it failed too (IllegalStateException: the table is locked)")
                .doesNotContain("what was in force before is in force");
        assertOpenAgain();
    }

    @Test
    void anErrorApplyingAReplacedActionAgainStillWithdrawsTheModify() {
        table.failOn(3, new IllegalStateException("the table is locked"));
        table.failOn(4, new NoClassDefFoundError(NO_SPARK)); // applying the old one again

        HttpResponse<String> r = modifyToTheNamedTable();

        assertThat(r.statusCode()).as(r.body()).isEqualTo(500);
        assertThat(error(r)).contains("rollback_table (" + rollback.actionId() + "), which the modify had undone, "
                + "could not be applied again (NoClassDefFoundError: " + NO_SPARK + ") and is NOT in force; "
                + "in force now: nothing; the mitigation is open for a decision again");
        assertOpenAgain();
        HttpResponse<String> reject = api.decide(o.mitigationId(), "reject", "{}");
        assertThat(reject.statusCode()).as("open for a decision: " + reject.body()).isEqualTo(200);
    }

    @Test
    void anErrorUndoingAnActionLeavesItRecordedInForceAndAudited() {
        table.failOn(2, new NoClassDefFoundError(NO_SPARK)); // the reject's undo

        HttpResponse<String> r = api.decide(o.mitigationId(), "reject", "{}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(500);
        assertThat(error(r)).isEqualTo("mitigation " + o.mitigationId() + " was rejected, but undoing rollback_table ("
                + rollback.actionId() + "): NoClassDefFoundError: " + NO_SPARK + " failed; those actions stay in "
                + "force (audit: action.undo_failed) until an operator fixes the cause and they expire or are undone");
        assertThat(api.store().actionsOf(o.mitigationId())).extracting(ActionRecord::status)
                .containsExactly(ActionRecord.APPLIED);
        assertThat(api.store().auditLog(o.mitigationId())).extracting(AuditEntry::action, AuditEntry::detail)
                .contains(tuple("action.undo_failed", "rollback_table: NoClassDefFoundError: " + NO_SPARK
                        + "; the action stays in force"));
        assertThat(table.version.get()).isEqualTo(3);
    }

    @Test
    void aModifyThatCannotReadTheActionsInForceLeavesTheMitigationOpen() throws SQLException {
        sql("UPDATE actions SET params = 'not json' WHERE action_id = '" + rollback.actionId() + "'");

        HttpResponse<String> r = modifyToTheNamedTable();

        assertThat(r.statusCode()).as(r.body()).isEqualTo(500);
        assertThat(error(r)).isEqualTo("mitigation " + o.mitigationId() + " was not modified: reading the actions "
                + "in force failed unexpectedly (IllegalStateException: corrupt action params not json; the server "
                + "log has the details); what was in force before is in force; in force now: unknown (reading the "
                + "store failed: corrupt action params not json); the mitigation is open for a decision again "
                + "(audit: mitigation.modify_withdrawn)");
        assertOpenAgain();
        assertThat(table.restores.get()).as("nothing undone").isEqualTo(1);
    }

    @Test
    void aNewActionWhoseAuditLineCannotBeWrittenIsTakenBackWithTheModify() throws SQLException {
        sql("ALTER TABLE audit_log ADD CONSTRAINT no_rate_audit CHECK (NOT (action = 'action.applied' "
                + "AND detail LIKE 'rate_limit: %')) NOCHECK");

        HttpResponse<String> r = api.decide(o.mitigationId(), "modify", "{\"actions\": [{\"type\": "
                + "\"rollback_table\"}, {\"type\": \"rate_limit\", \"params\": {\"per_minute\": \"5\"}}]}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(500);
        assertThat(error(r)).contains("applying rate_limit failed unexpectedly (", "NO_RATE_AUDIT",
                "in force now: rollback_table (" + rollback.actionId() + ")");
        assertThat(api.store().actionsOf(o.mitigationId())).extracting(ActionRecord::type, ActionRecord::status)
                .as("the new rate is not in force, unrecorded or otherwise")
                .containsExactly(tuple("rollback_table", ActionRecord.APPLIED));
        assertThat(api.service().engine().actuators().gateway().size()).isZero();
        assertOpenAgain();
    }

    /** A Delta table in memory whose n-th restore (from 1) throws what the test scripts. */
    static final class ScriptedTable implements TableRollback {
        final AtomicLong version = new AtomicLong(3);
        final AtomicInteger restores = new AtomicInteger();
        private final Map<Integer, Throwable> failures = new ConcurrentHashMap<>();

        /**
         * A mitigation API (H2 in {@code dir}) with {@code profiles}, rolling {@code name} back through this
         * table: version 3 pinned, then the attack's writes up to version 5.
         */
        RunningApi startApi(Path dir, String profiles, ManualClock clock, String name) {
            RunningApi api = RunningApi.start(dir.resolve("store"), RunningApi.profiles(profiles), clock,
                    MitigationOptions.defaults(dir.resolve("keys")).withRollback(this, List.of(name),
                            Duration.ofHours(1)));
            api.service().engine().actuators().rollback().pinAll();
            version.set(5);
            return api;
        }

        void failOn(int restore, Throwable t) {
            failures.put(restore, t);
        }

        @Override
        public long currentVersion(String table) {
            return version.get();
        }

        @Override
        public void restore(String table, long to) {
            Throwable t = failures.get(restores.incrementAndGet());
            if (t instanceof RuntimeException e) {
                throw e;
            }
            if (t instanceof Error e) {
                throw e;
            }
            version.set(to);
        }
    }
}
