package io.shadow.spark.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class RobustSummaryTest {

    @Test
    void compactSortsAndMergesEqualValuesInDoubleCompareOrder() {
        Random rnd = new Random(7);
        for (int round = 0; round < 50; round++) {
            int n = rnd.nextInt(3_000);
            RobustSummary.Histogram h = new RobustSummary.Histogram(4);
            // Double.compare's order is a TreeMap's order of boxed doubles: -0.0 before 0.0, NaN last
            Map<Double, Long> expected = new TreeMap<>();
            double[] pool = {0.0, -0.0, Double.NaN, 1.5, -2.25, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
            for (int i = 0; i < n; i++) {
                double x = rnd.nextInt(4) == 0 ? pool[rnd.nextInt(pool.length)] : Math.round(rnd.nextGaussian() * 50) / 4.0;
                long c = 1 + rnd.nextInt(5);
                h.add(x, c);
                expected.merge(x, c, Long::sum);
            }
            h.compact();
            assertThat(h.size).isEqualTo(expected.size());
            int i = 0;
            for (var e : expected.entrySet()) {
                assertThat(Double.compare(h.values[i], e.getKey())).as("value %d of round %d", i, round).isZero();
                assertThat(h.counts[i]).isEqualTo(e.getValue());
                i++;
            }
        }
    }

    @Test
    void quantilesFollowTheRankRuleOverCounts() {
        // 0 ×6, 1 ×2, 10 ×2: median is rank ⌈0.5·10⌉ = 5 → 0; p95 rank 10 → 10; MAD of |x − 0| is 0
        RobustSummary.Histogram h = new RobustSummary.Histogram(4);
        h.add(10, 2);
        h.add(0, 4);
        h.add(1, 2);
        h.add(0, 2);
        RobustSummary s = h.summary();
        assertThat(s.median()).isZero();
        assertThat(s.samples()).isEqualTo(10);
        assertThat(s.mean()).isEqualTo(2.2);
        assertThat(s.scale()).isEqualTo(10 / RobustSummary.UPPER_TO_SIGMA);
    }

    @Test
    void robustSpreadEqualsTheMedianOfSortedAbsoluteDeviations() {
        Random rnd = new Random(11);
        for (int round = 0; round < 200; round++) {
            RobustSummary.Histogram h = new RobustSummary.Histogram(4);
            java.util.List<Double> all = new java.util.ArrayList<>();
            int n = 1 + rnd.nextInt(60);
            for (int i = 0; i < n; i++) {
                double x = rnd.nextInt(3) == 0 ? 0.0 : Math.round(rnd.nextGaussian() * 20) / 2.0;
                int c = 1 + rnd.nextInt(3);
                h.add(x, c);
                for (int k = 0; k < c; k++) {
                    all.add(x);
                }
            }
            RobustSummary s = h.summary();
            // the definition, computed the slow way: sort, median at rank ⌈n/2⌉, the same for |x − median|
            all.sort(null);
            int rank = (int) Math.ceil(0.5 * all.size());
            double median = all.get(rank - 1);
            double p95 = all.get((int) Math.ceil(0.95 * all.size()) - 1);
            java.util.List<Double> deviations = all.stream().map(x -> Math.abs(x - median)).sorted().toList();
            double mad = deviations.get(rank - 1);
            assertThat(s.median()).isEqualTo(median);
            assertThat(s.scale()).as("round %d: %s", round, all)
                    .isEqualTo(Math.max(mad * RobustSummary.MAD_TO_SIGMA, (p95 - median) / RobustSummary.UPPER_TO_SIGMA));
        }
    }
}
