package io.shadow.mitigation.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.mitigation.Assessments;
import io.shadow.mitigation.LoggedWarnings;
import io.shadow.mitigation.ManualClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the policy answers: folder rules, rate limits over a sliding minute, and a gateway that names a
 * tenant differing only in case from one with rules.
 */
class GatewayPolicyTest {
    private final ManualClock clock = new ManualClock(Assessments.T0);
    private final GatewayPolicy policy = new GatewayPolicy(clock);

    private static GatewayPolicy.Rule lockOut(String id, String tenant, String principal, Duration lasts) {
        return new GatewayPolicy.Rule(id, "deny", tenant, principal, null, null, 0,
                lasts == null ? null : Assessments.T0.plus(lasts), "user locked out");
    }

    @Test
    void theHintCountsOnlyRulesInForceOfEveryTenantDifferingInCase() {
        policy.add(lockOut("r-1", "acme", "u-1", null));
        policy.add(lockOut("r-2", "acme", "u-2", Duration.ofMinutes(1)));
        policy.add(lockOut("r-3", "Acme", "u-3", Duration.ofMinutes(1)));

        assertThat(policy.decide("ACME", "u-1", null, null).reason()).isEqualTo("no rule applies to tenant 'ACME'; "
                + "tenant 'Acme' has 1 active rule, tenant 'acme' has 2 active rules (tenant ids are case-sensitive: "
                + "check the gateway's SHADOW_TENANT)");

        clock.advance(Duration.ofMinutes(2));
        assertThat(policy.decide("ACME", "u-1", null, null).reason()).as("expired, not yet swept")
                .isEqualTo("no rule applies to tenant 'ACME'; tenant 'acme' has 1 active rule (tenant ids are "
                        + "case-sensitive: check the gateway's SHADOW_TENANT)");
        policy.remove("r-1");
        assertThat(policy.decide("ACME", "u-1", null, null)).isEqualTo(GatewayDecision.ALLOW);
        assertThat(policy.decide("acme", "u-1", null, null)).isEqualTo(GatewayDecision.ALLOW);
    }

    @Test
    void aGatewaySprayingCaseVariantsIsAnsweredEveryTimeButWarnedAboutOnlyUpToTheCap() {
        String tenant = "tenant-abcdefghijkl";
        policy.add(lockOut("r-1", tenant, "u-1", null));
        int variants = GatewayPolicy.MAX_WARNED_TENANTS + 100;

        try (LoggedWarnings warnings = LoggedWarnings.of(GatewayPolicy.class)) {
            for (int i = 1; i <= variants; i++) {
                String variant = caseVariant(tenant, i);
                assertThat(policy.decide(variant, "u-1", null, null)).satisfies(d -> {
                    assertThat(d.verdict()).isEqualTo("allow");
                    assertThat(d.reason()).startsWith("no rule applies to tenant '" + variant + "'; tenant '" + tenant
                            + "' has 1 active rule");
                });
                policy.decide(variant, "u-1", null, null);
            }

            List<String> logged = warnings.messages();
            assertThat(logged).hasSize(GatewayPolicy.MAX_WARNED_TENANTS + 1).doesNotHaveDuplicates();
            assertThat(logged.get(0)).startsWith("no rule applies to tenant '" + caseVariant(tenant, 1) + "'");
            assertThat(logged.get(logged.size() - 1)).isEqualTo("warned about 1024 tenants that differ only in case "
                    + "from a tenant with gateway rules; further ones are not logged, their decisions still say so");
        }
    }

    private static GatewayPolicy.Rule shutdown(String id, String resource) {
        return new GatewayPolicy.Rule(id, "deny", "acme", null, resource, null, 0, null, "resource shut down");
    }

    private static GatewayPolicy.Rule rateLimit(String id, int perMinute, Duration lasts) {
        return new GatewayPolicy.Rule(id, "throttle", "acme", "u-1", null, null, perMinute,
                lasts == null ? null : Assessments.T0.plus(lasts), "rate limited");
    }

    @Test
    void aRuleOnAFolderNamedWithItsSlashCoversWhatIsUnderItAndTheFolderItself() {
        policy.add(shutdown("r-1", "/shared/"));
        policy.add(shutdown("r-2", "s3://acme-hr/payroll/"));
        policy.add(shutdown("r-3", "/finance"));

        for (String denied : List.of("/shared/", "/shared", "/shared/x.txt", "/shared/a/b/c", "s3://acme-hr/payroll/2026.csv",
                "/finance/", "/finance/q1.csv")) {
            assertThat(policy.decide("acme", "u-1", denied, null).verdict()).as(denied).isEqualTo("deny");
        }
        for (String allowed : List.of("/sharedx", "/shared.txt", "/other/shared/x", "s3://acme-hr/payrollx",
                "/financial", "/")) {
            assertThat(policy.decide("acme", "u-1", allowed, null).verdict()).as(allowed).isEqualTo("allow");
        }
        String deep = "/finance" + "/a".repeat(4000);
        assertThat(policy.decide("acme", "u-1", deep, null).verdict()).as("4,000 folders down").isEqualTo("deny");
        assertThat(policy.decide("acme", "u-1", "/other" + "/a".repeat(4000), null).verdict()).isEqualTo("allow");

        policy.remove("r-3");
        assertThat(policy.decide("acme", "u-1", "/finance/q1.csv", null).verdict()).as("removed").isEqualTo("allow");
        policy.add(shutdown("r-4", "/"));
        for (String under : List.of("/", "/x", "/a/b", deep)) {
            assertThat(policy.decide("acme", "u-1", under, null).verdict()).as("a rule on / covers " + under)
                    .isEqualTo("deny");
        }
    }

