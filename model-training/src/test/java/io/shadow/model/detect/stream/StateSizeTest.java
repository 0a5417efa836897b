package io.shadow.model.detect.stream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The layout model on objects whose HotSpot size is known by hand (64-bit, compressed pointers). */
class StateSizeTest {

    @Test
    void anObjectIsItsHeaderAndFieldsPaddedToEight() {
        // 12-byte header + double 8 + int 4 = 24
        assertThat(StateSize.of(new RobustScale())).isEqualTo(24);
    }

    @Test
    void arraysCountTheirHeaderAndElements() {
        // SeasonalProfile: header 12 + 2 references 8 = 20 -> 24; float[24]: 16 + 96 = 112; byte[24]: 16 + 24 = 40
        assertThat(StateSize.of(new SeasonalProfile(24))).isEqualTo(24 + 112 + 40);
    }

    @Test
    void theSharedConfigurationIsNotChargedToEachDetector() {
        StreamConfig cfg = StreamConfig.defaults();
        long one = StateSize.of(new StreamDetector(cfg));
        assertThat(one).isLessThan(StateSize.of(new Object[] {new StreamDetector(cfg), cfg}));
        assertThat(StateSize.of(new Object[] {new StreamDetector(cfg), new StreamDetector(cfg)}))
                .isEqualTo(16 + 8 + 2 * one);
    }
}
