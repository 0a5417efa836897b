package io.shadow.mitigation.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.shadow.features.ResourceType;
import io.shadow.mitigation.Assessments;
import io.shadow.mitigation.ManualClock;
import io.shadow.mitigation.OnEveryBackend;
import io.shadow.mitigation.engine.Outcome;
import io.shadow.mitigation.profile.ProfileLoader;
import io.shadow.mitigation.profile.ProfileSet;
import io.shadow.mitigation.store.ActionRecord;
import io.shadow.mitigation.store.Incident;
import io.shadow.mitigation.store.NotificationRecord;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a reviewer reads in a status (audit F14): an action whose host's agent could not carry out its part is
 * {@code agent_failed}, not {@code applied}, and is still taken out of force like one in force (a suspension,
 * which is that part alone, is {@code failed} and out of force); an expiry
 * tells the mitigation's person what ended, once per mitigation, and approving a mitigation whose actions
 * all expired says that nothing of it was in force.
 */
class AgentFailureAndExpiryTest extends OnEveryBackend {
    private static final String COMMANDS = "/v1/agent/commands?tenant=acme&host=ws-17";
    private final ManualClock clock = new ManualClock(Assessments.T0);

    @Test
    void anActionItsAgentCouldNotCarryOutIsAgentFailedAndARejectStillTakesItOutOfForce() {
        Outcome o;
        try (RunningApi api = RunningApi.start(store(), ProfileLoader.defaults(), clock)) {
            o = api.handle(Assessments.risk(60).principal("u-3").on(ResourceType.PROCESS, "/usr/bin/xmrig")
                    .process(4242, 98765).build());
            HttpResponse<String> ack = api.post("/v1/agent/commands/" + api.commandOf("isolate_host") + "/ack",
                    RunningApi.AGENT, "{\"ok\": false, \"detail\": \"nft missing\"}");
            assertThat(ack.statusCode()).as(ack.body()).isEqualTo(200);

            JsonNode isolate = api.action(o.incidentId(), "isolate_host");
            assertThat(isolate.path("status").asText()).as("the status a reviewer scans").isEqualTo("agent_failed");
            assertThat(isolate.path("detail").asText()).endsWith("isolate_host was NOT carried out on host ws-17: "
                    + "its agent reported nft missing");
        }
        try (RunningApi api = RunningApi.start(store(), ProfileLoader.defaults(), clock)) {
            // Shadow's own part (the gateway rule for the host) is still in force, also after a restart
            assertThat(api.store().actionsInForce()).extracting(ActionRecord::type).contains("isolate_host");
            assertThat(api.service().engine().actuators().gateway().size()).as("the host's rule restored")
                    .isPositive();

            HttpResponse<String> reject = api.decide(o.mitigationId(), "reject", "{}");

            assertThat(reject.statusCode()).as(reject.body()).isEqualTo(200);
            assertThat(RunningApi.actionIn(RunningApi.json(reject), "isolate_host").path("status").asText())
                    .isEqualTo("undone");
            assertThat(api.service().engine().actuators().gateway().size()).as("the host's rule removed").isZero();
            assertThat(api.store().incident(o.incidentId()).orElseThrow().status()).isEqualTo(Incident.RESOLVED);
        }
    }

    @Test
    void aSuspensionItsAgentCouldNotCarryOutIsFailedNotInForceAndARejectResumesNothing() {
        try (RunningApi api = RunningApi.start(store(), ProfileLoader.defaults(), clock)) {
            Outcome o = api.handle(Assessments.risk(60).principal("u-3").on(ResourceType.PROCESS, "/usr/bin/xmrig")
                    .process(4242, 98765).build());
            assertThat(api.post("/v1/agent/commands/" + api.commandOf("isolate_host") + "/ack", RunningApi.AGENT,
                    "{\"ok\": true}").statusCode()).isEqualTo(200);
            HttpResponse<String> ack = api.post("/v1/agent/commands/" + api.commandOf("suspend_process") + "/ack",
                    RunningApi.AGENT, "{\"ok\": false, \"detail\": \"kill -s STOP 4242 failed: not permitted\"}");
            assertThat(ack.statusCode()).as(ack.body()).isEqualTo(200);

            JsonNode suspend = api.action(o.incidentId(), "suspend_process");
            assertThat(suspend.path("status").asText()).as("the process was never suspended").isEqualTo("failed");
            assertThat(api.store().actionsInForce()).extracting(ActionRecord::type).as("the isolation still is")
                    .containsExactly("isolate_host");
            assertThat(api.store().notifications(null)).filteredOn(n -> n.kind().equals("action_failed"))
                    .singleElement().satisfies(n -> assertThat(n.body()).contains("suspend_process was NOT carried "
                            + "out on host ws-17", "Nothing of this action is in force"));

            HttpResponse<String> reject = api.decide(o.mitigationId(), "reject", "{}");

            assertThat(reject.statusCode()).as(reject.body()).isEqualTo(200);
            assertThat(RunningApi.actionIn(RunningApi.json(reject), "suspend_process").path("status").asText())
                    .isEqualTo("failed");
            assertThat(RunningApi.json(api.get(COMMANDS, RunningApi.AGENT))).extracting(c -> c.path("action").asText())
                    .as("a release for the isolation, no resume for a process never suspended")
                    .containsExactly("release_host");
            assertThat(api.store().notifications(null)).filteredOn(n -> n.kind().equals("mitigation_rejected"))
                    .singleElement().satisfies(n -> assertThat(n.body()).contains("In force now: nothing.")
                            .doesNotContain("suspend_process"));
        }
    }

