package io.shadow.model.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.shadow.features.Feature;
import io.shadow.features.baseline.FeatureBaseline;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ExpectationTest {
    private static final DetectorConfig CFG = DetectorConfig.defaults(); // hour prior 24, population prior 48

    private static FeatureBaseline flat(double level, double scale, long samples) {
        return FeatureBaseline.flat(level, scale, level, scale * scale, 0, scale, samples);
    }

    @Test
    void anEntityWithAsManyBucketsAsThePopulationPriorSitsHalfway() {
        Expectation e = Expectation.of(Feature.EVENTS, flat(10, 3, 48), flat(30, 3, 2016), 10, CFG);

        assertThat(e.level()).isCloseTo(20, within(1e-9));
        assertThat(e.samples()).isEqualTo(48);
    }

    @Test
    void aWeekOldEntityFollowsItself() {
        Expectation e = Expectation.of(Feature.EVENTS, flat(10, 3, 2016), flat(30, 3, 2016), 10, CFG);

        assertThat(e.level()).isCloseTo((2016 * 10 + 48 * 30) / 2064.0, within(1e-9));
    }

    @Test
    void aNewEntityStartsFromItsPopulation() {
        Expectation e = Expectation.of(Feature.EVENTS, null, flat(30, 3, 2016), 10, CFG);

        assertThat(e.level()).isEqualTo(30);
        assertThat(e.samples()).isZero();
        assertThat(e.mean()).as("posterior mean (mean n + 0.5) / (n + 1)")
                .isCloseTo((30 * 2016 + 0.5) / 2017, within(1e-9));
    }

    @Test
    void anHourOfDayIsShrunkTowardsAllHours() {
        FeatureBaseline.Stats[] hours = new FeatureBaseline.Stats[FeatureBaseline.HOURS];
        hours[3] = new FeatureBaseline.Stats(100, 5, 100, 25, 0, 5, 24);
        FeatureBaseline nightlyBackup = new FeatureBaseline(hours, new FeatureBaseline.Stats(10, 5, 10, 25, 0, 5, 2016));

        assertThat(Expectation.of(Feature.EVENTS, nightlyBackup, null, 3, CFG).level()).isCloseTo(55, within(1e-9));
        assertThat(Expectation.of(Feature.EVENTS, nightlyBackup, null, 4, CFG).level()).isCloseTo(10, within(1e-9));
    }

    @Test
    void spreadsNeverDropBelowTheFeaturesResolution() {
        Expectation cpu = Expectation.of(Feature.CPU_PCT, flat(20, 0.1, 2016), null, 10, CFG);
        Expectation nothing = Expectation.of(Feature.DELETES, null, null, 10, CFG);

        assertThat(cpu.levelScale()).isEqualTo(2.0);
        assertThat(cpu.diffScale()).isEqualTo(2.0);
        assertThat(nothing.level()).isZero();
        assertThat(nothing.levelScale()).isEqualTo(1.0);
        assertThat(nothing.mean()).as("a rate never seen is still not zero").isEqualTo(0.5);
    }

    @Test
    void linearDeviationIsInSpreads() {
        Expectation cpu = Expectation.of(Feature.CPU_PCT, flat(20, 5, 2016), null, 10, CFG);

        assertThat(cpu.levelDeviation(Feature.CPU_PCT, 45)).isCloseTo(5.0, within(1e-9));
        assertThat(cpu.levelDeviation(Feature.CPU_PCT, 10)).isCloseTo(-2.0, within(1e-9));
        assertThat(cpu.changeDeviation(10)).isCloseTo(2.0, within(1e-9));
    }

    @Test
    void countDeviationIsTheNormalQuantileOfTheCountTail() {
        Expectation events = Expectation.of(Feature.EVENTS, flat(2, Math.sqrt(2), 1_000_000), null, 10, CFG);

        // P(X >= 5) for mean 2 is 0.05265, the normal tail beyond 1.62
        assertThat(events.levelDeviation(Feature.EVENTS, 5)).isCloseTo(1.6205, within(1e-3));
    }

    @Test
    void normalRangesAreShownInTheFeaturesUnits() {
        Expectation events = Expectation.of(Feature.EVENTS, flat(2, Math.sqrt(2), 1_000_000), null, 10, CFG);
        Expectation cpu = Expectation.of(Feature.CPU_PCT, flat(20, 5, 2016), null, 10, CFG);
        Expectation idleCpu = Expectation.of(Feature.CPU_PCT, flat(5, 5, 2016), null, 10, CFG);
        Expectation bytes = Expectation.of(Feature.BYTES_OUT, flat(Math.log1p(1e6), 0.5, 2016), null, 10, CFG);

        assertThat(events.normalRange(Feature.EVENTS)).isEqualTo("[0, 8]");
        assertThat(cpu.normalRange(Feature.CPU_PCT)).isEqualTo("[5.0%, 35.0%]");
        assertThat(idleCpu.normalRange(Feature.CPU_PCT)).isEqualTo("[0.0%, 20.0%]");
        // e^(ln(1e6 + 1) ± 1.5) - 1
        assertThat(bytes.normalRange(Feature.BYTES_OUT)).isEqualTo("[223.1 KB, 4.5 MB]");
    }

    @Test
    void hourlyFiguresMissingFromABaselineComeFromAllHours() {
        FeatureBaseline.Stats all = new FeatureBaseline.Stats(10, 3, 10, 9, 0, 3, 2016);
        FeatureBaseline sparse = new FeatureBaseline(new FeatureBaseline.Stats[FeatureBaseline.HOURS], all);

        assertThat(Arrays.stream(new int[] {0, 12, 23}).mapToObj(sparse::hour))
                .allSatisfy(h -> assertThat(h.median()).isEqualTo(10));
    }
}
