package io.shadow.model.detect;

import io.shadow.features.Buckets;
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
 * <p>The window holds the entity's last buckets <em>with activity</em> (a quiet spell adds nothing to
 * it), so the evidence's start time is that of the oldest bucket in it, kept in a ring of the last
 * {@code likelihoodWindow - 1} finished buckets' start times.
 *
 * <p>State: one likelihood per judged feature (a 30-float window and six numbers, 192 bytes in
 * object layout), one double per feature and the ring (29 ints, 136 bytes); a principal's six features
 * take about 1.4 KB.
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
    /** Start times of the entity's last finished buckets, in buckets since the epoch (a ring, oldest at next). */
    private final int[] finished = new int[STREAM.likelihoodWindow() - 1];
    private int finishedCount;
    private int nextFinished;

    FeatureBursts() {
        Arrays.fill(bucketDeviation, Double.NEGATIVE_INFINITY);
    }

    /**
     * What the likelihood stage found for one feature.
     *
     * @param since start (epoch second) of the oldest bucket in the window judged
     */
    record Burst(double z, int unusualBuckets, int window, long since) {
    }

    /**
     * Records the feature's deviation in the current bucket and judges the window ending with it;
     * null while the feature's likelihood has not seen {@code likelihoodWarmup} buckets.
     *
     * @param bucket start (epoch second) of the current bucket
     */
    Burst judge(Feature f, double deviation, long bucket) {
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
        verdict[i] = verdict(i, bucket);
        return verdict[i];
    }

    private Burst verdict(int i, long bucket) {
        double raw = raw(bucketDeviation[i]);
        double decades = Math.min(STREAM.scoreDecades(), likelihood[i].peek(raw, STREAM.likelihoodWarmup()));
        if (decades <= 0) {
            return null;
        }
        int unusual = likelihood[i].recentAboveZero() + (raw > 0 ? 1 : 0);
        return new Burst(NormalTail.zFromLogTail(-decades * LN_10), unusual, likelihood[i].window(),
                windowStart(i, bucket));
    }

    /**
     * Start of the oldest bucket in feature i's window: the window is the current bucket and the last
     * finished ones it holds, up to {@code likelihoodWindow - 1}. Finished buckets older than the ring
     * knows (state from a build before format 3) are taken as consecutive.
     */
    long windowStart(Feature f, long bucket) {
        return windowStart(f.ordinal(), bucket);
    }

    private long windowStart(int i, long bucket) {
        int k = likelihood[i] == null ? 0 : Math.min(likelihood[i].filled(), finished.length);
        if (k == 0) {
            return bucket;
        }
        if (k <= finishedCount) {
            return (long) finished[Math.floorMod(nextFinished - k, finished.length)] * Buckets.SECONDS;
        }
        long oldestKnown = finishedCount == 0 ? bucket
                : (long) finished[Math.floorMod(nextFinished - finishedCount, finished.length)] * Buckets.SECONDS;
        return oldestKnown - (long) (k - finishedCount) * Buckets.SECONDS;
    }

    /**
     * Learns the finished bucket: a judged feature without a value in it was not unusual (raw 0).
     *
     * @param bucket start (epoch second) of the bucket that finished
     */
    void finishBucket(long bucket) {
        remember((int) Math.floorDiv(bucket, Buckets.SECONDS));
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

    /** A finished bucket's start (in buckets since the epoch) joins the ring, the oldest leaving it. */
    private void remember(int start) {
        finished[nextFinished] = start;
        nextFinished = (nextFinished + 1) % finished.length;
        finishedCount = Math.min(finishedCount + 1, finished.length);
    }

    void write(DataOutput out) throws IOException {
        for (int i = 0; i < F; i++) {
            out.writeDouble(bucketDeviation[i]);
            out.writeBoolean(likelihood[i] != null);
            if (likelihood[i] != null) {
                likelihood[i].write(out);
            }
        }
        out.writeInt(finishedCount);
        for (int k = finishedCount; k > 0; k--) {
            out.writeInt(finished[Math.floorMod(nextFinished - k, finished.length)]);
        }
    }

    /**
     * Reads what {@link #write} wrote; {@code features[i]} is the file's i-th feature's ordinal now, or -1.
     * Format 2 had no ring of finished buckets: it starts empty.
     */
    static FeatureBursts read(DataInput in, int[] features, int version) throws IOException {
        FeatureBursts b = new FeatureBursts();
        for (int fileIndex : features) {
            double d = in.readDouble();
            AnomalyLikelihood l = in.readBoolean() ? AnomalyLikelihood.read(in) : null;
            if (fileIndex >= 0) {
                b.bucketDeviation[fileIndex] = d;
                b.likelihood[fileIndex] = l;
            }
        }
        if (version >= 3) {
            int n = in.readInt();
            if (n < 0 || n > 100_000) {
                throw new IOException("corrupt detector state: " + n + " finished buckets");
            }
            for (int k = 0; k < n; k++) {
                b.remember(in.readInt());
            }
        }
        return b;
    }
}
