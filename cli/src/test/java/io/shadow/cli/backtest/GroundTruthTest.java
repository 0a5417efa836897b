package io.shadow.cli.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.agents.simulate.AttackScenario;
import io.shadow.agents.simulate.Band;
import io.shadow.agents.simulate.ObservedMitigation;
import io.shadow.agents.simulate.ScenarioLabels;
import io.shadow.features.EntityKey;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Grading: labels where they exist, users' reviews elsewhere, and nothing claimed without either. */
class GroundTruthTest {
    private static final Instant DAY = Instant.parse("2026-11-09T00:00:00Z");
    private static final EntityKey ALICE = EntityKey.principal("acme", "alice");
    private static final EntityKey BOB = EntityKey.principal("acme", "bob");

    private final ScenarioLabels labels = new ScenarioLabels("acme", DAY, DAY.plusSeconds(86_400),
            List.of(new AttackScenario("exfil", "", Set.of(ALICE), DAY.plusSeconds(3600), DAY.plusSeconds(7200),
                    Band.MEDIUM)), List.of());
    private final GroundTruth truth = new GroundTruth(Optional.of(labels), List.of(
            new GroundTruth.Reviewed("inc-1", BOB, DAY.minusSeconds(7200), DAY.minusSeconds(3600), "p", true),
            new GroundTruth.Reviewed("inc-2", BOB, DAY.minusSeconds(5000), DAY.minusSeconds(4000), "p", true),
            new GroundTruth.Reviewed("inc-3", ALICE, DAY.minusSeconds(90_000), DAY.minusSeconds(89_000), "q", false),
            new GroundTruth.Reviewed("inc-4", ALICE, DAY.plusSeconds(3700), DAY.plusSeconds(3800), "r", false)));

    private static ObservedMitigation at(EntityKey e, Instant t) {
        return new ObservedMitigation("m", e, t, "low", 40, "throttle", "standard", "rate_limit");
    }

    @Test
    void casesAreTheLabelledAttacksAndTheConfirmedIncidentsOutsideTheLabels() {
        List<GroundTruth.Case> cases = truth.cases(DAY.minusSeconds(86_400), DAY.plusSeconds(86_400));
        assertThat(cases).extracting(c -> c.scenario().name()).containsExactly("exfil", "bob p", "bob p #2");
        assertThat(cases.get(0).expectedBand()).isEqualTo("medium");
        assertThat(cases.get(1).source()).isEqualTo("reviewed incident inc-1");
        assertThat(cases.get(1).expectedBand()).as("nobody said which band").isNull();
        assertThat(truth.cases(DAY, DAY.plusSeconds(86_400))).extracting(c -> c.scenario().name())
                .as("only what overlaps the window").containsExactly("exfil");
    }

    @Test
    void anUnmatchedMitigationIsFalseWhereLabelsOrARejectionSaySoAndUnreviewedElsewhere() {
        assertThat(truth.unmatched(at(BOB, DAY.plusSeconds(100)))).as("inside the labelled window")
                .isEqualTo(GroundTruth.Verdict.FALSE);
        assertThat(truth.unmatched(at(ALICE, DAY.minusSeconds(89_500)))).as("on a rejected incident")
                .isEqualTo(GroundTruth.Verdict.FALSE);
        assertThat(truth.unmatched(at(BOB, DAY.minusSeconds(89_500)))).as("no label, no review")
                .isEqualTo(GroundTruth.Verdict.UNREVIEWED);
    }
}
