package io.shadow.model.detect;

import io.shadow.features.Feature;
import io.shadow.model.detect.stream.NormalTail;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * The density check on an entity's multi-feature vector: how usual the current combination of its
 * features is, given how they have moved together in its past buckets. Each feature enters as its
 * deviation from the baseline (in spreads of its hour); the entity learns, online, the mean and
 * covariance of those deviation vectors over its finished buckets (exponentially weighted, about a
 * week of active buckets, outlying buckets down-weighted so an attack does not become normal).
 *
 * <p>The score is the part of the vector's Mahalanobis distance that its most deviant feature does
 * not explain: {@code d²(all) = d²(most deviant) + d²(the others | the most deviant)}, and the
 * second term, a χ² with k − 1 degrees of freedom for usual buckets, is turned into a tail and then
 * into spreads on the same normal scale as every other check. One feature far out is the
 * per-feature check's news, not this one's; features that rise together as usual score nothing;
 * features each within their range whose combination breaks the entity's usual correlation do.
 *
 * <p>Buckets are judged when they are finished (a bucket still filling has partial sums and
 * one-sample means, noisier than the finished buckets the covariance knows), so the news comes with
 * the entity's first event after the bucket, up to five minutes late.
 *
 * <p>The χ² tail is trusted unless the entity's own finished buckets show such distances more often
 * (a decaying histogram of them, kept from its 36th bucket): an entity whose mix is often odd is
 * judged by its own history, as the stream detector judges a heavy-tailed series.
 *
 * <p>State: F means, F(F+1)/2 covariances, F current deviations and two counts (F = {@link Feature}
 * count, 10) and a 32-float histogram: 840 bytes in object layout (headers and padding included),
 * allocated on an entity's first judged bucket.
 */
final class FeatureCombination {
    private static final Feature[] FEATURES = Feature.values();
    static final int F = FEATURES.length;
    /** Deviations are clipped here before they are learned or judged: one huge value stays one feature's news. */
    static final double CLIP = 8;
    /** Active buckets the mean and covariance remember (a week of five-minute buckets). */
    static final double MEMORY = 2016;
    /**
     * Finished buckets the entity must have shown before its combinations are judged: a day of
     * activity, so the first working hour after a quiet night is not an unseen combination.
     */
    static final double MIN_BUCKETS = 288;
    /** Pseudo-buckets of "no correlation" the learned correlations are shrunk towards. */
    static final double SHRINK = 50;
    /** Buckets after which the entity's own history of combination distances starts being kept. */
    static final double HISTORY_FROM = 36;
    /** Pseudo-buckets of the χ² tail the history of distances starts from (the stream detector's rarity prior). */
    static final double HISTORY_PRIOR = 50;
    private static final int HISTORY_BINS = 32;
    private static final double HISTORY_BIN_WIDTH = 0.5;
    /** Smallest variance of a deviation (in spreads²): a feature that never moved does not make any move infinite. */
    static final double VARIANCE_FLOOR = 0.1;

    private final double[] mean = new double[F];
    private final double[] cov = new double[F * (F + 1) / 2];
    private final double[] current = new double[F];
    private double buckets;
    /** Decaying histogram of finished buckets' combination distances (spreads, 0.5 wide bins). */
    private final float[] history = new float[HISTORY_BINS];
    private double historyTotal;

    FeatureCombination() {
        Arrays.fill(current, Double.NaN);
    }

    /** What the combination check found for the current bucket. */
    record Judgement(double z, Feature driver, Feature broken, double driverDeviation, double brokenDeviation,
            double correlation, int features) {
    }

    /** Records feature {@code f}'s deviation (spreads from its baseline) in the current bucket. */
    void observe(Feature f, double deviation) {
        if (Double.isFinite(deviation)) {
            current[f.ordinal()] = Math.max(-CLIP, Math.min(CLIP, deviation));
        }
    }

    double buckets() {
        return buckets;
    }

    /**
     * The χ² tail of a distance, unless the entity's own finished buckets show such distances more
     * often: then their rate (with {@link #HISTORY_PRIOR} pseudo-buckets of the χ² tail), so an entity
     * whose mix is often odd is not flagged for being itself (the stream detector's rarity principle).
     */
    private double calibrated(double z) {
        if (!(z > 0)) {
            return z;
        }
        double model = NormalTail.upper(z);
        int b = historyBin(z);
        double above = history[b] * Math.max(0, Math.min(1, ((b + 1) * HISTORY_BIN_WIDTH - z) / HISTORY_BIN_WIDTH));
        for (int k = b + 1; k < HISTORY_BINS; k++) {
            above += history[k];
        }
        double own = (above + HISTORY_PRIOR * model) / (historyTotal + HISTORY_PRIOR);
        return own > model ? NormalTail.zFromLogTail(Math.log(own)) : z;
    }

    private static int historyBin(double z) {
        return (int) Math.max(0, Math.min(HISTORY_BINS - 1, Math.floor(z / HISTORY_BIN_WIDTH)));
    }

