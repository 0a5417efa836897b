package io.shadow.model.nab;

import static io.shadow.model.nab.NabFixtures.detectionsAt;
import static io.shadow.model.nab.NabFixtures.times;
import static io.shadow.model.nab.NabFixtures.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * NAB's rules on small files computed by hand. The file has 40 rows (probation: floor(0.15 × 40) =
 * 6 rows) and one window over rows 20..29 (10 rows), unless a test says otherwise.
 */
class NabScorerTest {
    private static final CostProfile STANDARD = CostProfile.nabDefaults().get(0);
    private static final CostProfile LOW_FN = CostProfile.nabDefaults().get(2);
    /** σ(-1) = 2 / (1 + e^-5) - 1. */
    private static final double MAX_TP = 0.9866142981514303;

    private static ScoredFile file(double[] scores) {
        return new ScoredFile("c/f.csv", times(40), scores, List.of(window(20, 29)));
    }

    private static double score(double[] scores, CostProfile p) {
        return NabScorer.score(file(scores), 0.5, p).score();
    }

    @Test
    void probationIsFifteenPercentCappedAt750Rows() {
        assertThat(NabScorer.probationaryLength(40)).isEqualTo(6);
        assertThat(NabScorer.probationaryLength(4032)).isEqualTo(604);
        assertThat(NabScorer.probationaryLength(5000)).isEqualTo(750);
        assertThat(NabScorer.probationaryLength(22695)).isEqualTo(750);
    }

    @Test
    void scaledSigmoidHasNabsShape() {
        assertThat(NabScorer.scaledSigmoid(-1)).isCloseTo(MAX_TP, within(1e-12));
        assertThat(NabScorer.scaledSigmoid(0)).isEqualTo(0.0);
        assertThat(NabScorer.scaledSigmoid(1)).isCloseTo(-MAX_TP, within(1e-12));
        assertThat(NabScorer.scaledSigmoid(3.01)).isEqualTo(-1.0);
    }

