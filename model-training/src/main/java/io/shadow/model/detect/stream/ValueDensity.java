package io.shadow.model.detect.stream;

/**
 * Decaying histogram of values on K equal bins whose width doubles (merging neighbours) whenever a
 * value falls outside the covered range. Surprise of a value: -log10 of the probability mass of bins
 * at most as dense as its own (neighbour-smoothed), with a uniform prior.
 */
final class ValueDensity {
    static final int K = 32;
    private final float[] count = new float[K];
    private double origin;
    private double width;
    private float total;
    private boolean started;

    double observe(double x, double prior, double memory, double minWidth) {
        if (!started) {
            width = Math.max(minWidth, 1e-12);
            origin = x - K / 2 * width;
            started = true;
        }
        while (x < origin || x >= origin + K * width) {
            widen(x >= origin + K * width);
        }
        int b = (int) Math.min(K - 1, Math.floor((x - origin) / width));
        double own = smoothed(b);
        double mass = 0;
        int sparse = 0;
        for (int j = 0; j < K; j++) {
            double c = smoothed(j);
            if (c <= own) {
                mass += count[j];
                sparse++;
            }
        }
        double tail = (mass + prior * sparse / K) / (total + prior);
        float decay = (float) (1 - 1.0 / memory);
        for (int j = 0; j < K; j++) {
            count[j] *= decay;
        }
        total = total * decay + 1;
        count[b] += 1;
        return -Math.log10(Math.max(1e-300, Math.min(1, tail)));
    }

    private double smoothed(int j) {
        double c = count[j];
        double l = j > 0 ? count[j - 1] : 0;
        double r = j < K - 1 ? count[j + 1] : 0;
        return c + 0.25 * (l + r);
    }

    private void widen(boolean up) {
        float[] merged = new float[K];
        int offset = up ? 0 : K / 2;
        for (int i = 0; i < K / 2; i++) {
            merged[offset + i] = count[2 * i] + count[2 * i + 1];
        }
        if (!up) {
            origin -= K * width;
        }
        width *= 2;
        System.arraycopy(merged, 0, count, 0, K);
    }
}