    /** The current bucket's values by the χ² tail alone; null when fewer than two features are known. */
    Judgement judgeCurrent() {
        Scratch w = SCRATCH.get();
        int[] dims = w.dims;
        double[] x = w.x;
        int k = 0;
        for (int i = 0; i < F; i++) {
            if (Double.isNaN(current[i]) || cov[index(i, i)] <= 0) {
                continue;
            }
            dims[k] = i;
            x[k] = current[i] - mean[i];
            k++;
        }
        if (k < 2) {
            return null;
        }
        double[] s = regularised(dims, k, w.s);
        double full = mahalanobis(s, x, k, w);
        w.judgedDims = mask(dims, k);
        w.judgedDistance = full;
        int driver = 0;
        double driverTerm = -1;
        for (int a = 0; a < k; a++) {
            double term = x[a] * x[a] / s[a * k + a];
            if (term > driverTerm) {
                driverTerm = term;
                driver = a;
            }
        }
        double conditional = Math.max(0, full - driverTerm);
        double z = chiSquareZ(conditional, k - 1);
        // the feature furthest from what the driver's value predicts, for the explanation
        int broken = driver == 0 ? 1 : 0;
        double worst = -1;
        for (int a = 0; a < k; a++) {
            if (a == driver) {
                continue;
            }
            double beta = s[a * k + driver] / s[driver * k + driver];
            double rest = s[a * k + a] - beta * s[a * k + driver];
            double r = Math.abs(x[a] - beta * x[driver]) / Math.sqrt(Math.max(rest, 1e-9));
            if (r > worst) {
                worst = r;
                broken = a;
            }
        }
        double rho = s[broken * k + driver] / Math.sqrt(s[broken * k + broken] * s[driver * k + driver]);
        return new Judgement(z, FEATURES[dims[driver]], FEATURES[dims[broken]], x[driver] + mean[dims[driver]],
                x[broken] + mean[dims[broken]], rho, k);
    }

    /**
     * Judges the finished bucket (null until the entity has {@link #MIN_BUCKETS} buckets of history
     * or when fewer than two of its features are known), then adds its distance to the history,
     * learns its vector (unknown features at their mean) and starts a new bucket.
     */
    Judgement finishBucket() {
        Judgement verdict = null;
        SCRATCH.get().judgedDims = 0;
        if (buckets >= HISTORY_FROM) {
            Judgement finished = judgeCurrent();
            if (finished != null && buckets >= MIN_BUCKETS) {
                verdict = new Judgement(calibrated(finished.z()), finished.driver(), finished.broken(),
                        finished.driverDeviation(), finished.brokenDeviation(), finished.correlation(),
                        finished.features());
            }
            if (finished != null) {
                float keep = (float) (1 - 1 / MEMORY);
                for (int k = 0; k < HISTORY_BINS; k++) {
                    history[k] *= keep;
                }
                history[historyBin(finished.z())] += 1;
                historyTotal = historyTotal * keep + 1;
            }
        }
        int known = 0;
        double[] x = SCRATCH.get().vector;
        Arrays.fill(x, 0);
        for (int i = 0; i < F; i++) {
            if (!Double.isNaN(current[i])) {
                known++;
                x[i] = current[i] - mean[i];
            }
        }
        if (known > 0) {
            learn(x);
        }
        Arrays.fill(current, Double.NaN);
        return verdict;
    }

    private void learn(double[] x) {
        double weight = 1;
        if (buckets >= MIN_BUCKETS) {
            Scratch w = SCRATCH.get();
            int[] dims = w.dims;
            double[] y = w.x;
            int k = 0;
            for (int i = 0; i < F; i++) {
                if (cov[index(i, i)] > 0 || x[i] != 0) {
                    dims[k] = i;
                    y[k++] = x[i];
                }
            }
            if (k > 0) {
                // Huber-like: a bucket beyond the usual bulk (about the 99.9th percentile of χ²_k) counts less.
                // The bucket was just judged over the same features (its known ones are those with a variance,
                // the usual case) and so the same vector and matrix: that distance is this one
                double d2 = mask(dims, k) == w.judgedDims ? w.judgedDistance
                        : mahalanobis(regularised(dims, k, w.s), y, k, w);
                double bulk = k + 4 * Math.sqrt(2.0 * k);
                weight = d2 > bulk ? bulk / d2 : 1;
            }
        }
        buckets += weight;
        double a = weight * Math.max(1.0 / buckets, 1.0 / MEMORY);
        for (int i = 0; i < F; i++) {
            mean[i] += a * x[i];
        }
        for (int i = 0; i < F; i++) {
            for (int j = 0; j <= i; j++) {
                int ix = index(i, j);
                // x is relative to the old mean: this is the usual exponentially weighted covariance update
                cov[ix] = (1 - a) * (cov[ix] + a * x[i] * x[j]);
            }
        }
    }

