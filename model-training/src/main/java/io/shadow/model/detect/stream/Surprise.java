package io.shadow.model.detect.stream;

/**
 * Empirical tail of a non-negative deviation, with a decaying histogram on log-spaced bins and a
 * Laplace prior (pseudo-observations with tail e^-z), so that a value is surprising only if it is
 * rare both for this series and in absolute terms. Returns -log10(tail).
 */
final class Surprise {
    static final int BINS = 32;
    private final float[] hist = new float[BINS];
    private float total;

    static int bin(double z) {
        if (z < 0.5) {
            return 0;
        }
        return (int) Math.min(BINS - 1, 1 + Math.floor(3 * Math.log(z / 0.5) / Math.log(2)));
    }

    static double edge(int k) {
        return k == 0 ? 0 : 0.5 * Math.pow(2, (k - 1) / 3.0);
    }

    /** Surprise of z (before it is learned), then learns it. */
    double observe(double z, double prior, double memory) {
        return observe(z, prior, memory, true);
    }

    double observe(double z, double prior, double memory, boolean learn) {
        int b = bin(z);
        double above = 0;
        for (int k = b + 1; k < BINS; k++) {
            above += hist[k];
        }
        double lo = edge(b);
        double hi = b == BINS - 1 ? Double.POSITIVE_INFINITY : edge(b + 1);
        double frac = hi == Double.POSITIVE_INFINITY ? 0.5 : Math.max(0, Math.min(1, (hi - z) / (hi - lo)));
        above += hist[b] * frac;
        double ref = Math.exp(-z);
        double tail = (above + prior * ref) / (total + prior);
        if (!learn) {
            return -Math.log10(Math.max(tail, 1e-300));
        }
        float decay = (float) (1 - 1.0 / memory);
        for (int k = 0; k < BINS; k++) {
            hist[k] *= decay;
        }
        total = total * decay + 1;
        hist[b] += 1;
        return -Math.log10(Math.max(tail, 1e-300));
    }
}
