package io.shadow.mitigation.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.shadow.mitigation.Assessments;
import io.shadow.mitigation.ManualClock;
import io.shadow.mitigation.MitigationOptions;
import io.shadow.mitigation.actuate.TableRollback;
import io.shadow.mitigation.engine.Outcome;
import io.shadow.mitigation.profile.ProfileException;
import io.shadow.mitigation.profile.ProfileLoader;
import io.shadow.mitigation.store.ActionRecord;
import io.shadow.mitigation.store.AuditEntry;
import io.shadow.mitigation.store.Mitigation;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A modify never lifts containment by mistake: actions the profiles would refuse are refused
 * before anything is undone or recorded, and a replacement that cannot be put in force is taken
 * back, leaving what was in force in force and the mitigation open for another decision.
 */
class ModifyContainmentTest {
    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock(Assessments.T0);
    private RunningApi api;
    private Path data;

    @BeforeEach
    void start() throws IOException {
        data = dir.resolve("data/finance");
        Files.createDirectories(data);
        Files.writeString(data.resolve("payroll.csv"), "IBAN DE89 3704 0044 0532 0130 00");
        api = RunningApi.start(dir.resolve("store"), ProfileLoader.defaults(), clock,
                MitigationOptions.defaults(dir.resolve("keys")).withEncryptionRoots(List.of(dir.resolve("data"))));
        api.service().engine().actuators().keys().issue(Assessments.TENANT, "u-1"); // what a rotate_keys replaces
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private HttpResponse<String> modify(Outcome o, String actions) {
        return api.post("/v1/mitigations/" + o.mitigationId() + "/modify", RunningApi.OPERATOR,
                "{\"actions\": " + actions + ", \"comment\": \"throttle instead\"}");
    }

    private List<String> statuses(Outcome o) {
        return api.store().actionsOf(o.mitigationId()).stream().map(a -> a.type() + "=" + a.status()).toList();
    }

    /** A master key that is not 32 bytes: encrypt_data fails when it is applied, as on a damaged disk. */
    private void damageTheMasterKey() throws IOException {
        Files.createDirectories(dir.resolve("keys"));
        Files.write(dir.resolve("keys/master.key"), new byte[5]);
    }

    @Test
    void aModifyThatChangesNothingIsRefusedAndRotatesNoKeyAgain() {
        Outcome o = api.handle(Assessments.risk(60).build());

        HttpResponse<String> r = modify(o, "[{\"type\": \"restrict\", \"expires\": \"PT4H\"}, "
                + "{\"type\": \"rotate_keys\", \"expires\": \"PT1H\"}]");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(RunningApi.json(r).path("error").asText()).isEqualTo("modify would change nothing: the actions "
                + "asked for are those in force on mitigation " + o.mitigationId() + ". Approve it to keep them as "
                + "they are, or change an action, its params or its expires");
        assertThat(statuses(o)).as("the same two actions, neither done again")
                .containsExactlyInAnyOrder("restrict=applied", "rotate_keys=applied");
        assertThat(api.store().mitigation(o.mitigationId()).orElseThrow().status()).as("still open for a decision")
                .isEqualTo("applied");
    }

    @Test
    void aRateTheProfilesWouldRefuseIsRefusedBeforeAnythingIsUndone() {
        Outcome o = api.handle(Assessments.risk(60).build());
        assertThat(statuses(o)).containsExactlyInAnyOrder("restrict=applied", "rotate_keys=applied");
        String refused = "modify refused, nothing was undone or recorded: ";

        for (String[] c : new String[][] {
            {"\"abc\"", "actions[0].params.per_minute (rate_limit): 'abc' is not a positive whole number of requests "
                    + "(1 to 2147483647); use e.g. 20"},
            {"\"-5\"", "actions[0].params.per_minute (rate_limit): '-5' is not a positive whole number of requests "
                    + "(1 to 2147483647); use e.g. 20"},
            {"\"0\"", "actions[0].params.per_minute (rate_limit): '0' is not"},
            {"\"2147483648\"", "actions[0].params.per_minute (rate_limit): '2147483648' is not"},
            {"12.5", "actions[0].params.per_minute (rate_limit): '12.5' is not"},
            {"{\"n\": 5}", "actions[0].params.per_minute (rate_limit): params.per_minute must be text or a number, "
                    + "got {\"n\":5}"}}) {
            HttpResponse<String> r = modify(o, "[{\"type\": \"rate_limit\", \"params\": {\"per_minute\": " + c[0]
                    + "}}]");

            assertThat(r.statusCode()).as(c[0] + ": " + r.body()).isEqualTo(400);
            assertThat(RunningApi.json(r).path("error").asText()).as(c[0]).startsWith(refused + c[1]);
        }
        HttpResponse<String> noRate = modify(o, "[{\"type\": \"restrict\"}, {\"type\": \"rate_limit\", "
                + "\"parmas\": {\"per_minute\": \"5\"}}]");
        assertThat(RunningApi.json(noRate).path("error").asText()).isEqualTo(refused
                + "actions[1].parmas (rate_limit): unknown key 'parmas'; allowed here: [expires, params, type]; "
                + "actions[1].params (rate_limit): rate_limit needs params.per_minute, a positive whole number of "
                + "requests");

        assertThat(statuses(o)).as("nothing undone").containsExactlyInAnyOrder("restrict=applied",
                "rotate_keys=applied");
        assertThat(api.decision("u-1", Assessments.BUCKET).statusCode()).as("still contained").isEqualTo(403);
        assertThat(api.store().mitigation(o.mitigationId()).orElseThrow().status()).isEqualTo(Mitigation.APPLIED);
        assertThat(api.store().feedback()).isEmpty();
        assertThat(api.store().auditLog(o.mitigationId())).extracting(AuditEntry::action)
                .doesNotContain("mitigation.modify", "action.undone");

        HttpResponse<String> valid = modify(o, "[{\"type\": \"rate_limit\", \"params\": {\"per_minute\": \"5\"}}]");
        assertThat(valid.statusCode()).as("a corrected request is still possible: " + valid.body()).isEqualTo(200);
        assertThat(statuses(o)).as("a rotation cannot be reversed").containsExactlyInAnyOrder("restrict=undone",
                "rotate_keys=kept", "rate_limit=applied");
    }

    @Test
    void profilesCheckRefusesTheSameRateInTheSameWords() throws IOException {
        String yaml;
        try (InputStream in = ProfileLoader.class.getResourceAsStream(ProfileLoader.DEFAULT_RESOURCE)) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8).replaceFirst("per_minute: 20",
                    "per_minute: -5");
        }

