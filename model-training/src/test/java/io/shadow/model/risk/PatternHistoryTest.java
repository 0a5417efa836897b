package io.shadow.model.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.shadow.features.EntityKey;
import io.shadow.features.signal.FactorContribution;
import io.shadow.features.signal.RiskScore;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Users' decisions on an entity and pattern move that entity's later scores of the pattern, and nothing else. */
class PatternHistoryTest {
    private static final EntityKey ETL = EntityKey.principal("acme", "svc-etl");
    private static final EntityKey ANALYST = EntityKey.principal("acme", "u-fin-01");
    private static final EntityKey OTHER = EntityKey.principal("acme", "u-eng-02");
    private static final String EXPORT = "bytes_out@data_storage";

    private final PatternHistory history = new PatternHistory(Map.of(), Map.of(
            PatternHistory.key(ETL, EXPORT), new PatternHistory.Outcomes(0, 1),
            PatternHistory.key(ANALYST, EXPORT), new PatternHistory.Outcomes(1, 0),
            PatternHistory.key(OTHER, EXPORT), new PatternHistory.Outcomes(0, 5)));
    private final RiskScore medium = WeightedRiskModel.defaults().score(new RiskFactors(0.8, 0.6, 0, 0));

    @Test
    void aRejectionStepsTheSamePatternOnTheSameEntityDownAndAnApprovalStepsItUp() {
        RiskScore rejected = history.adjust(medium, ETL, EXPORT, Double.NaN);
        RiskScore approved = history.adjust(medium, ANALYST, EXPORT, Double.NaN);

        assertThat(medium.score()).as("a medium-band risk before any decision").isBetween(55.0, 80.0);
        assertThat(odds(rejected.score())).isCloseTo(odds(medium.score()) / 4, within(1e-9));
        assertThat(rejected.score()).as("one rejection takes it below the medium band").isLessThan(55);
        assertThat(odds(approved.score())).isCloseTo(odds(medium.score()) * 4, within(1e-9));
        assertThat(rejected.contributions()).last().isEqualTo(new FactorContribution("feedback", -1,
                rejected.score() - medium.score()));
        assertThat(rejected.base() + rejected.contributions().stream().mapToDouble(FactorContribution::points).sum())
                .isCloseTo(rejected.score(), within(1e-9));
    }

    @Test
    void otherPatternsAndEntitiesAreUntouchedAndRepeatedRejectionsAreCapped() {
        assertThat(history.adjust(medium, ETL, "deletes@data_storage", Double.NaN)).isSameAs(medium);
        assertThat(history.adjust(medium, EntityKey.principal("other-tenant", "svc-etl"), EXPORT, Double.NaN))
                .isSameAs(medium);
        assertThat(history.netDecisions(OTHER, EXPORT, Double.NaN)).isEqualTo((double) -PatternHistory.MAX_STEPS);
        RiskScore emergency = WeightedRiskModel.defaults().score(new RiskFactors(1, 0.9, 0, 1));
        assertThat(emergency.score()).isGreaterThan(99);
        assertThat(history.adjust(emergency, OTHER, EXPORT, Double.NaN).score())
                .as("five rejections (capped at three steps) still leave a near-certain attack in the medium band")
                .isGreaterThan(55);
    }

    @Test
    void aDecisionSpeaksForAnomaliesOfAboutItsSizeOnly() {
        EntityKey downloader = EntityKey.principal("acme", "u-eng-02");
        EntityKey ci = EntityKey.host("acme", "ci-1");
        String cpu = "cpu_pct@compute";
        PatternHistory sized = new PatternHistory(Map.of(), Map.of(
                // a rejected 30 x 60 MB dataset download, replayed at detector score 6
                PatternHistory.key(downloader, EXPORT), new PatternHistory.Outcomes(0, 1, 6.0, Double.NaN),
                // a confirmed crypto-miner on the build host, its anomalies peaking at score 12
                PatternHistory.key(ci, cpu), new PatternHistory.Outcomes(1, 0, Double.NaN, 12.0)));

        assertThat(sized.netDecisions(downloader, EXPORT, 8.5)).as("a download like the rejected one").isEqualTo(-1.0);
        assertThat(sized.netDecisions(downloader, EXPORT, 25)).as("a terabyte, far beyond what was rejected")
                .isZero();
        assertThat(sized.adjust(medium, downloader, EXPORT, 25)).isSameAs(medium);
        assertThat(sized.netDecisions(ci, cpu, 5.5)).as("a routine build's threshold-level CPU peak").isZero();
        assertThat(sized.netDecisions(ci, cpu, 9)).as("a peak like the miner's").isEqualTo(1.0);
        assertThat(sized.netDecisions(ci, cpu, Double.NaN)).as("size unknown: every decision").isEqualTo(1.0);
        assertThat(history.netDecisions(ETL, EXPORT, 100)).as("no recorded size: counts whatever the size")
                .isEqualTo(-1.0);
    }

    @Test
    void aDecisionFadesWithAgeSoAnOldRejectionNoLongerWavesTheSameAnomalyThrough() {
        EntityKey analyst = EntityKey.principal("acme", "u-fin-02");
        EntityKey returning = EntityKey.principal("acme", "u-fin-03");
        double twoYears = PatternHistory.weight(java.time.Duration.ofDays(730));
        PatternHistory aged = new PatternHistory(Map.of(), Map.of(
                PatternHistory.key(analyst, EXPORT), new PatternHistory.Outcomes(0, 3, Double.NaN, Double.NaN,
                        0, 3 * twoYears),
                PatternHistory.key(returning, EXPORT), new PatternHistory.Outcomes(0, 1, Double.NaN, Double.NaN,
                        0, PatternHistory.weight(java.time.Duration.ofDays(7)))));

        assertThat(PatternHistory.weight(java.time.Duration.ZERO)).isEqualTo(1.0);
        assertThat(PatternHistory.weight(PatternHistory.DECISION_HALF_LIFE)).isEqualTo(0.5);
        assertThat(aged.netDecisions(analyst, EXPORT, Double.NaN)).as("three rejections two years ago")
                .isCloseTo(-0.19, within(0.01));
        assertThat(aged.adjust(medium, analyst, EXPORT, Double.NaN).score()).as("still in the medium band, where "
                + "three fresh rejections put it two bands down").isGreaterThan(55)
                .isGreaterThan(history.adjust(medium, OTHER, EXPORT, Double.NaN).score());
        assertThat(aged.netDecisions(returning, EXPORT, Double.NaN)).as("a rejection last week counts nearly whole")
                .isCloseTo(-0.97, within(0.01));
    }

    private static double odds(double score) {
        return score / (100 - score);
    }
}
