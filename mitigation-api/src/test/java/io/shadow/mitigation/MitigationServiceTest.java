package io.shadow.mitigation;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.mitigation.api.RunningApi;
import io.shadow.mitigation.engine.Outcome;
import io.shadow.mitigation.profile.ProfileLoader;
import io.shadow.mitigation.store.ActionRecord;
import io.shadow.mitigation.store.AuditEntry;
import io.shadow.mitigation.store.FeedbackRecord;
import io.shadow.mitigation.store.Incident;
import io.shadow.mitigation.store.Mitigation;
import io.shadow.mitigation.store.MitigationStore;
import io.shadow.mitigation.store.NotificationRecord;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The service as a whole: what survives a restart, and the sweep that undoes expired actions. */
class MitigationServiceTest extends OnEveryBackend {
    private static final String OTHER_BUCKET = "s3://acme-public/site";

    private final ManualClock clock = new ManualClock(Assessments.T0);

    private record Snapshot(List<Incident> incidents, List<Mitigation> mitigations, List<List<ActionRecord>> actions,
            List<NotificationRecord> notifications, List<FeedbackRecord> feedback, List<AuditEntry> audit) {
        static Snapshot of(MitigationStore s) {
            List<Mitigation> ms = s.mitigations();
            return new Snapshot(s.incidents(null, null, 100), ms,
                    ms.stream().map(m -> s.actionsOf(m.mitigationId())).toList(),
                    s.notifications(null), s.feedback(), s.auditLog(null));
        }
    }

    private RunningApi start() {
        return RunningApi.start(store(), ProfileLoader.defaults(), clock);
    }

    @Test
    void aRestartKeepsIncidentsMitigationsFeedbackAndAudit() {
        Snapshot before;
        String approved;
        try (RunningApi api = start()) {
            approved = api.handle(Assessments.risk(40).build()).mitigationId();
            api.handle(Assessments.risk(90).principal("u-2").build());
            String rejected = api.handle(Assessments.risk(60).principal("u-3").build()).mitigationId();
            assertThat(api.post("/v1/mitigations/" + approved + "/approve", RunningApi.OPERATOR, "").statusCode())
                    .isEqualTo(200);
            assertThat(api.post("/v1/mitigations/" + rejected + "/reject", RunningApi.OPERATOR, "").statusCode())
                    .isEqualTo(200);
            before = Snapshot.of(api.store());
        }
        assertThat(before.incidents()).hasSize(3);
        assertThat(before.feedback()).hasSize(2);

        try (RunningApi api = start()) {
            Snapshot after = Snapshot.of(api.store());

            assertThat(after.incidents()).isEqualTo(before.incidents());
            assertThat(after.mitigations()).isEqualTo(before.mitigations());
            assertThat(after.actions()).isEqualTo(before.actions());
            assertThat(after.notifications()).isEqualTo(before.notifications());
            assertThat(after.feedback()).isEqualTo(before.feedback());
            assertThat(after.audit()).startsWith(before.audit().toArray(AuditEntry[]::new));
            assertThat(after.audit()).hasSize(before.audit().size() + 1)
                    .last().extracting(AuditEntry::action).isEqualTo("service.started");
            HttpResponse<String> r = api.post("/v1/mitigations/" + approved + "/reject", RunningApi.OPERATOR, "");
            assertThat(r.statusCode()).as("the approval survived the restart").isEqualTo(409);
        }
    }

    @Test
    void actionsInForceAreStillEnforcedAfterARestart() {
        Outcome lockout;
        try (RunningApi api = start()) {
            for (String p : List.of("u-1", "u-3")) { // their rotations are among the actions in force
                api.service().engine().actuators().keys().issue(Assessments.TENANT, p);
            }
            lockout = api.handle(Assessments.risk(90).build());
            api.handle(Assessments.risk(60).principal("u-3").build());
            assertThat(api.decision("u-1", OTHER_BUCKET).statusCode()).isEqualTo(403);
        }

        try (RunningApi api = start()) {
            assertThat(api.store().auditLog("mitigation-api")).last().extracting(AuditEntry::detail)
                    .isEqualTo("profiles v1 by shadow-defaults, 5 action(s) in force restored");
            HttpResponse<String> locked = api.decision("u-1", OTHER_BUCKET);
            assertThat(locked.statusCode()).as(locked.body()).isEqualTo(403);
            assertThat(RunningApi.json(locked).path("reason").asText()).isEqualTo("user locked out");
            assertThat(api.decision("u-3", Assessments.BUCKET).statusCode()).isEqualTo(403);
            assertThat(api.decision("u-3", OTHER_BUCKET).statusCode()).isEqualTo(200);

            assertThat(api.post("/v1/mitigations/" + lockout.mitigationId() + "/reject", RunningApi.OPERATOR, "")
                    .statusCode()).isEqualTo(200);
            assertThat(api.decision("u-1", OTHER_BUCKET).statusCode()).as("the restored rule is undone").isEqualTo(200);
        }
    }

