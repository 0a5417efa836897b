package io.shadow.model.detect.stream;

/**
 * A univariate streaming anomaly detector: one instance per series (entity × feature), one
 * {@link #update} per observation, O(1) time and a fixed ~2 KB of state ({@link StateSize}),
 * causal (the score of a row depends on that row and earlier ones only), one configuration for
 * every series.
 *
 * <p>Per row it asks three questions and keeps the most improbable answer, in decades
 * (-log10 of a tail probability):
 * <ol>
 * <li><b>rate of change</b>: the change since the previous row against the usual change (a slow
 * drift) and its usual spread;
 * <li><b>seasonality-aware residual</b>: the value against the best of three expectations — its
 * recent level, its hour-of-day profile, its hour-of-week profile — whichever has lately erred
 * least, so a daily or weekly cycle is used where it exists and ignored where it does not;
 * <li><b>level</b>: once {@code likelihoodWarmup} rows have shown the range, a value beyond the
 * range of all values seen so far (by more than a tolerance, and by more than one step of the data's
 * resolution while that step is under a tenth of the range: a count that reaches one more than ever
 * before is not news) is taken as certain news, as people labelling anomalies take it.
 * </ol>
 * Deviations are judged against the series' own history of deviations ({@link Rarity}), and the
 * point answers feed an anomaly likelihood ({@link AnomalyLikelihood}) that catches bursts. A
 * coarser scale ({@link MeanShift}) asks the residual question of the mean of the last
 * {@code meanWindow} rows, with a likelihood of its own, for shifts, drifts and denser spikes that
 * no single row shows; the two likelihoods are one question asked twice, so the larger counts at
 * half its tail probability (a union bound). The result is mapped to [0, 1]; after a detection,
 * scores are held at 0 for a quiet period (only the first detection of an episode is news), unless
 * a value goes beyond the range by far more than what opened it.
 * Cold start: every spread is a running mean until it has {@code minEvidence} rows, and every
 * histogram starts from a prior, so the detector scores from row {@code minEvidence} + 1 on (the 21st
 * with the defaults) and the level check from row {@code likelihoodWarmup} + 1.
 * The range seen never shrinks: after a value far beyond the usual, only values beyond it again are
 * news to the level check (the other questions go on as before).
 */
public final class StreamDetector {
    /**
     * Which question produced the last score: {@code BURST} is the row-level likelihood,
     * {@code SHIFT} the recent mean's ({@link MeanShift}).
     */
    public enum Reason { NONE, RATE_OF_CHANGE, RESIDUAL, BURST, SHIFT, LEVEL, QUIET }

    private static final int LEVEL = 0;
    private static final int HOUR_OF_DAY = 1;
    private static final int HOUR_OF_WEEK = 2;
    private static final double LOG10_TWO = Math.log10(2);
    /** The largest magnitude taken as it is: twice it, and a spread of clip times it, stay finite. */
    static final double LIMIT = 1e300;
    /** The largest part of the range that one step of the data's resolution adds to the level check's tolerance. */
    private static final double STEP_SHARE = 0.1;

    private final StreamConfig cfg;
    private long rows;
    private double level;
    private double previous;
    private double magnitude;
    /** The usual change per row (a slow drift), against which each change is judged. */
    private double drift;
    private final RobustScale change = new RobustScale();
    private final RobustScale[] error = {new RobustScale(), new RobustScale(), new RobustScale()};
    private final SeasonalProfile daily = new SeasonalProfile(24);
    private final SeasonalProfile weekly = new SeasonalProfile(168);
    private final Rarity changeRarity = new Rarity();
    private final Rarity residualRarity = new Rarity();
    private final AnomalyLikelihood likelihood;
    private final MeanShift shift;
    /** The smallest step between two consecutive different values seen: the data's resolution. */
    private double resolution = Double.POSITIVE_INFINITY;
    private double min = Double.NaN;
    private double max = Double.NaN;
    private int quiet;
    private double quietDecades;
    // what the last row was judged against, for explanations
    private double lastExpected = Double.NaN;
    private double lastDeviation;
    private Reason lastReason = Reason.NONE;

    public StreamDetector(StreamConfig cfg) {
        this.cfg = cfg;
        this.likelihood = new AnomalyLikelihood(cfg.likelihoodWindow());
        this.shift = cfg.meanWindow() > 0 ? new MeanShift() : null;
    }

