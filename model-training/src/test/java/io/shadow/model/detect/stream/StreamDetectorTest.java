package io.shadow.model.detect.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class StreamDetectorTest {
    /** 2014-04-01 00:00:00 UTC, a Tuesday. */
    private static final long START = 1_396_310_400L;
    private static final long FIVE_MINUTES = 300;

    private static double[] run(double[] values) {
        StreamDetector d = new StreamDetector(StreamConfig.defaults());
        double[] s = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            s[i] = d.update(START + i * FIVE_MINUTES, values[i]);
        }
        return s;
    }

    private static double[] noisy(int rows, long seed) {
        Random r = new Random(seed);
        double[] v = new double[rows];
        for (int i = 0; i < rows; i++) {
            v[i] = 40 + 10 * Math.sin(2 * Math.PI * i / 288) + r.nextGaussian();
        }
        return v;
    }

    private static int firstAtOrAbove(double[] s, double level, int from) {
        for (int i = from; i < s.length; i++) {
            if (s[i] >= level) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void scoresUpToARowDoNotDependOnLaterRows() {
        double[] base = noisy(3000, 1);
        double[] scores = run(base);
        Random r = new Random(2);
        for (int cut : new int[] {1, 50, 400, 1500, 2999}) {
            double[] changed = base.clone();
            for (int i = cut + 1; i < changed.length; i++) {
                changed[i] = r.nextDouble() < 0.1 ? 1e6 * r.nextGaussian() : -changed[i];
            }
            double[] again = run(changed);
            for (int i = 0; i <= cut; i++) {
                assertThat(again[i]).as("row %d after changing rows > %d", i, cut).isEqualTo(scores[i]);
            }
        }
    }

    @Test
    void everyScoreIsInTheUnitInterval() {
        double[] v = noisy(3000, 3);
        v[1000] = 500;
        v[2000] = -500;
        for (double s : run(v)) {
            assertThat(s).isBetween(0.0, 1.0);
        }
    }

    @Test
    void extremeValuesNeverMakeAScoreLeaveTheUnitInterval() {
        // values near the largest doubles, alternating in sign, then the whole range of magnitudes
        StreamDetector d = new StreamDetector(StreamConfig.defaults());
        Random r = new Random(11);
        for (int i = 0; i < 6000; i++) {
            double x = i < 2000 ? (i % 2 == 0 ? 1.5e308 : -1.5e308)
                    : Math.signum(r.nextGaussian()) * Math.pow(10, -300 + 608 * r.nextDouble());
            double s = d.update(START + i * FIVE_MINUTES, x);
            assertThat(s).as("row %d (%s)", i, x).isBetween(0.0, 1.0);
        }
    }

    @Test
    void aSpikeInsideTheRangeScoresTheSameWhateverTheUnit() {
        // a daily cycle of 10 ± 1 with a little noise, and a spike of 0.8 inside the range at row 2000
        Random r = new Random(12);
        double[] v = new double[3000];
        for (int i = 0; i < v.length; i++) {
            v[i] = 10 + Math.sin(2 * Math.PI * i / 288) + 0.02 * r.nextGaussian() + (i == 2000 ? 0.8 : 0);
        }
        double atUnit = run(v)[2000];
        assertThat(atUnit).isGreaterThan(0.5);
        for (double unit : new double[] {1e-14, 1e-9, 1e9, 1e30}) {
            double[] scaled = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                scaled[i] = v[i] * unit;
            }
            assertThat(run(scaled)[2000]).as("values in units of %s", unit).isCloseTo(atUnit,
                    org.assertj.core.api.Assertions.within(0.02));
        }
    }

    @Test
    void coldStartDetectsAJumpWithinTheFirstHundredRows() {
        // 60 rows of a never-seen series, then its level quadruples
        Random r = new Random(4);
        double[] v = new double[100];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i < 60 ? 10 : 40) + r.nextGaussian() * 0.5;
        }
        double[] s = run(v);
        assertThat(firstAtOrAbove(s, 0.5, 0)).as("first detection").isEqualTo(60);
        assertThat(firstAtOrAbove(s, 0.5, 1)).isEqualTo(60);
    }

    @Test
    void integerCountsSettingARecordByOneAreNotNewsButAJumpIs() {
        // 5-minute counts around 20 (a range of about 35): over 15,000 rows the range grows by 1 now and
        // then, 3 % of it, which a tolerance of 2 % of the range alone would take as certain news
        Random r = new Random(1);
        double[] v = new double[15_000];
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.max(0, Math.round(20 + 5 * r.nextGaussian()));
        }
        v[12_000] = 423;
        double[] s = run(v);
        double max = 0;
        double min = Double.MAX_VALUE;
        int records = 0;
        for (int i = 0; i < 12_000; i++) {
            if (i > 100 && (v[i] == max + 1 || v[i] == min - 1)) {
                records++;
                assertThat(s[i]).as("row %d, %s after a range of %s to %s", i, v[i], min, max).isLessThan(0.5);
            }
            max = Math.max(max, v[i]);
            min = Math.min(min, v[i]);
        }
        assertThat(records).as("records by one step in the fixture").isGreaterThanOrEqualTo(2);
        assertThat(s[12_000]).isEqualTo(1.0);
    }

    @Test
    void aSeriesOfTwoValuesGoingAWholeStepFurtherIsNews() {
        // a switch between 0 and 10: its resolution is its whole range, so the step is not a tolerance
        double[] v = new double[1000];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i / 7) % 2 == 0 ? 0 : 10;
        }
        v[800] = 20;
        assertThat(run(v)[800]).isEqualTo(1.0);
    }

    @Test
    void aConstantSeriesNeverScores() {
        double[] v = new double[2000];
        java.util.Arrays.fill(v, 45.0);
        assertThat(run(v)).containsOnly(0.0);
    }

    @Test
    void aMissingDailyPeakIsFoundButRegularPeaksAreNot() {
        // 12 days with a 09:00-18:00 plateau at 80 over a night level of 20; day 10 has no plateau
        Random r = new Random(5);
        int day = 288;
        double[] v = new double[12 * day];
        for (int i = 0; i < v.length; i++) {
            int minute = (i % day) * 5;
            boolean plateau = minute >= 9 * 60 && minute < 18 * 60 && i / day != 10;
            v[i] = (plateau ? 80 : 20) + r.nextGaussian() * 2;
        }
        double[] s = run(v);
        int missing = 10 * day + 9 * 12;
        assertThat(firstAtOrAbove(s, 0.5, 5 * day)).as("first detection after day 5")
                .isBetween(missing, missing + 24);
        assertThat(firstAtOrAbove(s, 0.5, 11 * day + 12 * 12)).as("after the next regular morning").isEqualTo(-1);
    }

    @Test
    void aLastingShiftInsideTheRangeSeenIsFoundByTheRecentMean() {
        // 3000 rows around 40 (noise of one spread, clipped at three) with a spike to 55 every 150
        // rows, then the level moves up three spreads: every new value is inside the range the
        // spikes set and no further from the level than the spikes were; only the recent mean moved
        int found = 0;
        for (long seed = 1; seed <= 10; seed++) {
            Random r = new Random(seed);
            double[] v = new double[4000];
            for (int i = 0; i < v.length; i++) {
                v[i] = i % 150 == 75 ? 55 : 40 + Math.max(-3, Math.min(3, r.nextGaussian())) + (i >= 3000 ? 3 : 0);
            }
            StreamDetector with = new StreamDetector(StreamConfig.defaults());
            StreamDetector without = new StreamDetector(StreamConfig.defaults().withMeanWindow(0));
            int first = -1;
            for (int i = 0; i < v.length; i++) {
                double s = with.update(START + i * FIVE_MINUTES, v[i]);
                if (first < 0 && i >= 3000 && s >= 0.5) {
                    first = i;
                    assertThat(with.lastReason()).as("seed %d, row %d", seed, i)
                            .isEqualTo(StreamDetector.Reason.SHIFT);
                }
                assertThat(without.update(START + i * FIVE_MINUTES, v[i]))
                        .as("seed %d, row %d, one scale only", seed, i).isLessThan(i >= 3000 ? 0.5 : 1.01);
            }
            found += first >= 3000 && first <= 3040 ? 1 : 0;
        }
        // one seed in ten may still be in the quiet period of an earlier detection
        assertThat(found).as("seeds whose shift is found within 40 rows").isGreaterThanOrEqualTo(9);
    }

    @Test
    void afterADetectionScoresAreHeldAtZeroForTheQuietPeriod() {
        double[] v = noisy(1000, 6);
        for (int i = 600; i < 1000; i++) {
            v[i] += 500;
        }
        double[] s = run(v);
        assertThat(s[600]).isEqualTo(1.0);
        for (int i = 601; i <= 600 + StreamConfig.defaults().quietRows(); i++) {
            assertThat(s[i]).isZero();
        }
    }

    @Test
    void explainsTheLastRow() {
        StreamDetector d = new StreamDetector(StreamConfig.defaults());
        double[] v = noisy(600, 7);
        for (int i = 0; i < v.length; i++) {
            d.update(START + i * FIVE_MINUTES, v[i]);
        }
        assertThat(d.lastExpected()).isBetween(25.0, 55.0);
        assertThat(d.update(START + 600 * FIVE_MINUTES, 900)).isEqualTo(1.0);
        assertThat(d.lastReason()).isEqualTo(StreamDetector.Reason.LEVEL);
        assertThat(d.lastDeviation()).isGreaterThan(50);
    }

    @Test
    void stateStaysWithinTwoKilobytesPerSeries() {
        StreamDetector d = new StreamDetector(StreamConfig.defaults());
        long fresh = StateSize.of(d);
        double[] v = noisy(5000, 8);
        for (int i = 0; i < v.length; i++) {
            d.update(START + i * FIVE_MINUTES, v[i]);
        }
        // fixed-size state: nothing grows with the rows seen
        assertThat(StateSize.of(d)).isEqualTo(fresh).isLessThanOrEqualTo(2048);
    }

    @Test
    void aBadConfigurationNamesTheKnobAndTheFix() {
        StreamConfig d = StreamConfig.defaults();
        assertThatThrownBy(() -> new StreamConfig(d.levelAlpha(), d.errorAlpha(), d.clip(), d.seasonalAlpha(),
                d.minEvidence(), d.rarityPrior(), d.rarityMemory(), 0, d.likelihoodMemory(), d.likelihoodWarmup(),
                d.rawFloor(), d.rawSpan(), d.scoreDecades(), d.rangeTolerance(), d.quietRows(), d.quietLevel(),
                d.realertFactor(), d.meanWindow()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid stream-detector.likelihood-window = 0; expected 1 to 1000 rows");
    }
}
