package io.shadow.model.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.features.Feature;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Where a feature's likelihood window starts when the entity's buckets with activity are far apart. */
class FeatureBurstsTest {
    private static final long T0 = 1_762_646_400L; // 2025-11-09 00:00 UTC, a bucket start
    private static final long HOUR = 3600;
    private static final int[] SAME_FEATURES = identity();

    private static int[] identity() {
        int[] f = new int[Feature.values().length];
        Arrays.setAll(f, i -> i);
        return f;
    }

    /** One active bucket an hour, {@code hours} of them, each finished. */
    private static FeatureBursts hourly(int hours) {
        FeatureBursts b = new FeatureBursts();
        for (int k = 0; k < hours; k++) {
            b.judge(Feature.EVENTS, 0.5, T0 + k * HOUR);
            b.finishBucket(T0 + k * HOUR);
        }
        return b;
    }

    @Test
    void theWindowStartsAtTheOldestOfTheLast29FinishedBucketsWithActivity() {
        FeatureBursts b = hourly(40);

        // the current bucket (hour 40) and the 29 finished before it: hours 11..39
        assertThat(b.windowStart(Feature.EVENTS, T0 + 40 * HOUR)).isEqualTo(T0 + 11 * HOUR);
    }

    @Test
    void aYoungWindowStartsAtTheFeaturesFirstBucket() {
        FeatureBursts b = hourly(5);

        assertThat(b.windowStart(Feature.EVENTS, T0 + 5 * HOUR)).isEqualTo(T0);
        assertThat(new FeatureBursts().windowStart(Feature.EVENTS, T0)).isEqualTo(T0);
    }

    @Test
    void theRingSurvivesExportAndFormat2StateFallsBackToConsecutiveBuckets() throws IOException {
        FeatureBursts b = hourly(40);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        b.write(new DataOutputStream(bytes));
        byte[] v3 = bytes.toByteArray();

        FeatureBursts restored = FeatureBursts.read(new DataInputStream(new ByteArrayInputStream(v3)), SAME_FEATURES,
                3);
        assertThat(restored.windowStart(Feature.EVENTS, T0 + 40 * HOUR)).isEqualTo(T0 + 11 * HOUR);

        // format 2 ended before the ring (a count and 29 starts); its windows are taken as consecutive buckets
        byte[] v2 = Arrays.copyOf(v3, v3.length - 4 - 29 * 4);
        FeatureBursts old = FeatureBursts.read(new DataInputStream(new ByteArrayInputStream(v2)), SAME_FEATURES, 2);
        assertThat(old.windowStart(Feature.EVENTS, T0 + 40 * HOUR)).isEqualTo(T0 + 40 * HOUR - 29 * 300);
        // once it has finished buckets of its own, those are used
        old.finishBucket(T0 + 40 * HOUR);
        assertThat(old.windowStart(Feature.EVENTS, T0 + 41 * HOUR)).isEqualTo(T0 + 40 * HOUR - 28 * 300);
    }
}