        try {
            ProfileLoader.parse(yaml, "profiles.yaml");
            throw new AssertionError("a rate of -5 was accepted");
        } catch (ProfileException e) {
            assertThat(e.problems()).containsExactly("profiles.yaml line 29, key profiles.0.actions.1.params.per_minute: "
                    + "'-5' is not a positive whole number of requests (1 to 2147483647); use e.g. 20");
        }
    }

    @Test
    void aReplacementThatFailsLeavesTheContainmentInForceAndTheMitigationOpen() throws IOException {
        Outcome o = api.handle(Assessments.risk(60).build());
        damageTheMasterKey();

        HttpResponse<String> r = modify(o, "[{\"type\": \"rate_limit\", \"params\": {\"per_minute\": \"5\"}}, "
                + "{\"type\": \"encrypt_data\", \"params\": {\"path\": \"" + data + "\"}}]");

        List<ActionRecord> actions = api.store().actionsOf(o.mitigationId());
        assertThat(actions).extracting(ActionRecord::type, ActionRecord::status).containsExactlyInAnyOrder(
                tuple("restrict", "applied"), tuple("rotate_keys", "applied"), tuple("rate_limit", "undone"),
                tuple("encrypt_data", "failed"));
        String inForce = String.join(", ", actions.stream().filter(a -> a.status().equals("applied"))
                .map(a -> a.type() + " (" + a.actionId() + ")").toList());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(500);
        assertThat(RunningApi.json(r).path("error").asText()).isEqualTo("mitigation " + o.mitigationId()
                + " was not modified: applying encrypt_data failed (master key " + dir.resolve("keys/master.key")
                + " has 5 bytes, expected 32; restore it from your backup); what was in force before is in force; "
                + "in force now: " + inForce + "; the mitigation is open for a decision again "
                + "(audit: mitigation.modify_withdrawn)");
        assertThat(api.decision("u-1", Assessments.BUCKET).statusCode()).as("still restricted").isEqualTo(403);
        assertThat(api.service().engine().actuators().gateway().size()).as("the new rate was taken back")
                .isEqualTo(1);
        var incident = RunningApi.json(api.get("/v1/incidents/" + o.incidentId(), RunningApi.OPERATOR));
        assertThat(incident.at("/mitigations/0/mitigation/status").asText()).isEqualTo(Mitigation.APPLIED);
        assertThat(incident.at("/mitigations/0/mitigation/decidedBy").isNull()).isTrue();
        assertThat(api.store().feedback()).as("a decision that did not take effect teaches nothing").isEmpty();
        assertThat(api.store().auditLog(o.mitigationId())).extracting(AuditEntry::action)
                .containsSubsequence("mitigation.modify", "action.failed", "action.undone",
                        "mitigation.modify_withdrawn");

        HttpResponse<String> retry = modify(o, "[{\"type\": \"rate_limit\", \"params\": {\"per_minute\": \"5\"}}]");
        assertThat(retry.statusCode()).as(retry.body()).isEqualTo(200);
        assertThat(api.store().mitigation(o.mitigationId()).orElseThrow().status()).isEqualTo(Mitigation.MODIFIED);
        assertThat(api.decision("u-1", Assessments.BUCKET).statusCode()).isEqualTo(200);
    }

    @Test
    void aWithdrawnModifySaysTheNewKeyRotationItCannotReverseStays() throws IOException {
        Outcome o = api.handle(Assessments.risk(40).build());
        damageTheMasterKey();

        HttpResponse<String> r = modify(o, "[{\"type\": \"rotate_keys\"}, {\"type\": \"encrypt_data\", "
                + "\"params\": {\"path\": \"" + data + "\"}}]");

        List<ActionRecord> actions = api.store().actionsOf(o.mitigationId());
        assertThat(actions).extracting(ActionRecord::type, ActionRecord::status).containsExactlyInAnyOrder(
                tuple("rate_limit", "applied"), tuple("log", "applied"), tuple("rotate_keys", "kept"),
                tuple("encrypt_data", "failed"));
        String rotation = actions.stream().filter(a -> a.type().equals("rotate_keys")).findFirst().orElseThrow()
                .actionId();
        assertThat(r.statusCode()).as(r.body()).isEqualTo(500);
        assertThat(RunningApi.json(r).path("error").asText()).contains("; what was in force before is in force; "
                + "the new rotate_keys (" + rotation + ") cannot be reversed and stays (audit: action.kept); "
                + "in force now: ");
        assertThat(api.store().auditLog(o.mitigationId())).extracting(AuditEntry::action)
                .containsSubsequence("mitigation.modify", "action.applied", "action.failed", "action.kept",
                        "mitigation.modify_withdrawn")
                .doesNotContain("action.undone");
    }

    @Test
    void aRateReplacedByAFailingModifyIsInForceAgainUntilItsOwnExpiry() throws IOException {
        Outcome o = api.handle(Assessments.risk(40).build());
        damageTheMasterKey();
        clock.advance(Duration.ofMinutes(10));

        HttpResponse<String> r = modify(o, "[{\"type\": \"rate_limit\", \"params\": {\"per_minute\": \"5\"}}, "
                + "{\"type\": \"encrypt_data\", \"params\": {\"path\": \"" + data + "\"}}]");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(500);
        assertThat(api.store().actionsOf(o.mitigationId()))
                .extracting(ActionRecord::type, ActionRecord::params, ActionRecord::status)
                .containsExactlyInAnyOrder(tuple("rate_limit", Map.of("per_minute", "20"), "undone"),
                        tuple("log", Map.of(), "applied"), tuple("rate_limit", Map.of("per_minute", "5"), "undone"),
                        tuple("encrypt_data", Map.of("path", data.toString()), "failed"),
                        tuple("rate_limit", Map.of("per_minute", "20"), "applied"));
        ActionRecord again = api.store().actionsOf(o.mitigationId()).stream()
                .filter(a -> a.status().equals("applied") && a.type().equals("rate_limit")).findFirst().orElseThrow();
        assertThat(again.expiresAt()).as("its own expiry, not a new hour").isEqualTo(Assessments.T0.plusSeconds(3600));
        assertThat(RunningApi.json(r).path("error").asText()).contains("what was in force before is in force; "
                + "in force now: ", "rate_limit (" + again.actionId() + ")");
        for (int i = 1; i <= 20; i++) {
            assertThat(api.decision("u-1", Assessments.BUCKET).statusCode()).as("request %d", i).isEqualTo(200);
        }
        assertThat(api.decision("u-1", Assessments.BUCKET).statusCode()).as("throttled at 20 again").isEqualTo(429);
    }

    @Test
    void anExpiryBeyondTheLongestIsRefusedBeforeAnythingIsUndoneOrRecorded() {
        Outcome o = api.handle(Assessments.risk(40).build());
        String path = "/v1/mitigations/" + o.mitigationId() + "/modify";
        String body = "{\"actions\": [{\"type\": \"rate_limit\", \"params\": {\"per_minute\": 5}, "
                + "\"expires\": \"PT9999999999999H\"}]}";

        HttpResponse<String> r = api.post(path, RunningApi.OPERATOR, body, "Idempotency-Key", "modify-1");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(RunningApi.json(r).path("error").asText()).isEqualTo("modify refused, nothing was undone or "
                + "recorded: actions[0].expires (rate_limit): 'PT9999999999999H' is longer than the longest expiry, "
                + "365 days (P365D); give a shorter one such as PT4H or P30D, or leave expires out to keep the action "
                + "until it is undone");
        assertThat(statuses(o)).as("nothing undone").containsExactlyInAnyOrder("rate_limit=applied", "log=applied");
        assertThat(api.store().mitigation(o.mitigationId()).orElseThrow().status()).isEqualTo(Mitigation.APPLIED);
        assertThat(api.store().feedback()).isEmpty();
        assertThat(api.store().auditLog(o.mitigationId())).extracting(AuditEntry::action)
                .doesNotContain("mitigation.modify", "action.undone");
        HttpResponse<String> replay = api.post(path, RunningApi.OPERATOR, body, "Idempotency-Key", "modify-1");
        assertThat(replay.statusCode()).isEqualTo(400);
        assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        for (int i = 1; i <= 20; i++) {
            assertThat(api.decision("u-1", Assessments.BUCKET).statusCode()).as("request %d", i).isEqualTo(200);
        }
        assertThat(api.decision("u-1", Assessments.BUCKET).statusCode()).as("still throttled at 20").isEqualTo(429);

        HttpResponse<String> aYear = modify(o, "[{\"type\": \"rate_limit\", \"params\": {\"per_minute\": 5}, "
                + "\"expires\": \"P365D\"}]");
        assertThat(aYear.statusCode()).as("the longest expiry itself is fine: " + aYear.body()).isEqualTo(200);
    }

    @Test
    void profilesCheckAndUploadRefuseAnExpiryBeyondTheLongestWithItsLineAndKey() throws IOException {
        String yaml;
        try (InputStream in = ProfileLoader.class.getResourceAsStream(ProfileLoader.DEFAULT_RESOURCE)) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("version: 1", "version: 2")
                    .replaceFirst("expires: PT1H", "expires: PT9999999999999H");
        }
        String problem = "line 30, key profiles.0.actions.1.expires: 'PT9999999999999H' is longer than the longest "
                + "expiry, 365 days (P365D); give a shorter one such as PT4H or P30D, or leave expires out to keep the "
                + "action until it is undone";

        try {
            ProfileLoader.parse(yaml, "profiles.yaml");
            throw new AssertionError("an expiry of a billion years was accepted");
        } catch (ProfileException e) {
            assertThat(e.problems()).containsExactly("profiles.yaml " + problem);
        }
        HttpResponse<String> upload = api.post("/v1/profiles", RunningApi.ADMIN, yaml);
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(400);
        assertThat(RunningApi.json(upload).path("error").asText()).contains("uploaded profiles " + problem);
        assertThat(api.service().engine().profiles().version()).isEqualTo(1);
    }

    @Test
    void aModifyThatThrowsPartWayRestoresWhatItUndidAndLeavesTheMitigationOpen() {
        // an actuator that throws instead of failing: Spark's classes missing where rollback_table runs
        AtomicLong version = new AtomicLong(3);
        TableRollback noSpark = new TableRollback() {
            @Override
            public long currentVersion(String table) {
                return version.get();
            }

            @Override
            public void restore(String table, long to) {
                throw new NoClassDefFoundError("org/apache/spark/sql/SparkSession");
            }
        };
        api.close();
        api = RunningApi.start(dir.resolve("store-rollback"), ProfileLoader.defaults(), clock,
                MitigationOptions.defaults(dir.resolve("keys")).withRollback(noSpark, List.of("finance.payroll"),
                        Duration.ofHours(1)));
        api.service().engine().actuators().rollback().pinAll();
        version.set(5);
        Outcome o = api.handle(Assessments.risk(40).build());

        HttpResponse<String> r = modify(o, "[{\"type\": \"rollback_table\", \"params\": {\"table\": "
                + "\"finance.payroll\"}}, {\"type\": \"rate_limit\", \"params\": {\"per_minute\": \"5\"}}]");

        List<ActionRecord> actions = api.store().actionsOf(o.mitigationId());
        assertThat(actions).extracting(ActionRecord::type, ActionRecord::params, ActionRecord::status)
                .containsExactlyInAnyOrder(tuple("rate_limit", Map.of("per_minute", "20"), "undone"),
                        tuple("log", Map.of(), "applied"), tuple("rate_limit", Map.of("per_minute", "20"), "applied"));
        String inForce = String.join(", ", actions.stream().filter(a -> a.status().equals("applied"))
                .map(a -> a.type() + " (" + a.actionId() + ")").toList());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(500);
        assertThat(RunningApi.json(r).path("error").asText()).isEqualTo("mitigation " + o.mitigationId()
                + " was not modified: applying rollback_table failed unexpectedly (NoClassDefFoundError: "
                + "org/apache/spark/sql/SparkSession; the server log has the details); what was in force before is "
                + "in force; in force now: " + inForce + "; the mitigation is open for a decision again "
                + "(audit: mitigation.modify_withdrawn)");
        for (int i = 1; i <= 20; i++) {
            assertThat(api.decision("u-1", Assessments.BUCKET).statusCode()).as("request %d", i).isEqualTo(200);
        }
        assertThat(api.decision("u-1", Assessments.BUCKET).statusCode()).as("throttled at 20 again").isEqualTo(429);
        assertThat(api.store().mitigation(o.mitigationId()).orElseThrow().status()).isEqualTo(Mitigation.APPLIED);
        assertThat(api.store().feedback()).as("a decision that did not take effect teaches nothing").isEmpty();
        assertThat(api.store().auditLog(o.mitigationId())).extracting(AuditEntry::action)
                .containsSubsequence("mitigation.modify", "action.undone", "action.applied",
                        "mitigation.modify_withdrawn");

        HttpResponse<String> reject = api.decide(o.mitigationId(), "reject", "{\"comment\": \"false alarm\"}");
        assertThat(reject.statusCode()).as("still open for a decision: " + reject.body()).isEqualTo(200);
    }
}
