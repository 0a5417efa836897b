package io.shadow.model.detect;

import io.shadow.features.Feature;
import io.shadow.model.detect.stream.AnomalyLikelihood;
import io.shadow.model.detect.stream.NormalTail;
import io.shadow.model.detect.stream.StreamConfig;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * The stream detector's anomaly-likelihood stage, run per feature of an entity over its
 * five-minute buckets (a NAB row and a bucket are both five minutes, so the stream detector's
 * settings apply as they are): each finished bucket's deviation becomes a raw score in [0, 1]
 * (its normal-tail improbability above {@code rawFloor} decades, reaching 1 at {@code rawSpan}
 * more), and the mean of the last {@code likelihoodWindow} raw scores is judged against a Gaussian
 * of such means. A feature moderately unusual bucket after bucket — never out of range on its
 * own, never above the sustained-deviation allowance — thus becomes news, in spreads on the same
 * normal scale as every other check. The current bucket is judged while it fills, with its
 * largest deviation so far, without being learned until it is finished.
 *
 * <p>State: one likelihood per judged feature (a 30-float window and six numbers, 192 bytes in
 * object layout) and one double per feature; a principal's six features take about 1.3 KB.
 */
final class FeatureBursts {
    private static final int F = Feature.values().length;
    private static final StreamConfig STREAM = StreamConfig.defaults();
    private static final double LN_10 = Math.log(10);

    private final AnomalyLikelihood[] likelihood = new AnomalyLikelihood[F];
    /** Largest deviation of each feature in the current bucket, -∞ when it has none. */
    private final double[] bucketDeviation = new double[F];
    /**
     * The verdict on the current bucket's largest deviation so far (derived, not written out): it
     * changes only when that deviation grows or the bucket finishes, so most events reuse it.
     */
    private final Burst[] verdict = new Burst[F];
    private final boolean[] judged = new boolean[F];

    FeatureBursts() {
        Arrays.fill(bucketDeviation, Double.NEGATIVE_INFINITY);
    }

    /** What the likelihood stage found for one feature. */
    record Burst(double z, int unusualBuckets, int window) {
    }

    /**
     * Records the feature's deviation in the current bucket and judges the window ending with it;
     * null while the feature's likelihood has not seen {@code likelihoodWarmup} buckets.
     */
    Burst judge(Feature f, double deviation) {
        int i = f.ordinal();
        if (likelihood[i] == null) {
            likelihood[i] = new AnomalyLikelihood(STREAM.likelihoodWindow());
        }
        if (deviation > bucketDeviation[i]) {
            bucketDeviation[i] = deviation;
        } else if (judged[i]) {
            return verdict[i];
        }
        judged[i] = true;
        verdict[i] = verdict(i);
        return verdict[i];
    }

    private Burst verdict(int i) {
        double raw = raw(bucketDeviation[i]);
        double decades = Math.min(STREAM.scoreDecades(), likelihood[i].peek(raw, STREAM.likelihoodWarmup()));
        if (decades <= 0) {
            return null;
        }
        int unusual = likelihood[i].recentAboveZero() + (raw > 0 ? 1 : 0);
        return new Burst(NormalTail.zFromLogTail(-decades * LN_10), unusual, likelihood[i].window());
    }

    /** Learns the finished bucket: a judged feature without a value in it was not unusual (raw 0). */
    void finishBucket() {
        for (int i = 0; i < F; i++) {
            if (likelihood[i] != null) {
                likelihood[i].observe(raw(bucketDeviation[i]), STREAM.likelihoodMemory(), STREAM.likelihoodWarmup());
            }
            bucketDeviation[i] = Double.NEGATIVE_INFINITY;
            judged[i] = false;
            verdict[i] = null;
        }
    }

    /** The stream detector's raw score of a deviation in spreads. */
    static double raw(double deviation) {
        if (!(deviation > 0)) {
            return 0;
        }
        double decades = -Math.log10(Math.max(NormalTail.upper(deviation), 1e-300));
        return Math.max(0, Math.min(1, (decades - STREAM.rawFloor()) / STREAM.rawSpan()));
    }

    void write(DataOutput out) throws IOException {
        for (int i = 0; i < F; i++) {
            out.writeDouble(bucketDeviation[i]);
            out.writeBoolean(likelihood[i] != null);
            if (likelihood[i] != null) {
                likelihood[i].write(out);
            }
        }
    }

    /** Reads what {@link #write} wrote; {@code features[i]} is the file's i-th feature's ordinal now, or -1. */
    static FeatureBursts read(DataInput in, int[] features) throws IOException {
        FeatureBursts b = new FeatureBursts();
        for (int fileIndex : features) {
            double d = in.readDouble();
            AnomalyLikelihood l = in.readBoolean() ? AnomalyLikelihood.read(in) : null;
            if (fileIndex >= 0) {
                b.bucketDeviation[fileIndex] = d;
                b.likelihood[fileIndex] = l;
            }
        }
        return b;
    }
}
