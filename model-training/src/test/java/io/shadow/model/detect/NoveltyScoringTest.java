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

    @Test
    void fishersCombinationAlertsAsOftenAsOneScoreOnNormalActivity() {
        java.util.Random rnd = new java.util.Random(1);
        int n = 200_000;
        int single = 0;
        int combined = 0;
        double z = 2.0; // a threshold whose tail is common enough to count (2.3 % of draws)
        for (int i = 0; i < n; i++) {
            double a = rnd.nextDouble();
            double b = rnd.nextDouble();
            single += NoveltyScoring.zFromLogTail(Math.log(a)) >= z ? 1 : 0;
            combined += NoveltyScoring.zFromLogTail(NoveltyScoring.fisherLogTail(Math.log(a) + Math.log(b), 2)) >= z
                    ? 1 : 0;
        }

        assertThat((double) combined / single).isCloseTo(1.0, within(0.06));
    }

    @Test
    void twoModeratePiecesOfEvidenceAddUpWhereTheLargerAloneDoesNot() {
        double newNetwork = Math.log(3.0 / 1802); // a user with two usual networks and ~1,800 calls: 2.9 spreads
        double moreCallsThanUsual = NoveltyScoring.lnUpperTail(4.0);

        double together = NoveltyScoring.zFromLogTail(NoveltyScoring.fisherLogTail(newNetwork + moreCallsThanUsual, 2));

        assertThat(NoveltyScoring.zFromLogTail(newNetwork)).isCloseTo(2.94, within(0.01));
        assertThat(together).isGreaterThan(4.6).isLessThan(5.0);
        assertThat(NoveltyScoring.fisherLogTail(newNetwork, 1)).isEqualTo(newNetwork);
        assertThat(NoveltyScoring.lnUpperTail(40)).isCloseTo(-40 * 40 / 2.0 - Math.log(40 * Math.sqrt(2 * Math.PI)),
                within(1e-9));
    }
}
