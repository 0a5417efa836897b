package io.shadow.agents.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shadow.features.ActivityEvent;
import io.shadow.features.EntityKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WorkloadGeneratorTest {
    private static final WorkloadConfig CFG = WorkloadConfig.defaults();
    private static Workload workload;

    @BeforeAll
    static void generate() {
        workload = WorkloadGenerator.generate(CFG);
    }

    private static Set<String> principals(List<ActivityEvent> events) {
        return events.stream().map(ActivityEvent::principal).filter(Objects::nonNull).collect(Collectors.toSet());
    }

    private static AttackScenario attack(String name) {
        return workload.attacks().stream().filter(a -> a.name().equals(name)).findFirst().orElseThrow();
    }

    /** Whether an IPv4 address lies in a feed entry: an address or an a.b.c.d/n network. */
    private static boolean listed(String ip, String entry) {
        String[] parts = entry.split("/");
        if (parts[0].contains(":") || ip.contains(":")) {
            return false;
        }
        int bits = parts.length == 1 ? 32 : Integer.parseInt(parts[1]);
        long mask = bits == 0 ? 0 : (0xffffffffL << (32 - bits)) & 0xffffffffL;
        return (ipv4(ip) & mask) == (ipv4(parts[0]) & mask);
    }

    private static long ipv4(String ip) {
        long v = 0;
        for (String octet : ip.split("\\.")) {
            v = (v << 8) | Integer.parseInt(octet);
        }
        return v;
    }

    private static boolean inFeed(String ip) {
        return workload.threatFeed().stream().map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .anyMatch(entry -> listed(ip, entry));
    }

    @Test
    void historyHoldsAtLeastTwentyPrincipals() {
        assertThat(principals(workload.history())).hasSizeGreaterThanOrEqualTo(20)
                .contains("u-eng-01", "u-fin-01", "u-sales-01", "svc-web", "svc-etl", "svc-backup", "svc-ci");
    }

    @Test
    void historySpansTheSevenDaysBeforeTheLivePhase() {
        List<ActivityEvent> history = workload.history();
        Instant first = history.get(0).time();
        Instant last = history.get(history.size() - 1).time();

        assertThat(first).isBetween(CFG.start(), CFG.start().plus(Duration.ofHours(1)));
        assertThat(last).isBefore(CFG.liveStart()).isAfter(CFG.liveStart().minus(Duration.ofHours(1)));
        assertThat(Duration.between(first, last)).isGreaterThan(Duration.ofDays(7).minusHours(2));
        assertThat(history).isSortedAccordingTo((a, b) -> a.time().compareTo(b.time()));
    }

    @Test
    void liveEventsAllFallInTheLivePhase() {
        assertThat(workload.live()).isNotEmpty()
                .allSatisfy(e -> assertThat(e.time()).isAfterOrEqualTo(CFG.liveStart()).isBefore(CFG.liveEnd()));
    }

    @Test
    void theNewEmployeeAppearsOnlyInTheLivePhase() {
        BenignEpisode joiner = workload.benign().stream().filter(b -> b.name().equals("new-employee")).findFirst()
                .orElseThrow();

        assertThat(principals(workload.history())).doesNotContain(joiner.entity().id());
        assertThat(principals(workload.live())).contains(joiner.entity().id());
    }

    @Test
    void fiveNamedAttacksAreInjectedDuringTheLiveWorkingDay() {
        assertThat(workload.attacks()).extracting(AttackScenario::name).containsExactly("privilege-escalation",
                "crypto-mining", "data-exfiltration", "credential-misuse", "mass-deletion");
        Instant ten = CFG.liveStart().plus(Duration.ofHours(10));
        Instant five = CFG.liveStart().plus(Duration.ofHours(17));
        assertThat(workload.attacks()).allSatisfy(a -> {
            assertThat(a.firstMaliciousEvent()).isBetween(ten, five);
            assertThat(a.end()).isAfter(a.firstMaliciousEvent());
            assertThat(a.entities()).isNotEmpty();
        });
    }

    @Test
    void theSameSeedGivesTheSameWorkload() {
        Workload again = WorkloadGenerator.generate(CFG);

        assertThat(again.history().stream().map(ActivityEvent::eventId).toList())
                .isEqualTo(workload.history().stream().map(ActivityEvent::eventId).toList());
        assertThat(again.live()).isEqualTo(workload.live());
        assertThat(again.attacks()).isEqualTo(workload.attacks());
    }

    @Test
    void anotherSeedGivesAnotherWorkload() {
        WorkloadConfig other = new WorkloadConfig(7L, CFG.tenant(), CFG.employees(), CFG.historyDays(),
                CFG.liveHours(), CFG.start(), CFG.activity());

        Workload w = WorkloadGenerator.generate(other);

        assertThat(w.live().stream().map(ActivityEvent::time).toList())
                .isNotEqualTo(workload.live().stream().map(ActivityEvent::time).toList());
    }

    @Test
    void credentialMisuseComesFromAnAddressTheBundledFeedLists() {
        AttackScenario misuse = attack("credential-misuse");
        EntityKey victim = misuse.entities().iterator().next();
        List<ActivityEvent> attackerCalls = workload.live().stream()
                .filter(e -> victim.id().equals(e.principal()))
                .filter(e -> "python-requests/2.32.3".equals(e.userAgent()))
                .toList();

        assertThat(workload.threatFeed()).contains("185.220.101.0/24");
        assertThat(attackerCalls).hasSize(40).allSatisfy(e -> {
            assertThat(e.time()).isBetween(misuse.firstMaliciousEvent(), misuse.end());
            assertThat(inFeed(e.srcIp())).as("%s listed in the feed", e.srcIp()).isTrue();
        });
        assertThat(workload.history().stream().filter(e -> victim.id().equals(e.principal()))
                .map(ActivityEvent::srcIp)).as("the victim's usual addresses are not listed")
                .isNotEmpty().noneMatch(WorkloadGeneratorTest::inFeed);
    }

    @Test
    void configNeedsAtLeastTwelveEmployees() {
        assertThatThrownBy(() -> new WorkloadConfig(1, "acme", 11, 7, 24, WorkloadConfig.DEFAULT_START, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("workload needs at least 12 employees, got 11");
    }

    @Test
    void configNeedsAWeekOfHistory() {
        assertThatThrownBy(() -> new WorkloadConfig(1, "acme", 16, 6, 24, WorkloadConfig.DEFAULT_START, 1))
                .hasMessage("workload needs at least 7 history days, got 6");
    }

    @Test
    void configNeedsALivePhaseCoveringTheAttacks() {
        assertThatThrownBy(() -> new WorkloadConfig(1, "acme", 16, 7, 17, WorkloadConfig.DEFAULT_START, 1))
                .hasMessage("live phase must cover 18 to 24 hours (attacks run until 17:00), got 17");
        assertThatThrownBy(() -> new WorkloadConfig(1, "acme", 16, 7, 25, WorkloadConfig.DEFAULT_START, 1))
                .hasMessage("live phase must cover 18 to 24 hours (attacks run until 17:00), got 25");
    }

    @Test
    void configNeedsAPositiveActivity() {
        assertThatThrownBy(() -> new WorkloadConfig(1, "acme", 16, 7, 24, WorkloadConfig.DEFAULT_START, 0))
                .hasMessage("activity multiplier must be positive, got 0.0");
    }

    @Test
    void theLivePhaseFollowsTheHistory() {
        assertThat(CFG.liveStart()).isEqualTo(Instant.parse("2026-11-09T00:00:00Z"));
        assertThat(CFG.liveEnd()).isEqualTo(Instant.parse("2026-11-10T00:00:00Z"));
    }
}
