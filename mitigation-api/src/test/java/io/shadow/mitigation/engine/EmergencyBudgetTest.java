package io.shadow.mitigation.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.mitigation.Assessments;
import io.shadow.mitigation.Band;
import io.shadow.mitigation.ManualClock;
import io.shadow.mitigation.MitigationOptions;
import io.shadow.mitigation.api.RunningApi;
import io.shadow.mitigation.profile.MitigationProfile;
import io.shadow.mitigation.profile.ProfileLoader;
import io.shadow.mitigation.profile.ProfileSet;
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
    void anEmergencyThatCouldNotBeRecordedGivesItsPlaceBackAndTheTeamIsToldAtTheNextRefusal() {
        EmergencyBudget budget = new EmergencyBudget(1, Duration.ofMinutes(10));
        assertThat(budget.take("acme", Assessments.T0)).isEqualTo(EmergencyBudget.Verdict.TAKEN);
        budget.giveBack("acme", Assessments.T0); // the store failed before anything was in force
        assertThat(budget.take("acme", Assessments.T0.plusSeconds(1))).isEqualTo(EmergencyBudget.Verdict.TAKEN);

        assertThat(budget.take("acme", Assessments.T0.plusSeconds(2))).isEqualTo(EmergencyBudget.Verdict.REFUSED_TELL);
        budget.untell("acme"); // recording that refusal failed: nobody was told
        assertThat(budget.take("acme", Assessments.T0.plusSeconds(3))).isEqualTo(EmergencyBudget.Verdict.REFUSED_TELL);
        assertThat(budget.take("acme", Assessments.T0.plusSeconds(4))).isEqualTo(EmergencyBudget.Verdict.REFUSED);
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
    void aLimitOfZeroTurnsTheEmergencyPathOffWithNoNoticeButEachAnomalyAudited() {
        start(0, Duration.ofMinutes(10));
        Outcome o = emergencyOf(Assessments.TENANT, "u-1");

        assertThat(o.band()).isEqualTo(Band.MEDIUM);
        assertThat(api.store().notifications(null)).noneMatch(n -> n.kind().equals("emergency_budget"));
        assertThat(api.store().auditLog(o.incidentId())).filteredOn(e -> e.action().equals("mitigation.emergency_budget"))
                .singleElement().satisfies(e -> assertThat(e.detail()).endsWith("contained at medium instead of the "
                        + "emergency band: the emergency path is off (mitigation.emergency.limit 0)"));
    }

    @Test
    void everyAnomalyHeldAtMediumByTheBudgetIsAuditedOnItsIncidentNotOnlyTheFirst() {
        start(1, Duration.ofMinutes(10));
        emergencyOf(Assessments.TENANT, "u-1");
        Outcome second = emergencyOf(Assessments.TENANT, "u-2");
        Outcome third = emergencyOf(Assessments.TENANT, "u-3");

        assertThat(List.of(second, third)).allSatisfy(o -> assertThat(api.store().auditLog(o.incidentId()))
                .extracting(AuditEntry::action).contains("mitigation.emergency_budget"));
        assertThat(api.store().notifications(null)).filteredOn(n -> n.kind().equals("emergency_budget")).hasSize(1);
    }

    @Test
    void aDryRunEmergencyProfileTakesNothingOfTheBudgetAndIsNotTurnedIntoContainment() {
        start(1, Duration.ofMinutes(10));
        var defaults = ProfileLoader.defaults();
        api.service().engine().updateProfiles(new ProfileSet(defaults.version() + 1, "test", defaults.low(),
                defaults.medium(), defaults.high(), defaults.profiles().stream().map(p -> new MitigationProfile(
                        p.name(), p.band(), p.resourceTypes(), p.evidence(), p.band() == Band.HIGH, p.actions()))
                        .toList()), "test");

        List<Outcome> rehearsed = IntStream.range(0, 3).mapToObj(i -> emergencyOf(Assessments.TENANT, "u-" + i))
                .toList();

        assertThat(rehearsed).allSatisfy(o -> {
            assertThat(o.band()).isEqualTo(Band.HIGH);
            assertThat(api.store().actionsOf(o.mitigationId())).extracting(a -> a.status())
                    .doesNotContain("applied");
        });
    }

}
