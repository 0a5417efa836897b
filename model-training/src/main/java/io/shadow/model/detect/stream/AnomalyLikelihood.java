package io.shadow.model.detect.stream;

/**
 * Numenta's anomaly likelihood, streaming: the mean of the last W raw scores (in [0, 1]) against a
 * Gaussian fitted to such means over a long memory; a burst of moderately unusual rows stands out
 * where no single row does. As in Numenta's implementation, the Gaussian's mean is at least 0.03
 * and its variance at least 0.0003, so a series that is almost always predictable does not turn
 * every blip into certainty. Returns decades (-log10 of the upper tail).
 *
 * <p>Shared with the entity detector, which runs one per feature over five-minute buckets.
 */
public final class AnomalyLikelihood {
    private static final double MIN_MEAN = 0.03;
    private static final double MIN_VARIANCE = 0.0003;
    private final float[] recent;
    private int next;
    private int filled;
    private double sum;
    private double mean;
    private double variance;
    private long count;

    public AnomalyLikelihood(int window) {
        recent = new float[window];
    }

    /** Decades for {@code raw} as the newest score, then {@code raw} joins the window and the Gaussian. */
    public double observe(double raw, double memory, int warmup) {
        // the window keeps floats: add what is kept, so the running sum never drifts from the window's
        float kept = (float) raw;
        sum += kept - recent[next];
        recent[next] = kept;
        next = (next + 1) % recent.length;
        filled = Math.min(filled + 1, recent.length);
        double average = sum / filled;
        double decades = count >= warmup ? decades(average, mean, variance) : 0;
        count++;
        double a = Math.max(1.0 / count, 1.0 / memory);
        double d = average - mean;
        mean += a * d;
        variance = (1 - a) * (variance + a * d * d);
        return decades;
    }

    /**
     * Decades {@link #observe} would return for {@code raw}, without learning it: the judgement of a
     * period still in progress (the entity detector's current bucket).
     */
    public double peek(double raw, int warmup) {
        if (count < warmup) {
            return 0;
        }
        int n = Math.min(filled + 1, recent.length);
        double s = sum + (float) raw - (filled == recent.length ? recent[next] : 0);
        return decades(s / n, mean, variance);
    }

    /**
     * Decades of an average of raw scores above a Gaussian of such averages, with Numenta's floors
     * (shared with {@link MeanShift}'s likelihood).
     */
    static double decades(double average, double mean, double variance) {
        double z = (average - Math.max(mean, MIN_MEAN)) / Math.sqrt(Math.max(variance, MIN_VARIANCE));
        return z <= 0 ? 0 : -Math.log10(Math.max(1e-300, NormalTail.upper(z)));
    }

    /** How many of the last {@code window - 1} scores were above 0 (for explanations). */
    public int recentAboveZero() {
        // every score but the oldest (at next), in two runs rather than a division per score: the entity
        // detector asks on most events of a feature above its usual
        int n = 0;
        for (int k = next + 1; k < recent.length; k++) {
            n += recent[k] > 0 ? 1 : 0;
        }
        for (int k = 0; k < next; k++) {
            n += recent[k] > 0 ? 1 : 0;
        }
        return n;
    }

    public int window() {
        return recent.length;
    }

    /** How many raw scores the window holds (up to {@link #window()}). */
    public int filled() {
        return filled;
    }

    public void write(java.io.DataOutput out) throws java.io.IOException {
        out.writeInt(recent.length);
        for (float r : recent) {
            out.writeFloat(r);
        }
        out.writeInt(next);
        out.writeInt(filled);
        out.writeDouble(sum);
        out.writeDouble(mean);
        out.writeDouble(variance);
        out.writeLong(count);
    }

    public static AnomalyLikelihood read(java.io.DataInput in) throws java.io.IOException {
        int window = in.readInt();
        if (window < 1 || window > 100_000) {
            throw new java.io.IOException("corrupt detector state: likelihood window of " + window + " rows");
        }
        AnomalyLikelihood l = new AnomalyLikelihood(window);
        for (int k = 0; k < window; k++) {
            l.recent[k] = in.readFloat();
        }
        l.next = Math.floorMod(in.readInt(), window);
        l.filled = Math.max(0, Math.min(window, in.readInt()));
        l.sum = in.readDouble();
        l.mean = in.readDouble();
        l.variance = in.readDouble();
        l.count = in.readLong();
        return l;
    }
}
