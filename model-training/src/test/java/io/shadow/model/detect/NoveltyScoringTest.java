package io.shadow.model.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class NoveltyScoringTest {

    @Test
    void theThreeSigmaTailMapsToThree() {
        assertThat(NoveltyScoring.zFromLogTail(Math.log(0.0013499))).isCloseTo(3.0, within(1e-4));
        assertThat(NoveltyScoring.zFromLogTail(Math.log(0.5))).isCloseTo(0.0, within(1e-9));
    }

    @Test
    void quantilesMatchTheStandardNormalTable() {
        assertThat(NoveltyScoring.lowerQuantile(0.975)).isCloseTo(1.959964, within(1e-6));
        assertThat(NoveltyScoring.lowerQuantile(0.025)).isCloseTo(-1.959964, within(1e-6));
        assertThat(NoveltyScoring.lowerQuantile(0.01)).isCloseTo(-2.326348, within(1e-6));
        assertThat(NoveltyScoring.lowerQuantile(0.5)).isCloseTo(0.0, within(1e-12));
    }

    @Test
    void certaintyMapsToInfinity() {
        assertThat(NoveltyScoring.lowerQuantile(0)).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(NoveltyScoring.lowerQuantile(1)).isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void astronomicallySmallTailsAreCappedNotInfinite() {
        double z = NoveltyScoring.zFromLogTail(-100_000);

        assertThat(z).isFinite().isEqualTo(NoveltyScoring.zFromLogTail(-700)).isGreaterThan(37);
    }

    @Test
    void aNewValueIsLessLikelyTheMoreAnEntityRepeatsItself() {
        assertThat(NoveltyScoring.newValueProbability(0, 0)).isEqualTo(0.5);
        assertThat(NoveltyScoring.newValueProbability(20_000, 1)).isCloseTo(2.0 / 20_002, within(1e-15));
        assertThat(NoveltyScoring.newValueProbability(100, 50)).isGreaterThan(
                NoveltyScoring.newValueProbability(100, 2));
    }

    @Test
    void populationShareIsTheValuesFractionOfObservations() {
        assertThat(NoveltyScoring.populationShare(300, 999)).isCloseTo(0.3, within(1e-12));
        assertThat(NoveltyScoring.populationShare(0, 0)).isZero();
    }
}