    @Test
    void principalsAreComparedExactlyUnlessTheCaseIsToBeIgnored() {
        policy.add(lockOut("r-1", "acme", "alice", null));
        GatewayPolicy folding = new GatewayPolicy(clock, true);
        folding.add(lockOut("r-1", "acme", "Alice", null));

        assertThat(policy.decide("acme", "alice", null, null).verdict()).isEqualTo("deny");
        assertThat(policy.decide("acme", "ALICE", null, null).verdict()).as("exact, the default").isEqualTo("allow");
        for (String login : List.of("alice", "ALICE", "aLiCe", "Alice")) {
            assertThat(folding.decide("acme", login, null, null).verdict()).as(login).isEqualTo("deny");
        }
        assertThat(folding.decide("acme", "alicex", null, null).verdict()).isEqualTo("allow");
        assertThat(folding.decide("ACME", "alice", null, null).verdict()).as("tenants stay exact").isEqualTo("allow");
        assertThat(folding.samePrincipal("Alice", "aLICE")).isTrue();
        assertThat(policy.samePrincipal("Alice", "aLICE")).isFalse();
        // names equalsIgnoreCase takes for alice but the rule index does not: not alice either
        for (String lookAlike : List.of("al\u0131ce", "AL\u0130CE")) {
            assertThat(folding.samePrincipal("alice", lookAlike)).as(lookAlike).isFalse();
            assertThat(folding.decide("acme", lookAlike, null, null).verdict()).as(lookAlike).isEqualTo("allow");
        }
    }

    @Test
    void aRateLimitLetsAtMostPerMinuteRequestsThroughInAnySixtySeconds() {
        policy.add(rateLimit("r-1", 20, null));
        int passed = 0;
        // one request every 0.25 s for two minutes
        java.util.ArrayDeque<Integer> window = new java.util.ArrayDeque<>();
        for (int i = 0; i < 480; i++) {
            if (policy.decide("acme", "u-1", null, null).verdict().equals("allow")) {
                passed += i < 240 ? 1 : 0;
                window.add(i);
            }
            while (!window.isEmpty() && window.peek() <= i - 240) {
                window.poll();
            }
            assertThat(window.size()).as("requests let through in the 60 s up to request " + i).isLessThanOrEqualTo(20);
            clock.advance(Duration.ofMillis(250));
        }
        assertThat(passed).as("in the first minute").isEqualTo(20);
    }

    @Test
    void aClockSteppingBackDoesNotHoldTheLimitForAsLongAsItStepped() {
        policy.add(rateLimit("r-1", 2, null));
        assertThat(policy.decide("acme", "u-1", null, null).verdict()).isEqualTo("allow");
        assertThat(policy.decide("acme", "u-1", null, null).verdict()).isEqualTo("allow");
        clock.advance(Duration.ofHours(-1));

        GatewayDecision throttled = policy.decide("acme", "u-1", null, null);
        assertThat(throttled.verdict()).isEqualTo("throttle");
        assertThat(throttled.retryAfterSeconds()).as("a minute at most, not an hour and a minute").isEqualTo(60);
        clock.advance(Duration.ofSeconds(60));
        assertThat(policy.decide("acme", "u-1", null, null).verdict()).isEqualTo("allow");
    }

    @Test
    void retryAfterIsTheTimeUntilARequestPassesButNeverBeyondTheRulesEnd() {
        policy.add(rateLimit("r-1", 1, Duration.ofSeconds(10)));
        assertThat(policy.decide("acme", "u-1", null, null).verdict()).isEqualTo("allow");
        clock.advance(Duration.ofMillis(1500));

        GatewayDecision throttled = policy.decide("acme", "u-1", null, null);
        assertThat(throttled.verdict()).isEqualTo("throttle");
        assertThat(throttled.retryAfterSeconds()).as("the rule ends in 8.5 s, the minute in 58.5 s").isEqualTo(9);

        policy.add(rateLimit("r-1", 1, null));
        assertThat(policy.decide("acme", "u-1", null, null).verdict()).isEqualTo("allow");
        clock.advance(Duration.ofMillis(1500));
        assertThat(policy.decide("acme", "u-1", null, null).retryAfterSeconds()).isEqualTo(59);
    }

    /** {@code s} with the case of its letters flipped where the bits of {@code n} say. */
    private static String caseVariant(String s, int n) {
        StringBuilder b = new StringBuilder(s);
        for (int i = 0, bit = 0; i < b.length(); i++) {
            char c = b.charAt(i);
            if (Character.isLetter(c) && ((n >> bit++) & 1) == 1) {
                b.setCharAt(i, Character.toUpperCase(c));
            }
        }
        return b.toString();
    }
}
