package io.shadow.mitigation.api;

import io.shadow.mitigation.OnEveryBackend;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import io.shadow.mitigation.Assessments;
import io.shadow.mitigation.ManualClock;
import io.shadow.mitigation.actuate.KeyVault;
import io.shadow.mitigation.engine.Outcome;
import io.shadow.mitigation.profile.ProfileLoader;
import io.shadow.mitigation.store.ActionRecord;
import io.shadow.mitigation.store.AuditEntry;
import io.shadow.mitigation.store.FeedbackRecord;
import io.shadow.mitigation.store.Incident;
import io.shadow.mitigation.store.Mitigation;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Approve, reject and modify over HTTP, and what each leaves in force and in the feedback table. */
class DecisionRoutesTest extends OnEveryBackend {
    private final ManualClock clock = new ManualClock(Assessments.T0);
    private RunningApi api;
    private Outcome low;

    @BeforeEach
    void start() {
        api = RunningApi.start(store(), ProfileLoader.defaults(), clock);
        api.service().engine().actuators().keys().issue(Assessments.TENANT, "u-1"); // what a rotate_keys replaces
        low = api.handle(Assessments.risk(40).build());
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private HttpResponse<String> decide(String what, String body) {
        return api.decide(low.mitigationId(), what, body);
    }

    private Mitigation mitigation() {
        return api.store().mitigation(low.mitigationId()).orElseThrow();
    }

    private int gatewayRules() {
        return api.service().engine().actuators().gateway().size();
    }

    @Test
    void aUsersModifyStaysOnTheirOwnAccountAndTheMitigationsTargetAnOperatorsMayGoWider() {
        String base = "modify refused, nothing was undone or recorded: ";
        HttpResponse<String> shutdown = api.post("/v1/mitigations/" + low.mitigationId() + "/modify",
                RunningApi.USER_U1, "{\"actions\": [{\"type\": \"shutdown_resource\"}]}");
        HttpResponse<String> elsewhere = api.post("/v1/mitigations/" + low.mitigationId() + "/modify",
                RunningApi.USER_U1, "{\"actions\": [{\"type\": \"rate_limit\", \"params\": {\"per_minute\": 5}}, "
                        + "{\"type\": \"encrypt_data\", \"params\": {\"path\": \"/srv/shares/hr\"}}]}");

        assertThat(shutdown.statusCode()).as(shutdown.body()).isEqualTo(403);
        assertThat(RunningApi.json(shutdown).path("error").asText()).isEqualTo(base + "actions[0] "
                + "(shutdown_resource): the mitigation did not apply shutdown_resource, and a user may add only actions "
                + "on their own account ([lock_user, log, rate_limit, restrict, rotate_keys]). Ask an operator for wider "
                + "actions on mitigation " + low.mitigationId());
        assertThat(elsewhere.statusCode()).as(elsewhere.body()).isEqualTo(403);
        assertThat(RunningApi.json(elsewhere).path("error").asText()).contains("actions[1] (encrypt_data): the "
                + "mitigation did not apply encrypt_data", "actions[1] (encrypt_data): params.path aims the action "
                + "elsewhere; a user's modify acts on the mitigation's own target, so leave it out")
                .doesNotContain("actions[0]");
        assertThat(mitigation().status()).as("nothing decided").isEqualTo(Mitigation.APPLIED);
        assertThat(api.decision("u-2", Assessments.BUCKET).statusCode()).as("the bucket is not shut down for others")
                .isEqualTo(200);

        HttpResponse<String> own = api.post("/v1/mitigations/" + low.mitigationId() + "/modify", RunningApi.USER_U1,
                "{\"actions\": [{\"type\": \"rate_limit\", \"params\": {\"per_minute\": 5}}]}");
        assertThat(own.statusCode()).as("a slower rate on their own account: " + own.body()).isEqualTo(200);

        Outcome other = api.handle(Assessments.risk(40).principal("u-3").build());
        HttpResponse<String> operator = api.decide(other.mitigationId(), "modify",
                "{\"actions\": [{\"type\": \"shutdown_resource\"}]}");
        assertThat(operator.statusCode()).as("an operator may: " + operator.body()).isEqualTo(200);
    }

    @Test
    void anOperatorReleasesAnApprovedLockOutWhoseDecisionStands() {
        Outcome lockout = api.handle(Assessments.risk(90).principal("u-7").build());
        assertThat(api.decide(lockout.mitigationId(), "release", "").statusCode()).as("undecided: reject instead")
                .isEqualTo(409);
        assertThat(api.decide(lockout.mitigationId(), "approve", "").statusCode()).isEqualTo(200);
        assertThat(api.decision("u-7", Assessments.BUCKET).statusCode()).isEqualTo(403);
        assertThat(api.decide(lockout.mitigationId(), "reject", "").statusCode()).as("the decision stands")
                .isEqualTo(409);

        HttpResponse<String> user = api.post("/v1/mitigations/" + lockout.mitigationId() + "/release",
                RunningApi.USER_U1, "");
        HttpResponse<String> r = api.decide(lockout.mitigationId(), "release", "{\"comment\": \"laptop reimaged\"}");

        assertThat(user.statusCode()).isEqualTo(403);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(RunningApi.json(r).at("/mitigation/status").asText()).isEqualTo("approved");
        assertThat(RunningApi.json(r).path("released")).isNotEmpty();
        assertThat(api.decision("u-7", Assessments.BUCKET).statusCode()).as("lifted").isEqualTo(200);
        assertThat(api.store().actionsOf(lockout.mitigationId())).extracting(ActionRecord::status)
                .doesNotContain(ActionRecord.APPLIED);
        assertThat(api.store().feedback()).filteredOn(f -> f.mitigationId().equals(lockout.mitigationId()))
                .singleElement().extracting(FeedbackRecord::decision).isEqualTo(FeedbackRecord.APPROVE);
        assertThat(api.store().auditLog(lockout.mitigationId())).last().satisfies(e -> {
            assertThat(e.action()).isEqualTo("mitigation.released");
            assertThat(e.detail()).endsWith("; the approved decision stands; laptop reimaged");
        });
        // who released it, when and why: under the mitigation in the incident view and in the history
        JsonNode view = RunningApi.json(api.get("/v1/incidents/" + lockout.incidentId(), RunningApi.OPERATOR));
        JsonNode history = RunningApi.json(api.get("/v1/history/users/u-7", RunningApi.OPERATOR));
        for (JsonNode releases : List.of(view.at("/mitigations/0/releases"), history.at("/incidents/0/mitigations/0"
                + "/releases"))) {
            assertThat(releases).singleElement().satisfies(rel -> {
                assertThat(rel.path("by").asText()).isEqualTo(api.store().auditLog(lockout.mitigationId()).get(
                        api.store().auditLog(lockout.mitigationId()).size() - 1).actor());
                assertThat(rel.path("at").asText()).isNotEmpty();
                assertThat(rel.path("detail").asText()).endsWith("laptop reimaged");
            });
        }
    }

    @Test
    void onAHostsIncidentAUserDecidesOnlyTheMitigationsOfTheirOwnAccountAndTheRightPersonIsTold() {
        // ws-17's incident opens on u-1's activity, then escalates on u-2's: the second mitigation acts on u-2
        Outcome first = api.handle(Assessments.risk(40).ofHost().build());
        Outcome second = api.handle(Assessments.risk(60).ofHost().principal("u-2").later(Duration.ofMinutes(5))
                .build());
        assertThat(second.incidentId()).isEqualTo(first.incidentId());
        String m2 = "/v1/mitigations/" + second.mitigationId();

        HttpResponse<String> lockOther = api.post(m2 + "/modify", RunningApi.USER_U1, "{\"actions\": [{\"type\": "
                + "\"restrict\"}, {\"type\": \"lock_user\"}]}");
        HttpResponse<String> liftOther = api.post(m2 + "/reject", RunningApi.USER_U1, "");

        assertThat(lockOther.statusCode()).as(lockOther.body()).isEqualTo(403);
        assertThat(RunningApi.json(lockOther).path("error").asText()).isEqualTo("mitigation " + second.mitigationId()
                + " acts on u-2's account, not yours (u-1); to modify it ask an operator");
        assertThat(liftOther.statusCode()).as(liftOther.body()).isEqualTo(403);
        assertThat(api.decision("u-2", Assessments.BUCKET).statusCode()).as("still restricted, not locked out")
                .isEqualTo(403);
        JsonNode view = RunningApi.json(api.get("/v1/incidents/" + first.incidentId(), RunningApi.USER_U1));
        assertThat(view.path("mitigations")).as("u-2's containment is not shown to u-1")
                .extracting(m -> m.at("/mitigation/mitigationId").asText() + " " + m.path("allowed"))
                .containsExactly(first.mitigationId() + " [\"approve\",\"reject\",\"modify\"]");
        assertThat(view.path("notifications")).extracting(n -> n.path("recipient").asText()).containsOnly("u-1");
        // u-2, whose account the second mitigation restricts, sees the incident, that mitigation, and decides it
        JsonNode theirs = RunningApi.json(api.get("/v1/incidents/" + first.incidentId(), RunningApi.USER_U2));
        assertThat(theirs.path("mitigations")).extracting(m -> m.at("/mitigation/mitigationId").asText() + " "
                + m.path("allowed")).containsExactly(second.mitigationId() + " [\"approve\",\"reject\",\"modify\"]");
        assertThat(theirs.path("notifications")).extracting(n -> n.path("recipient").asText()).containsOnly("u-2");
        assertThat(RunningApi.json(api.get("/v1/incidents", RunningApi.USER_U2)))
                .extracting(i -> i.path("incidentId").asText()).containsExactly(first.incidentId());
        assertThat(RunningApi.json(api.get("/v1/history/users/u-2", RunningApi.USER_U2)).path("incidents"))
                .singleElement().satisfies(h -> assertThat(h.path("mitigations"))
                        .extracting(m -> m.path("mitigationId").asText()).containsExactly(second.mitigationId()));

        assertThat(api.decide(second.mitigationId(), "reject", "{\"comment\": \"HR case 123\"}").statusCode())
                .isEqualTo(200);
        assertThat(api.store().notifications(first.incidentId())).filteredOn(n -> n.kind().equals("mitigation_rejected"))
                .singleElement().satisfies(n -> {
                    assertThat(n.recipient()).as("the account it acted on").isEqualTo("u-2");
                    assertThat(n.body()).as("the reviewer's comment is not quoted to them").doesNotContain("HR case");
                });
    }

    @Test
    void theIncidentViewListsEachDecisionWithItsReasonAndAUserReadsOnlyTheirOwnReasons() {
        Outcome first = api.handle(Assessments.risk(40).ofHost().build()); // u-1's activity
        Outcome second = api.handle(Assessments.risk(60).ofHost().principal("u-2").later(Duration.ofMinutes(5))
                .build());
        assertThat(api.post("/v1/mitigations/" + first.mitigationId() + "/approve", RunningApi.USER_U1,
                "{\"comment\": \"that was my export job\"}").statusCode()).isEqualTo(200);
        clock.advance(Duration.ofMinutes(2));
        assertThat(api.decide(second.mitigationId(), "reject", "{\"comment\": \"HR case 123\"}").statusCode())
                .isEqualTo(200);

        JsonNode asOperator = RunningApi.json(api.get("/v1/incidents/" + first.incidentId(), RunningApi.OPERATOR));
        JsonNode asUser = RunningApi.json(api.get("/v1/incidents/" + first.incidentId(), RunningApi.USER_U1));

        assertThat(asOperator.path("decisions")).extracting(d -> d.path("mitigationId").asText() + " "
                + d.path("decision").asText() + " " + d.path("comment").asText()).containsExactly(
                        first.mitigationId() + " approve that was my export job",
                        second.mitigationId() + " reject HR case 123");
        assertThat(asUser.path("decisions")).extracting(d -> d.path("decision").asText() + " by "
                + d.path("decidedBy").asText() + ": " + d.path("comment")).containsExactly(
                        "approve by " + api.store().mitigation(first.mitigationId()).orElseThrow().decidedBy()
                                + ": \"that was my export job\"");
        assertThat(asUser.path("decisions").get(0).path("decidedAt").asText()).isNotEmpty();
        // the decision on u-2's containment is u-2's business, not u-1's (the mitigation is not shown to u-1)
        JsonNode asU2 = RunningApi.json(api.get("/v1/incidents/" + first.incidentId(), RunningApi.USER_U2));
        assertThat(asU2.path("decisions")).extracting(d -> d.path("mitigationId").asText() + " "
                + d.path("decision").asText() + " " + d.path("comment")).containsExactly(second.mitigationId()
                        + " reject null");
    }

    @Test
    void theIncidentIsResolvedOnceNothingOfItIsInForceAndARepeatedReleaseChangesNothing() {
        Outcome lockout = api.handle(Assessments.risk(90).later(Duration.ofMinutes(5)).build()); // joins low's incident
        assertThat(lockout.incidentId()).isEqualTo(low.incidentId());
        assertThat(api.decide(low.mitigationId(), "approve", "").statusCode()).isEqualTo(200);
        assertThat(api.decide(low.mitigationId(), "release", "").statusCode()).isEqualTo(200);

        HttpResponse<String> again = api.decide(low.mitigationId(), "release", "");
        assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
        assertThat(RunningApi.json(again).path("error").asText()).startsWith("nothing of mitigation "
                + low.mitigationId() + " is in force");
        assertThat(api.store().notifications(low.incidentId())).filteredOn(n -> n.kind().equals("mitigation_released"))
                .as("told once").hasSize(1);
        assertThat(api.store().incident(low.incidentId()).orElseThrow().status()).as("the lock-out is in force")
                .isEqualTo("open");

        assertThat(api.decide(lockout.mitigationId(), "reject", "").statusCode()).isEqualTo(200);
        assertThat(api.store().incident(low.incidentId()).orElseThrow().status()).isEqualTo(Incident.RESOLVED);
    }

    @Test
    void approvingKeepsTheActionsAndRecordsFeedback() {
        HttpResponse<String> r = decide("approve", "{\"comment\": \"not a planned clean-up\"}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = RunningApi.json(r);
        assertThat(body.at("/mitigation/status").asText()).isEqualTo("approved");
        assertThat(body.at("/mitigation/decidedBy").asText()).isEqualTo("olga@acme.example");
        assertThat(body.path("actions")).extracting(a -> a.path("status").asText()).containsOnly("applied");
        assertThat(gatewayRules()).isEqualTo(1);
        assertThat(api.store().feedback()).singleElement().satisfies(fb -> {
            assertThat(fb.decision()).isEqualTo(FeedbackRecord.APPROVE);
            assertThat(fb.mitigationId()).isEqualTo(low.mitigationId());
            assertThat(fb.incidentId()).isEqualTo(low.incidentId());
            assertThat(fb.entityId()).isEqualTo("u-1");
            assertThat(fb.pattern()).isEqualTo("deletes@data_storage");
            assertThat(fb.comment()).isEqualTo("not a planned clean-up");
            assertThat(fb.decidedBy()).isEqualTo("olga@acme.example");
            assertThat(fb.ownActivity()).as("an operator reviewing someone else's activity").isFalse();
            assertThat(fb.decidedAt()).isEqualTo(Assessments.T0);
        });
    }

    @Test
    void aUserRejectingAMitigationOfTheirOwnActivityIsRecordedAsSuch() {
        HttpResponse<String> r = api.post("/v1/mitigations/" + low.mitigationId() + "/reject", RunningApi.USER_U1,
                "{\"comment\": \"that was me\"}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(gatewayRules()).as("the user's own low-band mitigation is lifted").isZero();
        assertThat(api.store().feedback()).singleElement().satisfies(fb -> {
            assertThat(fb.decidedBy()).isEqualTo("u-1@acme.example");
            assertThat(fb.ownActivity()).as("not a security review: labels nothing at night").isTrue();
        });
        assertThat(api.store().auditLog(low.mitigationId())).filteredOn(e -> e.action().equals("mitigation.reject"))
                .singleElement()
                .satisfies(e -> assertThat(e.detail()).isEqualTo("on own activity: that was me"));
    }

    @Test
    void aUserCannotLiftAnEmergencyMitigationOfTheirOwnActivityButAnOperatorCan() {
        Outcome high = api.handle(Assessments.risk(95).build());
        Mitigation m = api.store().mitigation(high.mitigationId()).orElseThrow();
        assertThat(m.path()).isEqualTo(Mitigation.EMERGENCY);
        List<String> inForce = api.store().actionsOf(high.mitigationId()).stream().map(ActionRecord::status).toList();
        String path = "/v1/mitigations/" + high.mitigationId();

        for (String what : List.of("reject", "modify")) {
            HttpResponse<String> r = api.post(path + "/" + what, RunningApi.USER_U1,
                    what.equals("modify") ? "{\"actions\": [{\"type\": \"log\"}]}" : "{\"comment\": \"mine\"}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
            assertThat(RunningApi.json(r).path("error").asText()).isEqualTo("mitigation " + high.mitigationId()
                    + " is an emergency mitigation of your own activity (u-1); you may approve it, but to " + what
                    + " it ask an operator or your security team");
        }
        assertThat(api.store().mitigation(high.mitigationId()).orElseThrow().status()).isEqualTo(Mitigation.APPLIED);
        assertThat(api.store().actionsOf(high.mitigationId())).extracting(ActionRecord::status)
                .as("nothing undone").isEqualTo(inForce);
        assertThat(api.store().feedback()).isEmpty();

        HttpResponse<String> byOperator = api.post(path + "/reject", RunningApi.OPERATOR, "");
        assertThat(byOperator.statusCode()).as(byOperator.body()).isEqualTo(200);
        assertThat(api.store().actionsOf(high.mitigationId())).extracting(ActionRecord::type, ActionRecord::status)
                .containsExactlyInAnyOrder(tuple("lock_user", "undone"), tuple("shutdown_resource", "undone"),
                        tuple("rotate_keys", "kept"));
    }

    @Test
    void aUserCannotLiftTheEmergencyOfAHostIncidentAboutThemWhenItsAnomalyNamesNoOne() {
        // ws-17's incident opens on u-1's activity; the host's CPU then raises the emergency, naming no one
        Outcome first = api.handle(Assessments.risk(40).ofHost().build());
        Outcome emergency = api.handle(Assessments.risk(95).ofHost().principal(null).on(
                io.shadow.features.ResourceType.COMPUTE, "host:ws-17").later(Duration.ofMinutes(5)).build());
        assertThat(emergency.incidentId()).isEqualTo(first.incidentId());
        Mitigation m = api.store().mitigation(emergency.mitigationId()).orElseThrow();
        assertThat(m.path()).isEqualTo(Mitigation.EMERGENCY);
        List<String> inForce = api.store().actionsOf(emergency.mitigationId()).stream().map(ActionRecord::status)
                .toList();
        String path = "/v1/mitigations/" + emergency.mitigationId();

        for (String what : List.of("reject", "modify")) {
            HttpResponse<String> r = api.post(path + "/" + what, RunningApi.USER_U1,
                    what.equals("modify") ? "{\"actions\": [{\"type\": \"log\"}]}" : "{\"comment\": \"it was me\"}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
            assertThat(RunningApi.json(r).path("error").asText()).isEqualTo("mitigation " + emergency.mitigationId()
                    + " is an emergency mitigation of your own activity (u-1); you may approve it, but to " + what
                    + " it ask an operator or your security team");
        }
        assertThat(api.store().actionsOf(emergency.mitigationId())).extracting(ActionRecord::status)
                .as("nothing undone").isEqualTo(inForce);
        JsonNode view = RunningApi.json(api.get("/v1/incidents/" + first.incidentId(), RunningApi.USER_U1));
        assertThat(view.path("mitigations")).filteredOn(x -> x.at("/mitigation/mitigationId").asText()
                .equals(emergency.mitigationId())).singleElement()
                .satisfies(x -> assertThat(x.path("allowed").toString()).isEqualTo("[\"approve\"]"));

        assertThat(api.post(path + "/approve", RunningApi.USER_U1, "").statusCode()).isEqualTo(200);
        assertThat(api.store().feedback()).filteredOn(f -> f.mitigationId().equals(emergency.mitigationId()))
                .singleElement().satisfies(f -> assertThat(f.ownActivity())
                        .as("the activity of the incident is u-1's: not a security review").isTrue());
    }

    @Test
    void noPersonWhoseActivityAHostIncidentGathersLiftsItsEmergencyThatNamesNoOne() {
        // ws-17's incident opens on u-1's activity, escalates on u-2's, then the host's CPU raises the emergency
        Outcome first = api.handle(Assessments.risk(40).ofHost().build());
        Outcome second = api.handle(Assessments.risk(60).ofHost().principal("u-2").later(Duration.ofMinutes(5))
                .build());
        Outcome emergency = api.handle(Assessments.risk(95).ofHost().principal(null).on(
                io.shadow.features.ResourceType.COMPUTE, "host:ws-17").later(Duration.ofMinutes(10)).build());
        assertThat(List.of(second.incidentId(), emergency.incidentId())).containsOnly(first.incidentId());
        String path = "/v1/mitigations/" + emergency.mitigationId();
        List<String> inForce = api.store().actionsOf(emergency.mitigationId()).stream().map(ActionRecord::status)
                .toList();

        HttpResponse<String> r = api.post(path + "/reject", RunningApi.USER_U2, "{\"comment\": \"false alarm\"}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
        assertThat(RunningApi.json(r).path("error").asText()).isEqualTo("mitigation " + emergency.mitigationId()
                + " is an emergency mitigation of your own activity (u-2); you may approve it, but to reject it ask "
                + "an operator or your security team");
        assertThat(api.store().actionsOf(emergency.mitigationId())).extracting(ActionRecord::status)
                .as("nothing undone").isEqualTo(inForce);
        assertThat(api.store().feedback()).as("nothing recorded").isEmpty();
        JsonNode view = RunningApi.json(api.get("/v1/incidents/" + first.incidentId(), RunningApi.USER_U2));
        assertThat(view.path("mitigations")).as("the host's containment acts on no account: u-2 sees it, and may "
                + "only approve it").extracting(m -> m.at("/mitigation/mitigationId").asText() + " "
                        + m.path("allowed")).containsExactlyInAnyOrder(second.mitigationId() + " [\"approve\",\"reject\","
                                + "\"modify\"]", emergency.mitigationId() + " [\"approve\"]");

        assertThat(api.post(path + "/approve", RunningApi.USER_U2, "").statusCode()).isEqualTo(200);
        assertThat(api.store().feedback()).singleElement().satisfies(f -> assertThat(f.ownActivity())
                .as("u-2's activity is part of the incident: not a security review").isTrue());
    }

    @Test
    void aReviewerStillRejectsAnEmergencyItsLockedOutPersonApproved() {
        Outcome high = api.handle(Assessments.risk(95).build());
        String path = "/v1/mitigations/" + high.mitigationId();
        assertThat(api.post(path + "/approve", RunningApi.USER_U1, "{\"comment\": \"ok\"}").statusCode())
                .as("the only button u-1 is offered").isEqualTo(200);
        JsonNode view = RunningApi.json(api.get("/v1/incidents/" + high.incidentId(), RunningApi.OPERATOR));
        assertThat(view.path("mitigations")).filteredOn(m -> m.at("/mitigation/mitigationId").asText()
                .equals(high.mitigationId())).singleElement().satisfies(m -> assertThat(m.path("allowed").toString())
                        .isEqualTo("[\"approve\",\"reject\",\"release\"]"));

        HttpResponse<String> r = api.post(path + "/reject", RunningApi.OPERATOR, "{\"comment\": \"false alarm\"}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(api.store().mitigation(high.mitigationId()).orElseThrow().status()).isEqualTo(Mitigation.REJECTED);
        assertThat(api.store().actionsOf(high.mitigationId())).extracting(ActionRecord::type, ActionRecord::status)
                .containsExactlyInAnyOrder(tuple("lock_user", "undone"), tuple("shutdown_resource", "undone"),
                        tuple("rotate_keys", "kept"));
        assertThat(api.decision("u-1", Assessments.BUCKET).statusCode()).as("let back in").isEqualTo(200);
        assertThat(api.store().feedback()).as("one label, the review's").singleElement().satisfies(f -> {
            assertThat(f.decision()).isEqualTo(FeedbackRecord.REJECT);
            assertThat(f.ownActivity()).isFalse();
            assertThat(f.comment()).isEqualTo("false alarm");
        });
        assertThat(api.store().auditLog(high.mitigationId())).filteredOn(e -> e.action().equals("mitigation.reject"))
                .singleElement().satisfies(e -> assertThat(e.detail()).isEqualTo("review in place of the approved "
                        + "decision its own person took on their own activity; false alarm"));
        assertThat(api.post(path + "/approve", RunningApi.OPERATOR, "").statusCode())
                .as("a review's decision stands").isEqualTo(409);
        assertThat(api.post(path + "/reject", RunningApi.USER_U1, "").statusCode()).isIn(403, 409);
        // what u-1 decided is still part of the incident's story, marked as taken over by the review
        JsonNode asUser = RunningApi.json(api.get("/v1/incidents/" + high.incidentId(), RunningApi.USER_U1));
        String operator = api.store().mitigation(high.mitigationId()).orElseThrow().decidedBy();
        assertThat(asUser.path("decisions")).extracting(d -> d.path("decision").asText() + " by "
                + d.path("decidedBy").asText() + ", comment " + d.path("comment") + ", superseded by "
                + d.at("/superseded/by").asText("-")).containsExactly(
                        "approve by u-1@acme.example, comment \"ok\", superseded by " + operator,
                        "reject by " + operator + ", comment null, superseded by -");
        JsonNode history = RunningApi.json(api.get("/v1/history/users/u-1", RunningApi.USER_U1));
        JsonNode mitigationInHistory = StreamSupport.stream(history.path("incidents").spliterator(), false)
                .flatMap(i -> StreamSupport.stream(i.path("mitigations").spliterator(), false))
                .filter(m -> m.path("mitigationId").asText().equals(high.mitigationId())).findFirst().orElseThrow();
        assertThat(mitigationInHistory.path("superseded")).singleElement().satisfies(d -> {
            assertThat(d.path("decision").asText()).isEqualTo("approve");
            assertThat(d.path("decidedBy").asText()).isEqualTo("u-1@acme.example");
            assertThat(d.path("supersededBy").asText()).isEqualTo(operator);
        });
    }

    @Test
    void aDecisionNoticeSaysWhatTheIncidentsOtherMitigationsStillEnforceOnTheAccount() {
        Outcome high = api.handle(Assessments.risk(95).later(Duration.ofMinutes(5)).build()); // same incident
        assertThat(high.incidentId()).isEqualTo(low.incidentId());

        assertThat(decide("reject", "").statusCode()).isEqualTo(200);

        assertThat(api.store().notifications(low.incidentId())).filteredOn(n -> n.kind().equals("mitigation_rejected"))
                .singleElement().satisfies(n -> assertThat(n.body()).contains("In force now: nothing.",
                        "Still in force from other mitigations of this incident: ", "lock_user (mitigation "
                                + high.mitigationId() + ")"));
        assertThat(api.decision("u-1", Assessments.BUCKET).statusCode()).as("as the notice says").isEqualTo(403);
    }

    @Test
    void rejectingUndoesEveryActionAndResolvesTheIncident() {
        HttpResponse<String> r = decide("reject", "");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(mitigation().status()).isEqualTo(Mitigation.REJECTED);
        assertThat(api.store().actionsOf(low.mitigationId())).extracting(ActionRecord::status)
                .containsExactly("undone", "undone");
        assertThat(gatewayRules()).isZero();
        assertThat(api.store().incident(low.incidentId()).orElseThrow().status()).isEqualTo(Incident.RESOLVED);
        assertThat(api.store().feedback()).extracting(FeedbackRecord::decision).containsExactly("reject");
        assertThat(api.store().notifications(low.incidentId())).as("the user learns their restriction was lifted")
                .filteredOn(n -> n.kind().equals("mitigation_rejected")).singleElement().satisfies(n -> {
                    assertThat(n.recipient()).isEqualTo("u-1");
                    assertThat(n.subject()).startsWith("[Shadow] Mitigation rejected by olga@acme.example: u-1 on ");
                    assertThat(n.body()).contains("In force now: nothing.", "Undone: ");
                });
    }

    @Test
    void rejectingKeepsAKeyRotationItCannotReverseAndUndoesTheRest() {
        KeyVault keys = api.service().engine().actuators().keys();
        KeyVault.IssuedKey old = keys.issue(Assessments.TENANT, "u-2");
        Outcome medium = api.handle(Assessments.risk(60).principal("u-2").build());
        String newKey = api.store().actionsOf(medium.mitigationId()).stream()
                .filter(a -> a.type().equals("rotate_keys")).findFirst().orElseThrow().handle();

        HttpResponse<String> r = api.decide(medium.mitigationId(), "reject", "{\"comment\": \"quarter-end clean-up\"}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(RunningApi.json(r).path("actions")).extracting(a -> a.path("type").asText(),
                a -> a.path("status").asText()).containsExactlyInAnyOrder(tuple("restrict", "undone"),
                tuple("rotate_keys", "kept"));
        assertThat(api.store().auditLog(medium.mitigationId()))
                .filteredOn(e -> e.action().startsWith("action.") && !e.action().equals("action.applied"))
                .extracting(AuditEntry::action, AuditEntry::detail).containsExactlyInAnyOrder(
                        tuple("action.undone", "restrict: gateway denies u-2 access to " + Assessments.BUCKET),
                        tuple("action.kept", "rotate_keys: key rotation is not reversed: the new key stays active and "
                                + "the old one revoked; applied: revoked 1 key(s) of u-2 [" + old.keyId() + "]; new "
                                + "key " + newKey + " is waiting for its owner at GET /v1/keys/" + newKey));
        assertThat(api.decision("u-2", Assessments.BUCKET).statusCode()).as("the restriction is lifted")
                .isEqualTo(200);
        assertThat(keys.authenticate(Assessments.TENANT, old.secret())).as("the old key stays revoked").isEmpty();
        assertThat(keys.authenticate(Assessments.TENANT, keys.collect(newKey, "u-2"))).as("the new key stays active")
                .hasValue("u-2");
        assertThat(api.store().incident(medium.incidentId()).orElseThrow().status()).isEqualTo(Incident.RESOLVED);
        JsonNode history = RunningApi.json(api.get("/v1/history/users/u-2", RunningApi.OPERATOR));
        assertThat(history.at("/incidents/0/mitigations/0/actions")).extracting(a -> a.path("type").asText(),
                a -> a.path("status").asText()).containsExactlyInAnyOrder(tuple("restrict", "undone"),
                tuple("rotate_keys", "kept"));
    }

    @Test
    void modifyingUndoesDroppedActionsAndAppliesTheNewOnes() {
        HttpResponse<String> r = decide("modify", """
                {"actions": [{"type": "rate_limit", "params": {"per_minute": "5"}, "expires": "PT1H"}],
                 "comment": "throttle harder, keep the user working"}""");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(mitigation().status()).isEqualTo(Mitigation.MODIFIED);
        assertThat(api.store().actionsOf(low.mitigationId()))
                .extracting(ActionRecord::type, ActionRecord::params, ActionRecord::status)
                .containsExactlyInAnyOrder(tuple("rate_limit", Map.of("per_minute", "20"), "undone"),
                        tuple("log", Map.of(), "undone"),
                        tuple("rate_limit", Map.of("per_minute", "5"), "applied"));
        ActionRecord now = api.store().actionsOf(low.mitigationId()).stream()
                .filter(a -> a.status().equals("applied")).findFirst().orElseThrow();
        assertThat(now.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofHours(1)));
        assertThat(gatewayRules()).isEqualTo(1);
        for (int i = 1; i <= 5; i++) {
            assertThat(api.decision("u-1", Assessments.BUCKET).statusCode()).as("request %d", i).isEqualTo(200);
        }
        assertThat(api.decision("u-1", Assessments.BUCKET).statusCode()).isEqualTo(429);
        assertThat(api.store().feedback()).extracting(FeedbackRecord::decision).containsExactly("modify");
    }

    @Test
    void modifyingKeepsAnActionAskedForUnchanged() {
        ActionRecord rate = api.store().actionsOf(low.mitigationId()).stream()
                .filter(a -> a.type().equals("rate_limit")).findFirst().orElseThrow();

        HttpResponse<String> r = decide("modify",
                "{\"actions\": [{\"type\": \"rate_limit\", \"params\": {\"per_minute\": \"20\"}}]}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(api.store().actionsOf(low.mitigationId()))
                .extracting(ActionRecord::type, ActionRecord::status)
                .containsExactlyInAnyOrder(tuple("rate_limit", "applied"), tuple("log", "undone"));
        assertThat(api.store().actionsOf(low.mitigationId())).filteredOn(a -> a.type().equals("rate_limit"))
                .singleElement().extracting(ActionRecord::actionId).as("the same action, not a new one")
                .isEqualTo(rate.actionId());
        assertThat(gatewayRules()).isEqualTo(1);
    }

    @Test
    void aNewExpiryReplacesTheActionInForceRatherThanBeingIgnored() {
        ActionRecord rate = api.store().actionsOf(low.mitigationId()).stream()
                .filter(a -> a.type().equals("rate_limit")).findFirst().orElseThrow();
        clock.advance(java.time.Duration.ofMinutes(10));

        HttpResponse<String> r = decide("modify", "{\"actions\": [{\"type\": \"rate_limit\", \"params\": "
                + "{\"per_minute\": \"20\"}, \"expires\": \"PT5M\"}]}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(api.store().actionsOf(low.mitigationId())).filteredOn(a -> a.type().equals("rate_limit")
                && a.status().equals(ActionRecord.APPLIED)).singleElement().satisfies(a -> {
                    assertThat(a.actionId()).as("a new action").isNotEqualTo(rate.actionId());
                    assertThat(a.expiresAt()).isEqualTo(clock.instant().plus(java.time.Duration.ofMinutes(5)));
                });
        assertThat(gatewayRules()).isEqualTo(1);
        clock.advance(java.time.Duration.ofMinutes(6));
        api.service().engine().expire();
        assertThat(gatewayRules()).as("the throttle ends at the new expiry").isZero();
    }

    @Test
    void aDecidedMitigationCannotBeDecidedAgain() {
        assertThat(decide("approve", "").statusCode()).isEqualTo(200);

        HttpResponse<String> again = api.post("/v1/mitigations/" + low.mitigationId() + "/reject", RunningApi.USER_U1,
                "");

        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(RunningApi.json(again).path("error").asText()).isEqualTo("mitigation " + low.mitigationId()
                + " was already decided (approved by olga@acme.example at 2025-03-03T10:00:00Z); its decision stands");
        assertThat(mitigation().status()).isEqualTo(Mitigation.APPROVED);
        assertThat(gatewayRules()).as("the approval stands, nothing undone").isEqualTo(1);
        assertThat(api.store().feedback()).hasSize(1);
    }

    @Test
    void ofConcurrentDecisionsExactlyOneTakesEffect() throws Exception {
        int n = 20;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        List<Future<Integer>> statuses = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                String what = i % 2 == 0 ? "approve" : "reject";
                statuses.add(pool.submit(() -> {
                    go.await();
                    return decide(what, "").statusCode();
                }));
            }
            go.countDown();
            List<Integer> codes = new ArrayList<>();
            for (Future<Integer> f : statuses) {
                codes.add(f.get());
            }

            assertThat(codes).filteredOn(c -> c == 200).hasSize(1);
            assertThat(codes).filteredOn(c -> c == 409).hasSize(n - 1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(api.store().feedback()).hasSize(1);
        String decision = api.store().feedback().get(0).decision();
        if (decision.equals("reject")) {
            assertThat(mitigation().status()).isEqualTo(Mitigation.REJECTED);
            assertThat(gatewayRules()).isZero();
        } else {
            assertThat(mitigation().status()).isEqualTo(Mitigation.APPROVED);
            assertThat(gatewayRules()).isEqualTo(1);
        }
    }

    @Test
    void aModifyWithoutActionsIsABadRequestAndChangesNothing() {
        for (String body : List.of("", "{\"actions\": []}", "{\"comment\": \"less\"}")) {
            HttpResponse<String> r = decide("modify", body);

            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertThat(RunningApi.json(r).path("error").asText()).isEqualTo("modify needs \"actions\": "
                    + "[{\"type\": \"rate_limit\", \"params\": {\"per_minute\": \"10\"}, \"expires\": \"PT1H\"}, ...]");
        }
        HttpResponse<String> unknownType = decide("modify", "{\"actions\": [{\"type\": \"nap\"}]}");
        assertThat(unknownType.statusCode()).isEqualTo(400);
        assertThat(RunningApi.json(unknownType).path("error").asText()).startsWith("modify refused, nothing was "
                + "undone or recorded: actions[0].type: unknown action 'nap'; expected one of [log, rate_limit,");
        HttpResponse<String> badExpiry = decide("modify", "{\"actions\": [{\"type\": \"log\", \"expires\": \"1h\"}]}");
        assertThat(RunningApi.json(badExpiry).path("error").asText()).isEqualTo("modify refused, nothing was undone or "
                + "recorded: actions[0].expires (log): '1h' is not an ISO-8601 duration; use e.g. PT30M or PT4H");

        assertThat(mitigation().status()).isEqualTo(Mitigation.APPLIED);
        assertThat(api.store().feedback()).isEmpty();
        assertThat(gatewayRules()).isEqualTo(1);
    }

    @Test
    void anUnknownMitigationIsNotFound() {
        HttpResponse<String> r = api.post("/v1/mitigations/mit-nope/approve", RunningApi.OPERATOR, "");

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(RunningApi.json(r).path("error").asText()).isEqualTo("no mitigation mit-nope");
    }
}
