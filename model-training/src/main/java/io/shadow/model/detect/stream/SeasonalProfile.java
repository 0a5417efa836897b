package io.shadow.model.detect.stream;

/**
 * What a series usually is at one position of a cycle (hour of day, hour of week): one exponentially
 * weighted mean per bin, keyed by the row's timestamp, so a cycle is learned wherever it exists and
 * costs nothing where it does not (the detector then prefers another expectation). Floats: the
 * bins are expectations, not accumulators, and half the bytes matter at a million entities.
 */
final class SeasonalProfile {
    private static final long DAY = 86_400L;
    private final float[] mean;
    private final byte[] count;

    SeasonalProfile(int bins) {
        mean = new float[bins];
        count = new byte[bins];
    }

    static int hourOfDay(long epochSecond) {
        return (int) (Math.floorMod(epochSecond, DAY) / 3600);
    }

    /** Hour of the week, Monday 00:00 = 0 (1970-01-01 was a Thursday). */
    static int hourOfWeek(long epochSecond) {
        long day = Math.floorDiv(epochSecond, DAY);
        return (int) (Math.floorMod(day + 3, 7L) * 24 + hourOfDay(epochSecond));
    }

    boolean known(int bin) {
        return count[bin] > 0;
    }

    double expected(int bin) {
        return mean[bin];
    }

    void learn(int bin, double x, double alpha) {
        int c = count[bin];
        double m = mean[bin] + Math.max(1.0 / (c + 1), alpha) * (x - mean[bin]);
        // a float holds up to ~3.4e38: beyond it the bin stays at the largest float, a poor expectation
        // the detector then stops preferring, rather than an infinite one
        mean[bin] = (float) Math.max(-Float.MAX_VALUE, Math.min(Float.MAX_VALUE, m));
        if (c < Byte.MAX_VALUE) {
            count[bin] = (byte) (c + 1);
        }
    }
}
