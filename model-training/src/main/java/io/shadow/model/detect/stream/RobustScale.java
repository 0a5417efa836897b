package io.shadow.model.detect.stream;

/**
 * The typical absolute size of a quantity (an error, a change), learned online: a plain mean while
 * young, an exponentially weighted one after; each update is clipped at {@code clip} times the
 * current size, so one outlier barely moves it while a lasting change in volatility still does.
 */
final class RobustScale {
    private double size;
    private int count;

    double size() {
        return size;
    }

    boolean ready(int minEvidence) {
        return count >= minEvidence;
    }

    /** {@code floor} keeps a spread of a so-far-constant series able to grow once it moves. */
    void learn(double magnitude, double alpha, double clip, double floor) {
        double v = count == 0 ? magnitude : Math.min(magnitude, clip * size + floor);
        if (count < Integer.MAX_VALUE) {
            count++;
        }
        size += Math.max(1.0 / count, alpha) * (v - size);
    }
}
