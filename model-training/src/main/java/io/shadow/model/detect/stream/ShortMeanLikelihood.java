package io.shadow.model.detect.stream;

/**
 * HTM-style anomaly likelihood: the mean of the last W raw scores against a Gaussian fitted to
 * such means over a long memory. Returns -log10 of the upper tail probability.
 */
final class ShortMeanLikelihood {
    private final float[] ring;
    private int pos;
    private int filled;
    private double sum;
    private double mean;
    private double var;
    private long n;

    ShortMeanLikelihood(int window) {
        ring = new float[window];
    }

    private final Surprise surprise = new Surprise();
    private double meanAbs;

    /** Empirical variant: the window mean, scaled by its usual size, against its own decaying histogram. */
    double observeEmpirical(double raw, double memory, int warmup, double prior) {
        sum += raw - ring[pos];
        ring[pos] = (float) raw;
        pos = (pos + 1) % ring.length;
        filled = Math.min(filled + 1, ring.length);
        double m = Math.max(0, sum / filled);
        n++;
        double s = 0;
        if (n > warmup) {
            s = surprise.observe(m / (meanAbs + 1e-3), prior, memory);
        }
        meanAbs += Math.max(1.0 / n, 1.0 / memory) * (m - meanAbs);
        return s;
    }

    double observe(double raw, double memory, int warmup, boolean htmFloors) {
        sum += raw - ring[pos];
        ring[pos] = (float) raw;
        pos = (pos + 1) % ring.length;
        filled = Math.min(filled + 1, ring.length);
        double m = sum / filled;
        double s = 0;
        if (n >= warmup) {
            double sd = Math.sqrt(Math.max(var, htmFloors ? 0.0003 : 1e-6));
            double z = (m - (htmFloors ? Math.max(mean, 0.03) : mean)) / sd;
            s = z <= 0 ? 0 : -Math.log10(Math.max(1e-300, StreamMath.upperNormal(z)));
        }
        n++;
        double a = Math.max(1.0 / n, 1.0 / memory);
        double d = m - mean;
        mean += a * d;
        var = (1 - a) * (var + a * d * d);
        return s;
    }
}