    /**
     * Scores one observation in [0, 1]. NaN and infinite values are skipped (score 0, nothing learned);
     * finite values beyond ±{@value #LIMIT} count as ±{@value #LIMIT}, so that no difference or spread
     * overflows (such a value is far beyond any range, and scores as news).
     */
    public double update(long epochSecond, double value) {
        if (!Double.isFinite(value)) {
            lastReason = Reason.NONE;
            return 0;
        }
        double x = Math.max(-LIMIT, Math.min(LIMIT, value));
        rows++;
        magnitude += Math.max(1.0 / rows, cfg.errorAlpha()) * (Math.abs(x) - magnitude);
        // spreads never fall below a millionth of the series' magnitude, whatever its unit: constant
        // series stay quiet, and a series of values around 1e-12 is judged as one around 1
        double floor = Math.max(1e-6 * magnitude, Double.MIN_NORMAL);
        int hod = SeasonalProfile.hourOfDay(epochSecond);
        int how = SeasonalProfile.hourOfWeek(epochSecond);

        double changeDecades = rows > 1 ? judgeChange(x - previous, floor) : 0;
        if (rows > 1 && x != previous) {
            resolution = Math.min(resolution, Math.abs(x - previous));
        }
        double residualDecades = judgeResidual(x, hod, how, floor);
        learn(x, hod, how, floor);

        double point = Math.max(0, Math.max(changeDecades, residualDecades) - LOG10_TWO);
        double raw = Math.max(0, Math.min(1, (point - cfg.rawFloor()) / cfg.rawSpan()));
        double burst = Math.min(cfg.scoreDecades(), likelihood.observe(raw, cfg.likelihoodMemory(),
                cfg.likelihoodWarmup()));
        boolean shifted = false;
        if (shift != null) {
            double s = Math.min(cfg.scoreDecades(), shift.observe(x, rows, floor, cfg));
            shifted = s > burst;
            burst = Math.max(0, Math.max(burst, s) - LOG10_TWO);
        }
        double excess = beyondRange(x);
        boolean outside = !Double.isNaN(excess);
        // beyond the range: certain news, graded by how far beyond (in ranges) for the re-alert rule
        double decades = outside ? cfg.scoreDecades() * (1 + excess) : Math.max(point, burst);
        lastReason = outside ? Reason.LEVEL : decades == 0 ? Reason.NONE : burst >= point
                ? shifted ? Reason.SHIFT : Reason.BURST
                : changeDecades >= residualDecades ? Reason.RATE_OF_CHANGE : Reason.RESIDUAL;
        double score = Math.min(1, decades / cfg.scoreDecades());
        if (quiet > 0 && !(outside && decades >= cfg.realertFactor() * quietDecades)) {
            quiet--;
            lastReason = Reason.QUIET;
            return 0;
        }
        if (score >= cfg.quietLevel()) {
            quietDecades = decades;
            quiet = cfg.quietRows();
        }
        return score;
    }

    private double judgeChange(double d, double floor) {
        double decades = 0;
        double excess = Math.abs(d - drift);
        if (change.ready(cfg.minEvidence())) {
            decades = changeRarity.observe(excess / (change.size() + floor), cfg.rarityPrior(), cfg.rarityMemory());
        }
        change.learn(excess, cfg.errorAlpha(), cfg.clip(), floor);
        // the drift learns from clipped changes only, so a jump does not pass for a trend
        drift += cfg.errorAlpha() * (Math.max(-cfg.clip() * change.size(), Math.min(cfg.clip() * change.size(), d))
                - drift);
        return decades;
    }

    /** The residual against whichever expectation has lately erred least (once it has evidence). */
    private double judgeResidual(double x, int hod, int how, double floor) {
        int best = -1;
        for (int p = LEVEL; p <= HOUR_OF_WEEK; p++) {
            if (available(p, hod, how) && error[p].ready(cfg.minEvidence())
                    && (best < 0 || error[p].size() < error[best].size())) {
                best = p;
            }
        }
        if (best < 0) {
            lastExpected = Double.NaN;
            lastDeviation = 0;
            return 0;
        }
        lastExpected = expected(best, hod, how);
        lastDeviation = (x - lastExpected) / (error[best].size() + floor);
        return residualRarity.observe(Math.abs(lastDeviation), cfg.rarityPrior(), cfg.rarityMemory());
    }

    private boolean available(int p, int hod, int how) {
        return switch (p) {
            case LEVEL -> rows > 1;
            case HOUR_OF_DAY -> daily.known(hod);
            default -> weekly.known(how);
        };
    }

    private double expected(int p, int hod, int how) {
        return switch (p) {
            case LEVEL -> level;
            case HOUR_OF_DAY -> daily.expected(hod);
            default -> weekly.expected(how);
        };
    }

    private void learn(double x, int hod, int how, double floor) {
        for (int p = LEVEL; p <= HOUR_OF_WEEK; p++) {
            if (available(p, hod, how)) {
                error[p].learn(Math.abs(x - expected(p, hod, how)), cfg.errorAlpha(), cfg.clip(), floor);
            }
        }
        level = rows == 1 ? x : level + Math.max(1.0 / rows, cfg.levelAlpha()) * (x - level);
        previous = x;
        daily.learn(hod, x, cfg.seasonalAlpha());
        weekly.learn(how, x, cfg.seasonalAlpha());
    }

    /**
     * The level check: how far beyond everything seen so far {@code x} is, in ranges, when beyond it
     * by more than the tolerance and by more than one step of the data's resolution, up to a tenth of the
     * range (so integer counts that set a record by 1 on a range of tens are not news); else NaN. Then
     * {@code x} joins the range.
     */
    private double beyondRange(double x) {
        double excess = Double.NaN;
        if (max > min && rows > cfg.likelihoodWarmup()) {
            double range = max - min;
            // one step of the resolution counts while it is a small part of the range: a series that
            // switches between two values and then goes a whole step further is news
            double tolerance = Math.max(cfg.rangeTolerance() * range, Math.min(resolution, STEP_SHARE * range));
            if (x > max + tolerance || x < min - tolerance) {
                excess = Math.max(x - max, min - x) / range;
            }
        }
        min = Double.isNaN(min) ? x : Math.min(min, x);
        max = Double.isNaN(max) ? x : Math.max(max, x);
        return excess;
    }

    /** What the last row was compared with (NaN before any expectation has evidence). */
    public double lastExpected() {
        return lastExpected;
    }

    /** How far the last row was from {@link #lastExpected()}, in spreads of that expectation. */
    public double lastDeviation() {
        return lastDeviation;
    }

    public Reason lastReason() {
        return lastReason;
    }

    public long rows() {
        return rows;
    }
}
