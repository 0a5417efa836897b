package io.shadow.model.detect.stream;

/**
 * How rare a deviation of a given size has been for this series: a decaying histogram of past
 * deviations (in spreads, log-spaced bins from 0.5 to ~600) plus {@code prior} pseudo-observations
 * of a Laplace tail {@code e^-z}. A young series is judged by the prior, an old one by its own
 * history, so a heavy-tailed series is not flagged for being itself. Returns -log10 of the tail
 * probability ("decades").
 *
 * <p>Decay is lazy: instead of shrinking every bin each row, each new observation weighs a little
 * more than the last (by 1 / keep), and all weights are rescaled when they grow large.
 */
final class Rarity {
    static final int BINS = 32;
    private static final double STEPS_PER_DOUBLING = 3;
    private static final double[] EDGES = new double[BINS + 1];
    private static final double RESCALE_AT = 1e30;

    static {
        for (int k = 0; k <= BINS; k++) {
            EDGES[k] = k == 0 ? 0 : 0.5 * Math.pow(2, (k - 1) / STEPS_PER_DOUBLING);
        }
    }

    private final float[] hist;
    private float total;
    private float weight = 1;

    /** A histogram of all {@link #BINS} bins (deviations up to ~600 spreads told apart). */
    Rarity() {
        this(BINS);
    }

    /** A histogram of the first {@code bins} bins: deviations beyond the last edge share its bin. */
    Rarity(int bins) {
        if (bins < 2 || bins > BINS) {
            throw new IllegalArgumentException("a rarity histogram has 2 to " + BINS + " bins, not " + bins);
        }
        hist = new float[bins];
    }

    static int bin(double z) {
        return bin(z, BINS);
    }

    static int bin(double z, int bins) {
        if (!(z >= 0.5)) {
            return 0;
        }
        return (int) Math.min(bins - 1, 1 + Math.floor(STEPS_PER_DOUBLING * Math.log(z / 0.5) / Math.log(2)));
    }

    static double lowerEdge(int k) {
        return EDGES[k];
    }

    /** Decades of improbability of z given what came before; then z joins the history. */
    double observe(double z, double prior, double memory) {
        int bins = hist.length;
        int b = bin(z, bins);
        double above = 0;
        for (int k = b + 1; k < bins; k++) {
            above += hist[k];
        }
        // the part of z's own bin above z, assuming mass spread evenly across the bin
        double within = b == bins - 1 ? 0.5 : Math.max(0, Math.min(1, (EDGES[b + 1] - z) / (EDGES[b + 1] - EDGES[b])));
        above += hist[b] * within;
        // counts are kept in units of the current weight: divide to get decayed row counts
        double tail = (above / weight + prior * Math.exp(-z)) / (total / weight + prior);
        weight /= (float) (1 - 1.0 / memory);
        hist[b] += weight;
        total += weight;
        if (weight > RESCALE_AT) {
            for (int k = 0; k < bins; k++) {
                hist[k] /= weight;
            }
            total /= weight;
            weight = 1;
        }
        return -Math.log10(Math.max(tail, 1e-300));
    }
}
