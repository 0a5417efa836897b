package io.shadow.model.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DetectorConfigTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        assertThat(DetectorConfig.defaults()).isEqualTo(new DetectorConfig(5.0, 24, 48, 1.25, 1800, 4.0));
    }

    @Test
    void thresholdMustBePositive() {
        assertThatThrownBy(() -> new DetectorConfig(0, 24, 48, 1.25, 1800, 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid detector.threshold = 0.0; expected a positive number of spreads, e.g. 5");
        assertThatThrownBy(() -> new DetectorConfig(Double.NaN, 24, 48, 1.25, 1800, 4))
                .hasMessage("invalid detector.threshold = NaN; expected a positive number of spreads, e.g. 5");
    }

    @Test
    void priorsMustNotBeNegative() {
        assertThatThrownBy(() -> new DetectorConfig(5, -1, 48, 1.25, 1800, 4))
                .hasMessage("invalid detector.hour-prior = -1.0; expected zero or more buckets");
        assertThatThrownBy(() -> new DetectorConfig(5, 24, -48, 1.25, 1800, 4))
                .hasMessage("invalid detector.population-prior = -48.0; expected zero or more buckets");
    }

    @Test
    void realertFactorMustBeAtLeastOne() {
        assertThatThrownBy(() -> new DetectorConfig(5, 24, 48, 0.9, 1800, 4))
                .hasMessage("invalid detector.realert-factor = 0.9; expected 1 or more");
    }

    @Test
    void quietSecondsMustNotBeNegative() {
        assertThatThrownBy(() -> new DetectorConfig(5, 24, 48, 1.25, -1, 4))
                .hasMessage("invalid detector.quiet-seconds = -1; expected zero or more seconds");
    }

    @Test
    void sustainedAllowanceMustBePositiveAndAtMostTheThreshold() {
        assertThatThrownBy(() -> new DetectorConfig(5, 24, 48, 1.25, 1800, 6))
                .hasMessage("invalid detector.sustained-allowance = 6.0; expected a positive number of spreads, at "
                        + "most the threshold");
        assertThatThrownBy(() -> new DetectorConfig(5, 24, 48, 1.25, 1800, 0))
                .hasMessageStartingWith("invalid detector.sustained-allowance = 0.0;");
    }

    @Test
    void noveltyHalfLifeMustNotBeNegativeAndKeepsItsValueAcrossThresholds() {
        assertThatThrownBy(() -> new DetectorConfig(5, 24, 48, 1.25, 1800, 4, -1))
                .hasMessage("invalid detector.novelty-half-life-seconds = -1; expected zero or more seconds, e.g. 3600");
        assertThat(DetectorConfig.defaults().noveltyHalfLifeSeconds()).isEqualTo(3600);
        assertThat(new DetectorConfig(5, 24, 48, 1.25, 1800, 4, 0).withThreshold(4).noveltyHalfLifeSeconds()).isZero();
    }

    @Test
    void withThresholdScalesTheAllowanceAlong() {
        DetectorConfig stricter = DetectorConfig.defaults().withThreshold(8);

        assertThat(stricter.threshold()).isEqualTo(8);
        assertThat(stricter.sustainedAllowance()).isCloseTo(6.4, within(1e-12));
        assertThat(stricter.realertFactor()).isEqualTo(1.25);
        assertThat(DetectorConfig.defaults().withThreshold(2).sustainedAllowance()).isCloseTo(1.6, within(1e-12));
    }

    @Test
    void withThresholdValidatesToo() {
        assertThatThrownBy(() -> DetectorConfig.defaults().withThreshold(-1))
                .hasMessage("invalid detector.threshold = -1.0; expected a positive number of spreads, e.g. 5");
    }
}