    @Test
    void actionsStayOnTheResourceTheyWereAimedAtAcrossARestartAModifyAndInTheResourcesHistory() {
        String teamA = "s3://acme-team-a/data";
        String teamB = "s3://acme-team-b/data";
        String restricted;
        try (RunningApi api = start()) {
            api.handle(Assessments.risk(30).on(io.shadow.features.ResourceType.DATA_STORAGE, teamA).build());
            // the same principal's incident escalates on another bucket: the restriction is on that one
            restricted = api.handle(Assessments.risk(60).on(io.shadow.features.ResourceType.DATA_STORAGE, teamB)
                    .later(Duration.ofMinutes(5)).build()).mitigationId();
            assertThat(api.decision("u-1", teamB).statusCode()).isEqualTo(403);
            assertThat(api.decision("u-1", teamA).statusCode()).isEqualTo(200);
        }

        try (RunningApi api = start()) {
            assertThat(api.decision("u-1", teamB).statusCode()).as("restored on the bucket it was applied to")
                    .isEqualTo(403);
            assertThat(api.decision("u-1", teamA).statusCode()).isEqualTo(200);

            HttpResponse<String> modify = api.post("/v1/mitigations/" + restricted + "/modify", RunningApi.OPERATOR,
                    "{\"actions\": [{\"type\": \"restrict\", \"expires\": \"PT30M\"}]}");
            assertThat(modify.statusCode()).as(modify.body()).isEqualTo(200);
            assertThat(api.decision("u-1", teamB).statusCode()).as("a shorter restriction, same bucket")
                    .isEqualTo(403);
            assertThat(api.decision("u-1", teamA).statusCode()).isEqualTo(200);

            HttpResponse<String> history = api.get("/v1/history/resources?id=" + teamB, RunningApi.OPERATOR);
            assertThat(RunningApi.json(history).path("incidents")).as(history.body()).hasSize(1);
        }
    }

    @Test
    void anExpiryRunningAtARestartIsStillEnforcedAndThenUndoneOnTime() {
        Outcome o;
        try (RunningApi api = RunningApi.start(store(), RunningApi.profiles("short-expiry.yaml"), clock)) {
            o = api.handle(Assessments.risk(60).build());
            assertThat(api.decision("u-1", Assessments.BUCKET).statusCode()).isEqualTo(403);
        }
        try (RunningApi api = RunningApi.start(store(), RunningApi.profiles("short-expiry.yaml"), clock)) {
            assertThat(api.decision("u-1", Assessments.BUCKET).statusCode()).as("restored, not yet expired")
                    .isEqualTo(403);
            assertThat(api.service().engine().expire()).isZero();
            clock.advance(Duration.ofSeconds(2));

            assertThat(api.service().engine().expire()).isEqualTo(1);
            assertThat(api.store().actionsOf(o.mitigationId())).extracting(ActionRecord::status)
                    .containsExactly(ActionRecord.EXPIRED);
            assertThat(api.decision("u-1", Assessments.BUCKET).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void theSweepUndoesExpiredActionsOnItsOwn() throws Exception {
        Path profiles = Path.of(getClass().getResource("/profiles/short-expiry.yaml").toURI());
        try (MitigationService service = new MitigationService(store().open(),
                ProfileLoader.load(profiles), clock, Duration.ofHours(1), Duration.ofMillis(50))) {
            Outcome o = service.engine().handle(Assessments.risk(60).build());
            assertThat(service.engine().actuators().gateway().decide("acme", "u-1", Assessments.BUCKET, null)
                    .verdict()).isEqualTo("deny");

            clock.advance(Duration.ofSeconds(2));

            Instant deadline = Instant.now().plusSeconds(30);
            while (!service.store().actionsOf(o.mitigationId()).get(0).status().equals(ActionRecord.EXPIRED)
                    && Instant.now().isBefore(deadline)) {
                Thread.sleep(20);
            }
            assertThat(service.store().actionsOf(o.mitigationId())).extracting(ActionRecord::status)
                    .containsExactly(ActionRecord.EXPIRED);
            assertThat(service.engine().actuators().gateway().size()).isZero();
        }
    }
}
