package io.shadow.model.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.shadow.model.detect.stream.NormalTail;
import org.junit.jupiter.api.Test;

/**
 * The entity detector (z-scores in spreads) and the stream detector (decades of a tail
 * probability) convert between the two with the same normal-tail math, so a stream score can be
 * read in the entity detector's spreads and back without drift.
 */
class SharedTailParityTest {

    @Test
    void aTailFromTheStreamSideMapsBackToTheSameSpreadsOnTheEntitySide() {
        for (double z = -3; z <= 35; z += 0.25) {
            double lnTail = Math.log(NormalTail.upper(z));
            assertThat(NoveltyScoring.zFromLogTail(lnTail)).as("z = %s", z)
                    .isCloseTo(z, within(2e-5 * Math.max(1, Math.abs(z))));
        }
    }

    @Test
    void theTwoDetectorsThresholdsReadOnOneScale() {
        // the entity detector alerts at 5 spreads: about 6.5 decades of improbability
        double decades = -Math.log10(NormalTail.upper(DetectorConfig.defaults().threshold()));
        assertThat(decades).isCloseTo(6.54, within(0.01));
        // a stream score of 0.5 (5 of its 10 decades) is 4.26 spreads on the entity detector's scale
        assertThat(NoveltyScoring.zFromLogTail(-5 * Math.log(10))).isCloseTo(4.265, within(0.001));
    }

    @Test
    void countTailsGoThroughTheSharedConversion() {
        // six privileged operations where 0.1 are usual: the z the entity detector reports is the shared one
        double lnTail = CountTail.lnUpperTail(6, 0.1, 0.1);
        assertThat(NoveltyScoring.zFromLogTail(lnTail)).isEqualTo(NormalTail.zFromLogTail(lnTail));
        assertThat(-Math.log10(NormalTail.upper(NormalTail.zFromLogTail(lnTail))))
                .isCloseTo(-lnTail / Math.log(10), within(1e-4));
    }
}
