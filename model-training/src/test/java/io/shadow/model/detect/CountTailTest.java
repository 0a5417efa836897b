package io.shadow.model.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CountTailTest {

    @Test
    void poissonTailMatchesTheHandComputedSum() {
        // P(X >= 5) for mean 2 = 1 - e^-2 (1 + 2 + 2 + 4/3 + 2/3) = 1 - 7 e^-2
        double expected = 1 - 7 * Math.exp(-2);

        assertThat(expected).isCloseTo(0.05265, within(1e-5));
        assertThat(CountTail.lnUpperTail(5, 2, 2)).isCloseTo(Math.log(expected), within(1e-9));
    }

    @Test
    void oneEventWhenAlmostNoneAreUsualIsAsLikelyAsAnyEventAtAll() {
        assertThat(CountTail.lnUpperTail(1, 0.1, 0.1)).isCloseTo(Math.log(1 - Math.exp(-0.1)), within(1e-9));
    }

    @Test
    void aFractionalCountIsJudgedAtTheNextWholeCount() {
        assertThat(CountTail.lnUpperTail(4.2, 2, 2)).isEqualTo(CountTail.lnUpperTail(5, 2, 2));
    }

    @Test
    void noTailAtOrBelowTheMean() {
        assertThat(CountTail.lnUpperTail(2, 2, 2)).isZero();
        assertThat(CountTail.lnUpperTail(1, 2, 9)).isZero();
        assertThat(CountTail.lnUpperTail(0, 0.5, 0.5)).isZero();
    }

    @Test
    void overdispersedCountsHaveTheNegativeBinomialsHeavierTail() {
        // mean 2, variance 6: r = mean² / (variance - mean) = 1, a geometric with p = 1/3, so P(X >= 5) = (2/3)^5
        double nb = CountTail.lnUpperTail(5, 2, 6);

        assertThat(nb).isCloseTo(5 * Math.log(2.0 / 3), within(1e-9));
        assertThat(Math.exp(nb)).isCloseTo(0.13169, within(1e-5));
        assertThat(nb).isGreaterThan(CountTail.lnUpperTail(5, 2, 2));
    }

    @Test
    void varianceWithinFivePercentOfTheMeanIsPoisson() {
        assertThat(CountTail.lnUpperTail(5, 2, 2.1)).isEqualTo(CountTail.lnUpperTail(5, 2, 2));
        assertThat(CountTail.lnUpperTail(5, 2, 1.0)).isEqualTo(CountTail.lnUpperTail(5, 2, 2));
    }

    @Test
    void aTailHeavierThanTheTermsSummedOneByOneIsStillWhole() {
        // r = 1: a geometric with q = 1000/1001, so P(X >= k) = q^k exactly; its terms shrink so slowly
        // that thousands of them are summed before the rest is bounded
        double q = 1000.0 / 1001;
        assertThat(CountTail.lnUpperTail(20_000, 1000, 1_001_000)).isCloseTo(20_000 * Math.log(q), within(1e-6));
    }

    @Test
    void aVeryOverdispersedCountIsNotJudgedMoreImprobableThanItIs() {
        // mean 100, variance 1e7 (r = 0.001): the tail summed term by term until it no longer changes
        for (double x : new double[] {1_000, 300_000, 1_000_000}) {
            double exact = lnTailByLongSum(x, 100, 1e7);
            double tail = CountTail.lnUpperTail(x, 100, 1e7);
            assertThat(tail).as("ln P(X >= %s)", x).isGreaterThanOrEqualTo(exact - 1e-9)
                    .isCloseTo(exact, within(0.01 * Math.abs(exact)));
        }
    }

    private static double lnTailByLongSum(double x, double mean, double variance) {
        double r = mean * mean / (variance - mean);
        double q = mean / (r + mean);
        int k0 = (int) Math.ceil(x);
        double first = CountTail.lnGamma(k0 + r) - CountTail.lnGamma(r) - CountTail.lnGamma(k0 + 1)
                + r * Math.log(r / (r + mean)) + k0 * Math.log(q);
        double sum = 1;
        double term = 1;
        for (long k = k0; term >= sum * 1e-17; k++) {
            term *= (k + r) / (k + 1) * q;
            sum += term;
        }
        return first + Math.log(sum);
    }

    @Test
    void theIncompleteBetaMatchesClosedForms() {
        // I_x(a, 1) = x^a; I_x(1, b) = 1 - (1 - x)^b; I_0.5(a, a) = 1/2
        assertThat(CountTail.lnRegularizedBeta(0.3, 4, 1)).isCloseTo(4 * Math.log(0.3), within(1e-12));
        assertThat(CountTail.lnRegularizedBeta(0.3, 1, 2.5)).isCloseTo(Math.log(1 - Math.pow(0.7, 2.5)), within(1e-12));
        assertThat(CountTail.lnRegularizedBeta(0.5, 7, 7)).isCloseTo(Math.log(0.5), within(1e-12));
    }

    @Test
    void farTailsStayFiniteAndExact() {
        // 40 deletes where 0.02 per bucket is usual: ln(0.02^40 e^-0.02 / 40!) (1 + 0.02/41 + ...)
        double expected = 40 * Math.log(0.02) - 0.02 - 110.32063971475740 + Math.log1p(0.02 / 41 + 0.0004 / (41 * 42));

        assertThat(CountTail.lnUpperTail(40, 0.02, 0.02)).isCloseTo(expected, within(1e-6));
    }

    @Test
    void upperBoundIsTheFirstCountWithATailBelowTheLimit() {
        // mean 2: P(X >= 7) = 0.0045 > 0.00135 >= P(X >= 8) = 0.0011
        assertThat(CountTail.upperBound(2, 2, Math.log(0.0013499))).isEqualTo(8);
        assertThat(CountTail.upperBound(0.02, 0.02, Math.log(0.0013499))).isEqualTo(2);
    }

    @Test
    void lnGammaMatchesFactorials() {
        assertThat(CountTail.lnGamma(5)).isCloseTo(Math.log(24), within(1e-12));
        assertThat(CountTail.lnGamma(41)).isCloseTo(110.32063971475740, within(1e-9));
        assertThat(CountTail.lnGamma(0.5)).isCloseTo(0.5 * Math.log(Math.PI), within(1e-12));
    }

    @Test
    void theRatioRecurrenceGivesWhatSummingEveryTermWithLnGammaGives() {
        // means from rare to busy, Poisson and overdispersed, counts just above the mean to far out
        for (double mean : new double[] {0.01, 0.3, 1, 2.5, 12, 80, 400}) {
            for (double dispersion : new double[] {1, 1.2, 3, 20}) {
                double variance = mean * dispersion;
                for (double over : new double[] {0.5, 1, 3, 10, 40}) {
                    double x = Math.floor(mean + over * Math.sqrt(variance)) + 1;
                    double expected = termByTerm(x, mean, variance);
                    assertThat(CountTail.computeLnUpperTail(x, mean, variance))
                            .as("x=%s mean=%s variance=%s", x, mean, variance)
                            .isCloseTo(expected, within(1e-10 * Math.max(1, Math.abs(expected))));
                }
            }
        }
    }

    /** The tail as a sum of every term, each from ln Γ: the definition the recurrence must reproduce. */
    private static double termByTerm(double x, double mean, double variance) {
        int k0 = (int) Math.ceil(x - 1e-9);
        boolean poisson = variance <= mean * 1.05;
        double r = poisson ? 0 : mean * mean / (variance - mean);
        double lnSum = Double.NEGATIVE_INFINITY;
        for (int k = k0; k < k0 + 5000; k++) {
            double term = poisson ? k * Math.log(mean) - mean - CountTail.lnGamma(k + 1)
                    : CountTail.lnGamma(k + r) - CountTail.lnGamma(r) - CountTail.lnGamma(k + 1)
                            + r * Math.log(r / (r + mean)) + k * Math.log(mean / (r + mean));
            double hi = Math.max(lnSum, term);
            lnSum = lnSum == Double.NEGATIVE_INFINITY ? term : hi + Math.log1p(Math.exp(Math.min(lnSum, term) - hi));
            if (term < lnSum - 37) {
                break;
            }
        }
        return Math.min(0, lnSum);
    }
}