    @Test
    void detectionAtTheWindowsFirstRowEarnsTheFullTpWeight() {
        // position -(29 - 20 + 1) / 10 = -1, divided by σ(-1): exactly 1
        assertThat(score(detectionsAt(40, 20), STANDARD)).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void detectionAtTheWindowsLastRowEarnsLittle() {
        // position -(29 - 29 + 1) / 10 = -0.1: (2 / (1 + e^-0.5) - 1) / σ(-1) = 0.2449187 / 0.9866143
        assertThat(score(detectionsAt(40, 29), STANDARD)).isCloseTo(0.2482415, within(1e-6));
    }

    @Test
    void onlyTheFirstDetectionInAWindowCounts() {
        // row 22: position -0.8: (2 / (1 + e^-4) - 1) / σ(-1) = 0.9640276 / 0.9866143
        double expected = 0.977107;
        assertThat(score(detectionsAt(40, 22), STANDARD)).isCloseTo(expected, within(1e-6));
        assertThat(score(detectionsAt(40, 22, 25, 29), STANDARD)).isCloseTo(expected, within(1e-6));
    }

    @Test
    void aMissedWindowCostsTheFnWeight() {
        assertThat(score(new double[40], STANDARD)).isEqualTo(-1.0);
        assertThat(score(new double[40], LOW_FN)).isEqualTo(-2.0);
    }

    @Test
    void aFalsePositiveBeforeAnyWindowCostsTheFullFpWeight() {
        // row 10 lies before the window: -0.11, and the window is still missed: -1
        assertThat(score(detectionsAt(40, 10), STANDARD)).isCloseTo(-1.11, within(1e-12));
    }

    @Test
    void aFalsePositiveJustAfterAWindowCostsLessThanOneFarAfterIt() {
        // row 32: (32 - 29) / (10 - 1) window lengths past the end: 0.11 × (2 / (1 + e^(5/3)) - 1) = -0.0750488
        double near = score(detectionsAt(40, 20, 32), STANDARD) - 1.0;
        assertThat(near).isCloseTo(-0.0750488, within(1e-6));
        // row 39: 10 / 9 past the end: 0.11 × (2 / (1 + e^(50/9)) - 1) = 0.11 × -0.9923 = -0.1091528
        double far = score(detectionsAt(40, 20, 39), STANDARD) - 1.0;
        assertThat(far).isCloseTo(-0.1091528, within(1e-6));
    }

    @Test
    void detectionsInTheProbationaryPeriodAreIgnored() {
        NabScorer.FileScore s = NabScorer.score(file(detectionsAt(40, 0, 3, 5)), 0.5, STANDARD);
        assertThat(s.falsePositives()).isZero();
        assertThat(s.score()).isEqualTo(-1.0);
        // row 6 is the first scored row
        assertThat(NabScorer.score(file(detectionsAt(40, 6)), 0.5, STANDARD).falsePositives()).isEqualTo(1);
    }

    @Test
    void aDetectionExactlyAtTheThresholdCounts() {
        double[] s = new double[40];
        s[20] = 0.5;
        assertThat(NabScorer.score(file(s), 0.5, STANDARD).detectedWindows()).isEqualTo(1);
        assertThat(NabScorer.score(file(s), 0.5000001, STANDARD).detectedWindows()).isZero();
    }

    @Test
    void aFileWithoutWindowsOnlyLosesFromFalsePositives() {
        ScoredFile f = new ScoredFile("c/quiet.csv", times(40), detectionsAt(40, 10, 30), List.of());
        NabScorer.FileScore s = NabScorer.score(f, 0.5, STANDARD);
        assertThat(s.score()).isCloseTo(-0.22, within(1e-12));
        assertThat(s.falsePositives()).isEqualTo(2);
    }

    @Test
    void aWindowRunsFromTheRowStampedWithItsStartToTheNextRowStampedWithItsEnd() {
        // as at a daylight-saving change: rows 20..23 repeat the times of rows 16..19; NAB's sweeper
        // closes the window at row 19 (the first row stamped with its end), so the repeats are outside it
        List<java.time.LocalDateTime> t = new java.util.ArrayList<>(times(40));
        for (int i = 20; i < 40; i++) {
            t.set(i, t.get(i).minusMinutes(20));
        }
        ScoredFile f = new ScoredFile("c/dst.csv", t, detectionsAt(40, 21), List.of(window(16, 19)));
        assertThat(f.windowStart(0)).isEqualTo(16);
        assertThat(f.windowEnd(0)).isEqualTo(19);
        assertThat(f.windowLength(0)).isEqualTo(4);
        // row 21 is a false positive just after the window: σ(|19 - 21| / 3) · fpWeight
        NabScorer.FileScore s = NabScorer.score(f, 0.5, STANDARD);
        assertThat(s.falsePositives()).isEqualTo(1);
        assertThat(s.missedWindows()).isEqualTo(1);
        assertThat(s.score()).isCloseTo(-1 + NabScorer.scaledSigmoid(2.0 / 3) * 0.11, within(1e-12));
    }

    @Test
    void aWindowWhoseEndsAreNotRowTimestampsTakesTheRowsWhoseTimeLiesInIt() {
        ScoredFile f = new ScoredFile("c/handmade.csv", times(40), new double[40], List.of(
                new NabWindows.Window(NabFixtures.time(20).minusMinutes(2), NabFixtures.time(29).plusMinutes(2))));
        assertThat(f.windowStart(0)).isEqualTo(20);
        assertThat(f.windowEnd(0)).isEqualTo(29);
        assertThat(f.windowLength(0)).isEqualTo(10);
    }

    @Test
    void aWindowWithNoRowAfterProbationIsNeitherDetectedNorMissed() {
        // probation is rows 0..5; the first window lies inside it, as NAB's sweeper leaves it unscored
        ScoredFile f = new ScoredFile("c/early.csv", times(40), detectionsAt(40, 20),
                List.of(window(1, 4), window(20, 29)));
        NabScorer.FileScore s = NabScorer.score(f, 0.5, STANDARD);
        assertThat(s.detectedWindows()).isEqualTo(1);
        assertThat(s.missedWindows()).isZero();
        assertThat(s.score()).isCloseTo(1.0, within(1e-12));
        assertThat(f.windowCount()).isEqualTo(2);
        assertThat(f.scorableWindowCount()).isEqualTo(1);
        assertThat(ThresholdSweep.optimise(List.of(f), STANDARD).raw()).isCloseTo(1.0, within(1e-12));
        // perfect counts both windows (NAB's runner), "nothing detected" only the scorable one
        assertThat(NabScorer.normalised(-1, 2, 1, STANDARD)).isEqualTo(0.0);
        assertThat(NabScorer.normalised(1, 2, 1, STANDARD)).isCloseTo(200.0 / 3, within(1e-12));
    }

    @Test
    void aFalsePositiveThreeWindowLengthsAfterAWindowCostsTheFullFpWeight() {
        // window rows 20..29 (10 rows): position |29 - i| / 9 reaches 3 at row 56
        ScoredFile f = new ScoredFile("c/f.csv", times(60), detectionsAt(60, 56), List.of(window(20, 29)));
        assertThat(NabScorer.score(f, 0.5, STANDARD).score()).isEqualTo(-1 - 0.11);
    }

    @Test
    void normalisationMapsNothingDetectedToZeroAndPerfectTo100() {
        assertThat(NabScorer.normalised(-55, 55, 55, STANDARD)).isEqualTo(0.0);
        assertThat(NabScorer.normalised(55, 55, 55, STANDARD)).isEqualTo(100.0);
        assertThat(NabScorer.normalised(0, 55, 55, STANDARD)).isCloseTo(50.0, within(1e-12));
        // low-FN profile: nothing detected = -2 per window
        assertThat(NabScorer.normalised(-110, 55, 55, LOW_FN)).isEqualTo(0.0);
        assertThat(NabScorer.normalised(0, 55, 55, LOW_FN)).isCloseTo(200.0 / 3, within(1e-9));
    }
}
