package io.shadow.model.detect.stream;

/**
 * The stream detector's coarser scale: the mean of roughly the last {@code window} rows (an
 * exponentially weighted mean, so no ring of values is kept) against a baseline that moves ten times
 * more slowly, in both directions. A small lasting shift of the level, spikes that come more often
 * than they used to, or a slow drift hide among the single rows' noise, yet move the recent mean by
 * more than it usually moves. The shift is judged, like the row-level questions, against this
 * series' own history of shifts ({@link Rarity}); and, since a recent mean is smooth, a single
 * improbable shift is not news: the judgements feed their own anomaly likelihood (the average of
 * about the last {@code likelihoodWindow} raw scores against a Gaussian of such averages, as
 * {@link AnomalyLikelihood} does with a window), which answers in decades.
 *
 * <p>State: six numbers and a 16-bin histogram (deviations of a recent mean beyond about 12.7
 * spreads share the top bin; the raw score has long saturated there).
 */
final class MeanShift {
    /** The baseline remembers this many times as many rows as the recent mean. */
    static final int BASELINE_FACTOR = 10;
    private static final int BINS = 16;
    private static final double LOG10_TWO = Math.log10(2);

    private double recent;
    private double baseline;
    private double spread;
    private double average;
    private double mean;
    private double variance;
    private final Rarity rarity = new Rarity(BINS);

    /**
     * Decades of improbability of the recent mean's shift so far, {@code x} being row {@code rows}
     * (counted from 1); then {@code x} is learned.
     */
    double observe(double x, long rows, double floor, StreamConfig cfg) {
        double alpha = Math.max(1.0 / rows, 1.0 / cfg.meanWindow());
        recent += alpha * (x - recent);
        baseline = rows == 1 ? x : baseline;
        double shift = Math.abs(recent - baseline);
        double decades = 0;
        // the spread has learned one shift per earlier row
        if (rows > cfg.meanWindow() && rows > cfg.minEvidence()) {
            decades = rarity.observe(shift / (spread + floor), cfg.rarityPrior(), cfg.rarityMemory());
        }
        // the spread of the shift, clipped like every other spread (RobustScale's rule, inlined)
        double v = rows == 1 ? shift : Math.min(shift, cfg.clip() * spread + floor);
        spread += Math.max(1.0 / rows, cfg.errorAlpha()) * (v - spread);
        baseline += Math.max(1.0 / rows, alpha / BASELINE_FACTOR) * (recent - baseline);
        double raw = Math.max(0, Math.min(1, (decades - LOG10_TWO - cfg.rawFloor()) / cfg.rawSpan()));
        return likelihood(raw, rows, cfg);
    }

    private double likelihood(double raw, long rows, StreamConfig cfg) {
        average += Math.max(1.0 / rows, 1.0 / cfg.likelihoodWindow()) * (raw - average);
        double decades = rows > cfg.likelihoodWarmup() ? AnomalyLikelihood.decades(average, mean, variance) : 0;
        double a = Math.max(1.0 / rows, 1.0 / cfg.likelihoodMemory());
        double d = average - mean;
        mean += a * d;
        variance = (1 - a) * (variance + a * d * d);
        return decades;
    }
}