    /**
     * Into {@code s} (row-major, k × k): the covariance of the chosen features, correlations shrunk
     * towards 0 while young, variances floored.
     */
    private double[] regularised(int[] dims, int k, double[] s) {
        double keep = buckets / (buckets + SHRINK);
        for (int a = 0; a < k; a++) {
            s[a * k + a] = Math.max(cov[index(dims[a], dims[a])], VARIANCE_FLOOR);
        }
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < a; b++) {
                double c = keep * cov[index(dims[a], dims[b])];
                // keep the matrix positive definite: |correlation| below 0.99
                double bound = 0.99 * Math.sqrt(s[a * k + a] * s[b * k + b]);
                c = Math.max(-bound, Math.min(bound, c));
                s[a * k + b] = c;
                s[b * k + a] = c;
            }
        }
        return s;
    }

    /** xᵀ S⁻¹ x by Cholesky (S positive definite; k ≤ F). */
    static double mahalanobis(double[][] s, double[] x, int k) {
        double[] flat = new double[k * k];
        for (int i = 0; i < k; i++) {
            System.arraycopy(s[i], 0, flat, i * k, k);
        }
        return mahalanobis(flat, x, k, new Scratch());
    }

    /** As above with S row-major in {@code s}, working in {@code w}'s arrays. */
    private static double mahalanobis(double[] s, double[] x, int k, Scratch w) {
        double[] l = w.l;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = s[i * k + j];
                for (int m = 0; m < j; m++) {
                    sum -= l[i * k + m] * l[j * k + m];
                }
                if (i == j) {
                    l[i * k + i] = Math.sqrt(Math.max(sum, 1e-12));
                } else {
                    l[i * k + j] = sum / l[j * k + j];
                }
            }
        }
        double d2 = 0;
        double[] y = w.y;
        for (int i = 0; i < k; i++) {
            double sum = x[i];
            for (int m = 0; m < i; m++) {
                sum -= l[i * k + m] * y[m];
            }
            y[i] = sum / l[i * k + i];
            d2 += y[i] * y[i];
        }
        return d2;
    }

    /**
     * Each thread's working arrays for judging and learning (every entity rolls its bucket on most
     * events, and these would otherwise be a dozen small allocations each time). Entities are locked
     * while they use them, and none of these methods calls another entity's.
     */
    private static final class Scratch {
        final int[] dims = new int[F];
        /** The chosen features' deviations from the mean (judging), or the bucket's (learning). */
        final double[] x = new double[F];
        /** The finished bucket's vector, unknown features at their mean. */
        final double[] vector = new double[F];
        final double[] s = new double[F * F];
        final double[] l = new double[F * F];
        final double[] y = new double[F];
        /**
         * The features (as bits; 0: none) and distance of the bucket {@link #finishBucket} judged last, for
         * its learning step.
         */
        int judgedDims;
        double judgedDistance;
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /**
     * Spreads on the normal scale with the same upper tail as q under χ²_ν: exact for 1 and 2
     * degrees of freedom (the usual case: a principal's or host's few active features), the
     * Wilson–Hilferty cube-root approximation above.
     */
    static double chiSquareZ(double q, int nu) {
        if (q <= 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (nu == 1) {
            // P(χ²₁ > q) = 2 P(Z > √q); in logs, so far tails do not underflow
            return NormalTail.zFromLogTail(Math.log(2) + Math.log(Math.max(NormalTail.upper(Math.sqrt(q)), 1e-300)));
        }
        if (nu == 2) {
            return NormalTail.zFromLogTail(-q / 2);
        }
        double v = 2.0 / (9.0 * nu);
        return (Math.cbrt(q / nu) - (1 - v)) / Math.sqrt(v);
    }

    /** The features {@code dims[0..k)} as bits. */
    private static int mask(int[] dims, int k) {
        int bits = 0;
        for (int a = 0; a < k; a++) {
            bits |= 1 << dims[a];
        }
        return bits;
    }

    private static int index(int i, int j) {
        return i >= j ? i * (i + 1) / 2 + j : j * (j + 1) / 2 + i;
    }

    void write(DataOutput out) throws IOException {
        out.writeDouble(buckets);
        for (int i = 0; i < F; i++) {
            out.writeDouble(mean[i]);
            out.writeDouble(current[i]);
        }
        for (int i = 0; i < F; i++) {
            for (int j = 0; j <= i; j++) {
                out.writeDouble(cov[index(i, j)]);
            }
        }
        out.writeDouble(historyTotal);
        for (float h : history) {
            out.writeFloat(h);
        }
    }

    /**
     * Reads what {@link #write} wrote, possibly with other features: {@code features[i]} is the
     * current ordinal of the file's i-th feature, or -1 when it no longer exists.
     */
    static FeatureCombination read(DataInput in, int[] features) throws IOException {
        FeatureCombination c = new FeatureCombination();
        c.buckets = in.readDouble();
        for (int fileIndex : features) {
            double m = in.readDouble();
            double cur = in.readDouble();
            if (fileIndex >= 0) {
                c.mean[fileIndex] = m;
                c.current[fileIndex] = cur;
            }
        }
        for (int i = 0; i < features.length; i++) {
            for (int j = 0; j <= i; j++) {
                double v = in.readDouble();
                if (features[i] >= 0 && features[j] >= 0) {
                    c.cov[index(features[i], features[j])] = v;
                }
            }
        }
        c.historyTotal = in.readDouble();
        for (int k = 0; k < HISTORY_BINS; k++) {
            c.history[k] = in.readFloat();
        }
        return c;
    }
}
