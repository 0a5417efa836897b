package io.shadow.model.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.shadow.features.Feature;
import org.junit.jupiter.api.Test;

/** How much a run of rising buckets weighs, for buckets that are independent and for buckets that move together. */
class RisingRunsTest {

    /** Eight finished buckets rising from 1.2 to 2.6 spreads, then a ninth at 2.8: the last six are judged. */
    private static RisingRuns.Run ninthOfARun(double rho) {
        RisingRuns runs = new RisingRuns();
        for (int k = 0; k < 8; k++) {
            runs.judge(Feature.BYTES_OUT, 1.2 + 0.2 * k, rho);
            runs.finishBucket(true);
        }
        return runs.judge(Feature.BYTES_OUT, 2.8, rho);
    }

    @Test
    void independentBucketsAddUpAsStoufferSays() {
        RisingRuns.Run run = ninthOfARun(0);

        assertThat(run.buckets()).isEqualTo(RisingRuns.MAX_RUN + 1);
        assertThat(run.z()).isCloseTo((1.8 + 2.0 + 2.2 + 2.4 + 2.6 + 2.8) / Math.sqrt(6), within(1e-5))
                .isGreaterThan(5);
    }

    @Test
    void aStartBarelyAboveNormalIsLeftOutOfTheRun() {
        RisingRuns runs = new RisingRuns();
        for (double z : new double[] {0.1, 2, 3}) {
            runs.judge(Feature.BYTES_OUT, z, 0);
            runs.finishBucket(true);
        }

        RisingRuns.Run run = runs.judge(Feature.BYTES_OUT, 3.5, 0);

        assertThat(run.buckets()).isEqualTo(3);
        assertThat(run.z()).isCloseTo(8.5 / Math.sqrt(3), within(1e-5));
    }

    @Test
    void bucketsThatMoveTogetherWeighHardlyMoreThanOne() {
        assertThat(ninthOfARun(0.98).z()).isLessThan(2.8);
    }

    @Test
    void aBucketNotAboveTheLastEndsTheRunAndStartsANewOne() {
        RisingRuns runs = new RisingRuns();
        runs.judge(Feature.BYTES_OUT, 2, 0);
        runs.finishBucket(true);
        runs.judge(Feature.BYTES_OUT, 3, 0);
        runs.finishBucket(true);

        assertThat(runs.judge(Feature.BYTES_OUT, 2.5, 0)).as("a plateau is not a run").isNull();
        runs.finishBucket(true);
        assertThat(runs.judge(Feature.BYTES_OUT, 2.7, 0).buckets()).isEqualTo(2);
    }

    @Test
    void aGapOrABucketBelowNormalEndsTheRun() {
        RisingRuns runs = new RisingRuns();
        runs.judge(Feature.BYTES_OUT, 2, 0);
        runs.finishBucket(false);
        assertThat(runs.judge(Feature.BYTES_OUT, 3, 0)).isNull();
        runs.finishBucket(true);
        runs.judge(Feature.BYTES_OUT, -0.5, 0);
        runs.finishBucket(true);

        assertThat(runs.judge(Feature.BYTES_OUT, 1, 0)).isNull();
    }

    @Test
    void theCorrelationComesFromHowMuchChangesSpreadAgainstLevels() {
        Expectation independent = new Expectation(13, 1.5, 13, 2.25, 500, 0, 1.5 * Math.sqrt(2));
        Expectation smooth = new Expectation(13, 1.5, 13, 2.25, 500, 0, 0.3);
        Expectation anticorrelated = new Expectation(13, 1.5, 13, 2.25, 500, 0, 2.4 * 1.5);

        assertThat(RisingRuns.lagOneCorrelation(Feature.BYTES_OUT, independent)).isCloseTo(0, within(1e-9));
        assertThat(RisingRuns.lagOneCorrelation(Feature.BYTES_OUT, smooth)).isCloseTo(0.98, within(1e-9));
        assertThat(RisingRuns.lagOneCorrelation(Feature.BYTES_OUT, anticorrelated)).isZero();
        assertThat(RisingRuns.sumVariance(3, 0.5)).isCloseTo(3 + 2 * (2 * 0.5 + 0.25), within(1e-12));
    }
}
