package io.shadow.model.detect;

import io.shadow.features.Feature;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * A feature's growth over consecutive buckets, judged as one piece of evidence: a run of adjacent
 * buckets, each above its expected level and above the one before, has its level deviations summed
 * (Stouffer) and divided by the spread such a sum has for this entity. A volume that grows bucket
 * after bucket thus becomes news while each bucket alone is still within the entity's wide normal
 * range, and before any single change stands out from its usual bucket-to-bucket noise.
 *
 * <p>Why the sum is fair: buckets that usually move together carry less evidence together than
 * apart, so the spread assumes the entity's lag-one correlation {@code rho} decaying geometrically
 * (an AR(1) sum: {@code n + 2 Σ (n - k) rho^k}), with {@code rho} read from the entity's own baseline:
 * changes spread {@code sqrt(2 (1 - rho))} times as much as levels ({@link #lagOneCorrelation}). An
 * entity whose buckets are independent (a person's few calls a bucket) gets Stouffer's {@code sqrt n};
 * one whose volume drifts smoothly (a host's load, a batch) gets hardly more than one bucket's
 * evidence from the whole run. And for independent buckets the run's order costs nothing: {@code n}
 * buckets rise in a row with chance {@code 1/n!} whatever their values, so every run length together
 * adds at most {@code (e - 2) ≈ 0.72} times the single-bucket check's false alarms at the same threshold.
 * Each run ending with the current bucket is judged from its strongest start (a first bucket barely above
 * normal, where a ramp took off, would only dilute it); every start is one more run length tested, which
 * that bound already counts. A plateau, however high, is not a run (the sustained-deviation sum judges
 * plateaus).
 *
 * <p>State: per feature, the level deviations of the run's last {@link #MAX_RUN} finished buckets and the
 * current bucket's so far; about 0.3 KB per entity.
 */
final class RisingRuns {
    private static final int F = Feature.values().length;
    /**
     * Finished buckets a run is judged over, besides the current one (half an hour in all): a longer run
     * keeps its newest. Six rising buckets a little over two spreads each already reach the threshold.
     */
    static final int MAX_RUN = 5;
    /** Largest lag-one correlation assumed; 1 would make every run one bucket's evidence. */
    private static final double MAX_RHO = 0.99;

    /** Level deviations of each feature's run's finished buckets, oldest first: feature i at i * MAX_RUN. */
    private final float[] run = new float[F * MAX_RUN];
    /** Finished buckets in each feature's run; 0 when none. */
    private final byte[] runLength = new byte[F];
    /** Level deviation of each feature in the current bucket so far, NaN when it has none. */
    private final float[] current = new float[F];

    RisingRuns() {
        Arrays.fill(current, Float.NaN);
    }

    /**
     * A run judged.
     *
     * @param z the run's deviation in spreads
     * @param buckets buckets in the run from its strongest start, the current one included
     * @param rho the lag-one correlation its spread assumed
     */
    record Run(double z, int buckets, double rho) {
    }

    /**
     * Records the feature's level deviation in the current bucket so far and judges the run it
     * extends; null when it extends none (no run before it, or not above the last bucket of it).
     */
    Run judge(Feature f, double levelDeviation, double rho) {
        int i = f.ordinal();
        current[i] = (float) levelDeviation;
        int finished = runLength[i];
        if (finished == 0 || !(levelDeviation > run[i * MAX_RUN + finished - 1])) {
            return null;
        }
        double sum = levelDeviation;
        double best = Double.NEGATIVE_INFINITY;
        int bestBuckets = 0;
        for (int m = 1; m <= finished; m++) {
            sum += run[i * MAX_RUN + finished - m];
            double z = sum / Math.sqrt(sumVariance(m + 1, rho));
            if (z > best) {
                best = z;
                bestBuckets = m + 1;
            }
        }
        return new Run(best, bestBuckets, rho);
    }

    /**
     * The current bucket finished: it extends its feature's run when it rose above the run's last
     * bucket, starts one when only above normal, and ends it otherwise.
     *
     * @param adjacent whether the next bucket directly follows it (a gap ends every run)
     */
    void finishBucket(boolean adjacent) {
        for (int i = 0; i < F; i++) {
            float z = current[i];
            current[i] = Float.NaN;
            int n = runLength[i];
            int at = i * MAX_RUN;
            if (!adjacent || !(z > 0)) {
                runLength[i] = 0;
            } else if (n > 0 && z > run[at + n - 1]) {
                if (n == MAX_RUN) {
                    System.arraycopy(run, at + 1, run, at, MAX_RUN - 1);
                    n--;
                }
                run[at + n] = z;
                runLength[i] = (byte) (n + 1);
            } else {
                run[at] = z;
                runLength[i] = 1;
            }
        }
    }

    /**
     * The lag-one correlation of an entity's buckets implied by its expectation: for a stationary
     * series, a change's variance is {@code 2 σ² (1 - rho)}. Counts take their variance as σ².
     * Clamped to [0, {@link #MAX_RHO}]: anticorrelation is not counted on.
     */
    static double lagOneCorrelation(Feature f, Expectation e) {
        double levelVariance = f.isCount() ? e.variance() : e.levelScale() * e.levelScale();
        if (!(levelVariance > 0)) {
            return MAX_RHO;
        }
        double rho = 1 - e.diffScale() * e.diffScale() / (2 * levelVariance);
        return Math.max(0, Math.min(MAX_RHO, rho));
    }

    /** Variance of the sum of {@code n} unit-variance buckets with correlation {@code rho^k} at lag k. */
    static double sumVariance(int n, double rho) {
        double v = n;
        double r = 1;
        for (int k = 1; k < n; k++) {
            r *= rho;
            v += 2 * (n - k) * r;
        }
        return v;
    }

    void write(DataOutput out) throws IOException {
        for (int i = 0; i < F; i++) {
            out.writeByte(runLength[i]);
            for (int k = 0; k < runLength[i]; k++) {
                out.writeFloat(run[i * MAX_RUN + k]);
            }
            out.writeFloat(current[i]);
        }
    }

    /**
     * Reads what {@link #write} wrote; {@code features[i]} is the file's i-th feature's ordinal now, or -1.
     * A run longer than this build keeps keeps its newest buckets.
     */
    static RisingRuns read(DataInput in, int[] features) throws IOException {
        RisingRuns r = new RisingRuns();
        float[] buckets = new float[Byte.MAX_VALUE];
        for (int fileIndex : features) {
            int length = in.readByte();
            if (length < 0) {
                throw new IOException("corrupt detector state: a rising run of " + length + " buckets");
            }
            for (int k = 0; k < length; k++) {
                buckets[k] = in.readFloat();
            }
            float current = in.readFloat();
            if (fileIndex >= 0) {
                int kept = Math.min(length, MAX_RUN);
                System.arraycopy(buckets, length - kept, r.run, fileIndex * MAX_RUN, kept);
                r.runLength[fileIndex] = (byte) kept;
                r.current[fileIndex] = current;
            }
        }
        return r;
    }
}
