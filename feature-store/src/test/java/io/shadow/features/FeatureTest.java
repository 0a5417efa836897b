package io.shadow.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class FeatureTest {

    @Test
    void volumesAreComparedOnALogScale() {
        assertThat(Feature.BYTES_OUT.scale()).isEqualTo(Feature.Scale.LOG);
        assertThat(Feature.BYTES_OUT.toScale(1_000)).isCloseTo(Math.log(1_001), within(1e-12));
        // ten times the volume is the same step whatever the usual volume
        assertThat(Feature.NET_OUT.toScale(10e9) - Feature.NET_OUT.toScale(1e9))
                .isCloseTo(Feature.NET_OUT.toScale(10e3) - Feature.NET_OUT.toScale(1e3), within(1e-3));
    }

    @Test
    void anIdleBucketHasNoValueOnALogScale() {
        assertThat(Feature.BYTES_OUT.toScale(0)).isNaN();
        assertThat(Feature.BYTES_IN.toScale(-1)).isNaN();
    }

    @Test
    void countsAndPercentagesAreKeptAsTheyAre() {
        assertThat(Feature.DELETES.toScale(0)).isZero();
        assertThat(Feature.DELETES.toScale(40)).isEqualTo(40);
        assertThat(Feature.CPU_PCT.toScale(0)).isZero();
        assertThat(Feature.CPU_PCT.fromScale(97.5)).isEqualTo(97.5);
    }

    @Test
    void fromScaleUndoesToScale() {
        for (double v : new double[] {1, 300, 2.5e6, 4e12}) {
            assertThat(Feature.BYTES_OUT.fromScale(Feature.BYTES_OUT.toScale(v))).isCloseTo(v, within(v * 1e-12));
        }
        assertThat(Feature.NET_OUT.fromScale(0)).isZero();
    }

    @Test
    void wireNamesRoundTrip() {
        for (Feature f : Feature.values()) {
            assertThat(Feature.fromWire(f.wireName())).isEqualTo(f);
        }
        assertThat(Feature.PRIVILEGED_OPS.wireName()).isEqualTo("privileged_ops");
    }
}