    @Test
    void anExpiryTellsThePersonWhatEndedOncePerMitigationAndAnApproveAfterwardsSaysNothingWasInForce() {
        try (RunningApi api = RunningApi.start(store(), RunningApi.profiles("short-expiry.yaml"), clock)) {
            Outcome low = api.handle(Assessments.risk(40).build()); // rate_limit for 1 s, and log
            Outcome medium = api.handle(Assessments.risk(60).later(Duration.ofMillis(100)).build()); // restrict, 1 s
            assertThat(medium.incidentId()).isEqualTo(low.incidentId());
            clock.advance(Duration.ofSeconds(2));

            assertThat(api.service().engine().expire()).isEqualTo(2);
            assertThat(api.service().engine().expire()).as("a second sweep ends nothing").isZero();

            List<NotificationRecord> expiries = api.store().notifications(null).stream()
                    .filter(n -> n.kind().equals("mitigation_expired")).toList();
            assertThat(expiries).as("one per mitigation, to the person it acted on")
                    .extracting(NotificationRecord::mitigationId, NotificationRecord::recipient)
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(low.mitigationId(), "u-1"),
                            org.assertj.core.groups.Tuple.tuple(medium.mitigationId(), "u-1"));
            NotificationRecord ofLow = expiries.stream().filter(n -> n.mitigationId().equals(low.mitigationId()))
                    .findFirst().orElseThrow();
            assertThat(ofLow.subject()).isEqualTo("[Shadow] Ended at its time limit: rate_limit of u-1 on "
                    + Assessments.BUCKET);
            assertThat(ofLow.body()).contains("reached its time limit: rate_limit (set to end at "
                    + Assessments.T0.plusSeconds(1) + ") ended at ", "In force now from this mitigation: nothing, "
                    + "it has ended.", "It still awaits a decision");
            JsonNode listed = RunningApi.json(api.get("/v1/notifications", RunningApi.USER_U1));
            assertThat(listed).extracting(n -> n.path("kind").asText()).as("the user's own list has them")
                    .contains("mitigation_expired");

            HttpResponse<String> approve = api.decide(low.mitigationId(), "approve", "{}");

            assertThat(approve.statusCode()).as(approve.body()).isEqualTo(200);
            assertThat(RunningApi.json(approve).path("note").asText()).isEqualTo("nothing of mitigation "
                    + low.mitigationId() + " was in force when it was approved: its actions had already expired "
                    + "(rate_limit at " + Assessments.T0.plusSeconds(2) + "); log only records the anomaly; the "
                    + "approve records that it was a real threat, and keeps nothing in force");
            assertThat(api.store().notifications(null)).filteredOn(n -> n.kind().equals("mitigation_approved"))
                    .singleElement().satisfies(n -> assertThat(n.body()).contains("Already expired: rate_limit at "
                            + Assessments.T0.plusSeconds(2)));
        }
    }

    @Test
    void anApproveOfASuspensionThatNeverTookEffectSaysSoRatherThanThatItEnded() {
        ProfileSet profiles = oneBand("medium", "{type: suspend_process}, {type: log}");
        try (RunningApi api = RunningApi.start(store(), profiles, clock)) {
            Outcome o = api.handle(Assessments.risk(60).principal("u-3").on(ResourceType.PROCESS, "/usr/bin/xmrig")
                    .process(4242, 98765).build());
            assertThat(api.post("/v1/agent/commands/" + api.commandOf("suspend_process") + "/ack", RunningApi.AGENT,
                    "{\"ok\": false, \"detail\": \"no such process\"}").statusCode()).isEqualTo(200);

            HttpResponse<String> approve = api.decide(o.mitigationId(), "approve", "{}");

            assertThat(approve.statusCode()).as(approve.body()).isEqualTo(200);
            assertThat(RunningApi.json(approve).path("note").asText()).isEqualTo("nothing of mitigation "
                    + o.mitigationId() + " was in force when it was approved: never took effect: suspend_process "
                    + "(failed); log only records the anomaly; the approve records that it was a real threat, and "
                    + "keeps nothing in force");
        }
    }

    @Test
    void anExpiredEmergencyMitigationDoesNotAskItsPersonForTheRejectOnlyReviewersMayGive() {
        ProfileSet profiles = oneBand("high", "{type: lock_user, expires: PT1S}");
        try (RunningApi api = RunningApi.start(store(), profiles, clock)) {
            Outcome o = api.handle(Assessments.risk(90).build());
            clock.advance(Duration.ofSeconds(2));

            assertThat(api.service().engine().expire()).isEqualTo(1);

            assertThat(api.store().notifications(null)).filteredOn(n -> n.kind().equals("mitigation_expired"))
                    .singleElement().satisfies(n -> {
                        assertThat(n.recipient()).isEqualTo("u-1");
                        assertThat(n.body()).contains("It still awaits the security team's decision")
                                .doesNotContain("reject if it was not");
                    });
            assertThat(RunningApi.json(api.get("/v1/incidents/" + o.incidentId(), RunningApi.USER_U1))
                    .path("mitigations").get(0).path("allowed")).extracting(JsonNode::asText)
                    .as("what the notice offers is what the person may do").containsExactly("approve");
        }
    }

    /** Profiles that take {@code actions} on every resource type in {@code band} and only log in the others. */
    private static ProfileSet oneBand(String band, String actions) {
        StringBuilder yaml = new StringBuilder("version: 1\nauthor: tests@shadow.example\n"
                + "thresholds: {low: 30, medium: 55, high: 80}\nprofiles:\n");
        for (String b : List.of("low", "medium", "high")) {
            yaml.append("  - name: ").append(b).append("\n    band: ").append(b).append("\n    resource_types: "
                    + "[data_storage, database, identity, compute, process, network]\n    actions: [")
                    .append(b.equals(band) ? actions : "{type: log}").append("]\n");
        }
        return ProfileLoader.parse(yaml.toString(), band + "-band.yaml");
    }
}
