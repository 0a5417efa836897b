package io.shadow.mitigation.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.mitigation.Assessments;
import io.shadow.mitigation.Band;
import io.shadow.mitigation.ManualClock;
import io.shadow.mitigation.MitigationOptions;
import io.shadow.mitigation.api.RunningApi;
import io.shadow.mitigation.profile.ProfileLoader;
import io.shadow.mitigation.store.AuditEntry;
import io.shadow.mitigation.store.Mitigation;
import io.shadow.mitigation.store.NotificationRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The emergency path's budget per tenant (a security review's finding: one request of forged telemetry, sent with
 * a stolen agent token, locked six principals of a tenant out and revoked their keys). Beyond the budget, high-band
 * anomalies are contained at medium, reversible and waiting for a person, and the security team is told once.
 */
class EmergencyBudgetTest {
    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock(Assessments.T0);
    private RunningApi api;

    @AfterEach
    void stop() {
        if (api != null) {
            api.close();
        }
    }

    private void start(int limit, Duration window) {
        api = RunningApi.start(dir.resolve("store"), ProfileLoader.defaults(), clock,
                MitigationOptions.defaults(dir.resolve("keys")).withEmergencyBudget(limit, window));
    }

    private Outcome emergencyOf(String tenant, String principal) {
        return api.handle(Assessments.risk(95).tenant(tenant).principal(principal).build());
    }

    @Test
    void beyondFiveEmergenciesInTenMinutesATenantsHighRiskAnomaliesAreContainedAtMediumAndOperatorsToldOnce() {
        start(5, Duration.ofMinutes(10));
        List<Outcome> first = IntStream.range(0, 5).mapToObj(i -> emergencyOf(Assessments.TENANT, "u-" + i))
                .toList();
        clock.advance(Duration.ofMinutes(1));
        Outcome sixth = emergencyOf(Assessments.TENANT, "u-5");
        Outcome seventh = emergencyOf(Assessments.TENANT, "u-6");
        Outcome otherTenant = emergencyOf("globex", "u-0");

        assertThat(first).extracting(Outcome::band).containsOnly(Band.HIGH);
        assertThat(List.of(sixth, seventh)).allSatisfy(o -> {
            assertThat(o.band()).isEqualTo(Band.MEDIUM);
            Mitigation m = api.store().mitigation(o.mitigationId()).orElseThrow();
            assertThat(m.path()).as("no one in the loop only within the budget").isEqualTo(Mitigation.STANDARD);
            assertThat(api.store().actionsOf(o.mitigationId())).extracting(a -> a.type())
                    .as("the medium band's containment, no lock-out").doesNotContain("lock_user", "shutdown_resource");
        });
        assertThat(otherTenant.band()).as("each tenant has its own budget").isEqualTo(Band.HIGH);
        List<NotificationRecord> told = api.store().notifications(null).stream()
                .filter(n -> n.kind().equals("emergency_budget")).toList();
        assertThat(told).as("once per window, to the security team").singleElement().satisfies(n -> {
            assertThat(n.recipient()).isEqualTo(NotificationRecord.OPERATORS);
            assertThat(n.tenant()).isEqualTo(Assessments.TENANT);
            assertThat(n.incidentId()).isEqualTo(sixth.incidentId());
            assertThat(n.subject()).isEqualTo("Emergency budget used up for tenant acme: contained at medium");
            assertThat(n.body()).contains("Tenant acme has had 5 emergency mitigation(s) within PT10M "
                    + "(mitigation.emergency.limit / window)", "forged telemetry (a stolen agent token)");
        });
        assertThat(api.store().auditLog(sixth.incidentId())).extracting(AuditEntry::action)
                .contains("mitigation.emergency_budget");

        clock.advance(Duration.ofMinutes(10)); // the first five are out of the window
        assertThat(emergencyOf(Assessments.TENANT, "u-7").band()).isEqualTo(Band.HIGH);
    }

    @Test
    void anIncidentAlreadyInTheEmergencyBandTakesNothingOfTheBudget() {
        start(1, Duration.ofMinutes(10));
        Outcome lockout = emergencyOf(Assessments.TENANT, "u-1");
        clock.advance(Duration.ofMinutes(1));
        Outcome again = api.handle(Assessments.risk(97).principal("u-1").later(Duration.ofMinutes(1)).build());
        Outcome other = emergencyOf(Assessments.TENANT, "u-2");

        assertThat(again).satisfies(o -> {
            assertThat(o.kind()).isEqualTo("attached");
            assertThat(o.band()).isEqualTo(Band.HIGH);
            assertThat(o.incidentId()).isEqualTo(lockout.incidentId());
        });
        assertThat(other.band()).as("the budget of one was the first lock-out's").isEqualTo(Band.MEDIUM);
    }

    @Test
    void aLimitOfZeroTurnsTheEmergencyPathOff() {
        start(0, Duration.ofMinutes(10));
        assertThat(emergencyOf(Assessments.TENANT, "u-1").band()).isEqualTo(Band.MEDIUM);
    }
}
