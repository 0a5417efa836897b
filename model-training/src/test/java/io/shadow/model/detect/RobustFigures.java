package io.shadow.model.detect;

import java.util.Arrays;

/** The nightly baseline's robust figures of a sample, for tests that build baselines by hand. */
final class RobustFigures {
    private RobustFigures() {
    }

    /** Median, spread (the larger of 1.4826 MAD and (p95 - median) / 1.645), mean and variance. */
    static double[] summary(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        double median = s[s.length / 2];
        double p95 = s[(int) (0.95 * (s.length - 1))];
        double[] dev = Arrays.stream(s).map(v -> Math.abs(v - median)).sorted().toArray();
        double mad = dev[dev.length / 2] * 1.4826;
        double mean = Arrays.stream(s).average().orElse(0);
        double variance = Arrays.stream(s).map(v -> (v - mean) * (v - mean)).average().orElse(0);
        return new double[] {median, Math.max(mad, (p95 - median) / 1.645), mean, variance};
    }
}
