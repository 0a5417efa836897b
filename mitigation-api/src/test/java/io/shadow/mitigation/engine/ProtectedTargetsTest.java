package io.shadow.mitigation.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.features.ResourceType;
import io.shadow.mitigation.Assessments;
import io.shadow.mitigation.Band;
import io.shadow.mitigation.ManualClock;
import io.shadow.mitigation.MitigationOptions;
import io.shadow.mitigation.actuate.Protected;
import io.shadow.mitigation.api.RunningApi;
import io.shadow.mitigation.profile.ProfileLoader;
import io.shadow.mitigation.store.ActionRecord;
import io.shadow.mitigation.store.NotificationRecord;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Principals, hosts and resources Shadow never acts on by itself (a security review's finding: forged telemetry could
 * make Shadow shut down any resource it named, for everyone): the action aimed at one is skipped and said so, the
 * security team is told, and the rest of the mitigation stands.
 */
class ProtectedTargetsTest {
    @TempDir
    Path dir;
    private RunningApi api;

    @BeforeEach
    void start() {
        api = RunningApi.start(dir.resolve("store"), ProfileLoader.defaults(), new ManualClock(Assessments.T0),
                MitigationOptions.defaults(dir.resolve("keys")).withPrincipalCase(true).withProtected(new Protected(
                        Set.of("break-glass"), Set.of("dc-1"), List.of("s3://backups"))));
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private List<String> actions(Outcome o) {
        return api.store().actionsOf(o.mitigationId()).stream().map(a -> a.type() + " " + a.status()).toList();
    }

    @Test
    void anEmergencyOnAProtectedResourceLocksTheUserOutButDoesNotShutTheResourceDownAndTheTeamIsTold() {
        Outcome o = api.handle(Assessments.risk(95).on(ResourceType.DATA_STORAGE, "s3://backups/2026/11").build());

        assertThat(o.band()).isEqualTo(Band.HIGH);
        assertThat(actions(o)).contains("lock_user applied", "shutdown_resource skipped");
        assertThat(api.store().actionsOf(o.mitigationId())).filteredOn(a -> a.type().equals("shutdown_resource"))
                .singleElement().satisfies(a -> assertThat(a.detail()).isEqualTo("shutdown_resource not taken: "
                        + "resource s3://backups/2026/11 is protected (mitigation.protected.resources): Shadow does not "
                        + "act on it by itself; the security team decides what to do"));
        assertThat(api.decision("u-2", "s3://backups/2026/11/db.dump").statusCode()).as("others still reach it")
                .isEqualTo(200);
        assertThat(api.store().notifications(o.incidentId())).filteredOn(n -> n.kind().equals("action_skipped"))
                .singleElement().satisfies(n -> assertThat(n.recipient()).isEqualTo(NotificationRecord.OPERATORS));
    }

    @Test
    void aProtectedPrincipalInAnyCaseIsNeitherLockedOutNorItsKeysRotated() {
        Outcome o = api.handle(Assessments.risk(95).principal("Break-Glass").build());

        assertThat(api.store().actionsOf(o.mitigationId())).filteredOn(a -> Set.of("lock_user", "rotate_keys")
                .contains(a.type())).extracting(ActionRecord::status).containsOnly(ActionRecord.SKIPPED);
        assertThat(api.decision("Break-Glass", "s3://elsewhere/x").statusCode()).as("not locked out (the resource "
                + "the anomaly was on is shut down for everyone)").isEqualTo(200);
    }

    @Test
    void anOperatorsModifyIsThePersonDecidingAndMayLockAProtectedPrincipalOut() {
        Outcome o = api.handle(Assessments.risk(40).principal("break-glass").build()); // throttle: log, rate_limit
        assertThat(actions(o)).contains("rate_limit skipped");

        assertThat(api.store().notifications(o.incidentId())).as("told in any band: the team decides")
                .filteredOn(n -> n.kind().equals("action_skipped")).singleElement()
                .satisfies(n -> assertThat(n.subject()).isEqualTo("Action skipped: rate_limit not taken"));

        assertThat(api.decide(o.mitigationId(), "modify", "{\"actions\": [{\"type\": \"lock_user\"}]}").statusCode())
                .isEqualTo(200);
        assertThat(actions(o)).contains("lock_user applied");
        assertThat(api.decision("break-glass", "s3://elsewhere/x").statusCode()).isEqualTo(403);
    }

    @Test
    void aProtectedHostIsNotIsolatedAndAResourceMerelyStartingWithAProtectedNameIsNotProtected() {
        Outcome host = api.handle(Assessments.risk(95).host("DC-1").ofHost().principal(null)
                .on(ResourceType.COMPUTE, "host:DC-1").build()); // host names ignore case
        Outcome other = api.handle(Assessments.risk(95).principal("u-3")
                .on(ResourceType.DATA_STORAGE, "s3://backups-old").build());

        assertThat(actions(host)).contains("isolate_host skipped");
        assertThat(actions(other)).contains("shutdown_resource applied");
    }
}
