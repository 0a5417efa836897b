package io.shadow.model.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The per-thread memo of {@link CountTail} returns exactly what the computation does, hits and misses alike. */
class CountTailMemoTest {
    @Test
    void memoisedTailsAndBoundsEqualTheComputedOnes() {
        Random r = new Random(5);
        for (int i = 0; i < 20_000; i++) {
            double mean = r.nextInt(4) == 0 ? 0.01 + r.nextDouble() : r.nextDouble() * 60;
            double variance = mean * (r.nextBoolean() ? 1 : 1 + r.nextDouble() * 5);
            double x = Math.floor(mean + r.nextDouble() * 40);
            double expected = CountTail.computeLnUpperTail(x, mean, variance);
            assertThat(CountTail.lnUpperTail(x, mean, variance)).isEqualTo(expected);
            assertThat(CountTail.lnUpperTail(x, mean, variance)).as("again, from the memo").isEqualTo(expected);
            if (i % 20 == 0) {
                int bound = CountTail.computeUpperBound(mean, variance, Math.log(0.0013499));
                assertThat(CountTail.upperBound(mean, variance, Math.log(0.0013499))).isEqualTo(bound);
                assertThat(CountTail.upperBound(mean, variance, Math.log(0.0013499))).isEqualTo(bound);
            }
        }
    }
}
