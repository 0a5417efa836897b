package io.shadow.model.detect.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RarityTest {

    @Test
    void aHistogramCutToSixteenBinsJudgesDeviationsBelowItsLastEdgeAsTheFullOne() {
        // the coarser scale keeps 16 bins (edges up to 16 spreads) to fit the 2 KB budget
        Rarity full = new Rarity();
        Rarity cut = new Rarity(16);
        Random r = new Random(1);
        for (int i = 0; i < 5000; i++) {
            double z = Math.abs(r.nextGaussian()) * 3;
            double edge = Rarity.lowerEdge(15);
            double a = full.observe(Math.min(z, edge - 1e-9), 50, 5000);
            double b = cut.observe(Math.min(z, edge - 1e-9), 50, 5000);
            assertThat(b).as("row %d, z %.3f", i, z).isCloseTo(a, org.assertj.core.data.Offset.offset(1e-9));
        }
        // beyond the last edge the cut histogram still calls a deviation rarer the larger it is
        assertThat(cut.observe(40, 50, 5000)).isGreaterThan(3);
    }

    @Test
    void aHistogramNeedsTwoToThirtyTwoBins() {
        assertThatThrownBy(() -> new Rarity(1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a rarity histogram has 2 to 32 bins, not 1");
    }
}
