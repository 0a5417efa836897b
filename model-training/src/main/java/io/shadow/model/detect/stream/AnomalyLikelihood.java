package io.shadow.model.detect.stream;

/**
 * Numenta's anomaly likelihood, streaming: the mean of the last W raw scores (in [0, 1]) against a
 * Gaussian fitted to such means over a long memory; a burst of moderately unusual rows stands out
 * where no single row does. As in Numenta's implementation, the Gaussian's mean is at least 0.03
 * and its variance at least 0.0003, so a series that is almost always predictable does not turn
 * every blip into certainty. Returns decades (-log10 of the upper tail).
 */
final class AnomalyLikelihood {
    private static final double MIN_MEAN = 0.03;
    private static final double MIN_VARIANCE = 0.0003;
    private final float[] recent;
    private int next;
    private int filled;
    private double sum;
    private double mean;
    private double variance;
    private long count;

    AnomalyLikelihood(int window) {
        recent = new float[window];
    }

    double observe(double raw, double memory, int warmup) {
        sum += raw - recent[next];
        recent[next] = (float) raw;
        next = (next + 1) % recent.length;
        filled = Math.min(filled + 1, recent.length);
        double average = sum / filled;
        double decades = 0;
        if (count >= warmup) {
            double z = (average - Math.max(mean, MIN_MEAN)) / Math.sqrt(Math.max(variance, MIN_VARIANCE));
            decades = z <= 0 ? 0 : -Math.log10(Math.max(1e-300, NormalTail.upper(z)));
        }
        count++;
        double a = Math.max(1.0 / count, 1.0 / memory);
        double d = average - mean;
        mean += a * d;
        variance = (1 - a) * (variance + a * d * d);
        return decades;
    }
}
