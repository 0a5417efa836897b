package io.shadow.model.detect.stream;

/**
 * Knobs of the stream detector: one set for every series (NAB's rule, and the product's: no
 * per-entity tuning). Rates are per observation; "decades" are powers of ten of improbability.
 *
 * @param levelAlpha weight of the newest value in the level (an EWMA); default 0.02 (≈ 50 rows)
 * @param errorAlpha weight of the newest error in every spread; default 0.01 (≈ 100 rows)
 * @param clip errors above this many spreads are clipped before they update a spread, so one
 *     outlier does not inflate it; default 6
 * @param seasonalAlpha weight of the newest value in its hour-of-day or hour-of-week bin; default
 *     0.2 (a bin remembers about its last 5 values: the latest visit of that hour for 5-minute
 *     rows, the last 5 days or weeks for hourly ones)
 * @param minEvidence rows a spread must rest on before its deviations count; default 20
 * @param rarityPrior pseudo-rows of a Laplace tail that a series' own deviation histogram
 *     starts from, so a young series judges by the prior and an old one by its history; default 50
 * @param rarityMemory rows the deviation histograms remember (exponential decay); default 5000
 * @param likelihoodWindow rows averaged by the anomaly likelihood; default 30
 * @param likelihoodMemory rows the likelihood's Gaussian of averages remembers; default 5000
 * @param likelihoodWarmup rows before the likelihood reports; default 100
 * @param rawFloor point improbability (decades) below which a row adds nothing to the
 *     likelihood's raw score; default 1
 * @param rawSpan decades above {@code rawFloor} at which the raw score reaches 1; default 3
 * @param scoreDecades decades of improbability that map to score 1; default 10
 * @param rangeTolerance a value beyond the range seen so far by more than this fraction of
 *     it (and by more than one step of the data's resolution, the smallest change seen, while that
 *     step is under a tenth of the range) scores 1 (the level check); default 0.02
 * @param quietRows rows after a detection during which scores are held at 0, since only the
 *     first detection of an episode is news; default 200
 * @param quietLevel score at or above which a row counts as a detection; default 0.5
 * @param realertFactor during a quiet period, a value beyond the range still alerts when its
 *     improbability is this many times that of the detection that opened the period (a value e ranges
 *     beyond the range counts {@code scoreDecades · (1 + e)} decades: with the default, after a level
 *     check e0 ranges beyond, a value from 1 + 2 · e0 ranges beyond); default 2
 * @param meanWindow rows in the recent mean of the coarser scale ({@link MeanShift}: the mean of about
 *     the last this many rows against a baseline ten times slower, through its own likelihood); 0
 *     turns that scale off; default 32
 */
public record StreamConfig(double levelAlpha, double errorAlpha, double clip, double seasonalAlpha,
        int minEvidence, double rarityPrior, double rarityMemory, int likelihoodWindow, double likelihoodMemory,
        int likelihoodWarmup, double rawFloor, double rawSpan, double scoreDecades, double rangeTolerance,
        int quietRows, double quietLevel, double realertFactor, int meanWindow) {

    public StreamConfig {
        check(levelAlpha > 0 && levelAlpha <= 1, "level-alpha", levelAlpha, "a weight in (0, 1]");
        check(errorAlpha > 0 && errorAlpha <= 1, "error-alpha", errorAlpha, "a weight in (0, 1]");
        check(clip > 1, "clip", clip, "more than 1 spread");
        check(seasonalAlpha > 0 && seasonalAlpha <= 1, "seasonal-alpha", seasonalAlpha, "a weight in (0, 1]");
        check(minEvidence >= 1, "min-evidence", minEvidence, "1 or more rows");
        check(rarityPrior > 0, "rarity-prior", rarityPrior, "a positive number of pseudo-rows");
        check(rarityMemory >= 10, "rarity-memory", rarityMemory, "10 or more rows");
        check(likelihoodWindow >= 1 && likelihoodWindow <= 1000, "likelihood-window", likelihoodWindow,
                "1 to 1000 rows");
        check(likelihoodMemory >= 10, "likelihood-memory", likelihoodMemory, "10 or more rows");
        check(likelihoodWarmup >= 0, "likelihood-warmup", likelihoodWarmup, "0 or more rows");
        check(rawFloor >= 0, "raw-floor", rawFloor, "0 or more decades");
        check(rawSpan > 0, "raw-span", rawSpan, "a positive number of decades");
        check(scoreDecades > 0, "score-decades", scoreDecades, "a positive number of decades");
        check(rangeTolerance >= 0, "range-tolerance", rangeTolerance, "a fraction of the range, 0 or more");
        check(quietRows >= 0, "quiet-rows", quietRows, "0 or more rows");
        check(quietLevel > 0 && quietLevel <= 1, "quiet-level", quietLevel, "a score in (0, 1]");
        check(realertFactor >= 1, "realert-factor", realertFactor, "1 or more");
        check(meanWindow == 0 || meanWindow >= 2, "mean-window", meanWindow, "0 (off) or 2 or more rows");
    }

    /** The one configuration used for every series; chosen on the shared NAB subset, globally. */
    public static StreamConfig defaults() {
        return new StreamConfig(0.02, 0.01, 6, 0.2, 20, 50, 5000, 30, 5000, 100, 1, 3, 10, 0.02, 200, 0.5, 2,
                32);
    }

    /** The same configuration with another {@code meanWindow} (0: without the coarser scale). */
    public StreamConfig withMeanWindow(int rows) {
        return new StreamConfig(levelAlpha, errorAlpha, clip, seasonalAlpha, minEvidence, rarityPrior, rarityMemory,
                likelihoodWindow, likelihoodMemory, likelihoodWarmup, rawFloor, rawSpan, scoreDecades, rangeTolerance,
                quietRows, quietLevel, realertFactor, rows);
    }

    private static void check(boolean ok, String key, Object value, String expected) {
        if (!ok) {
            throw new IllegalArgumentException("invalid stream-detector." + key + " = " + value + "; expected "
                    + expected);
        }
    }
}
