package io.shadow.model.detect;

import io.shadow.features.Feature;
import io.shadow.features.baseline.FeatureBaseline;
import java.util.function.ToDoubleFunction;

/**
 * Whether a feature's deviation is explained by the hour of day alone: the entity's own baseline takes
 * the same value as ordinary at another hour (a service's nightly batch run at 14:00, its usual volume at
 * 02:00). Such a deviation says only "usual activity at an unusual time", which is weak evidence: it is
 * weighed at {@link #weight} — named in the evidence and combined with other signals (a first-seen network
 * makes it news), never an anomaly on its own, never piling up in the sustained-deviation sum. A value that
 * is unusual at every hour of the entity keeps its full deviation, the hour included.
 *
 * <p>Only hours the entity's own baseline has buckets for count, each judged as the detector would judge the
 * value then (the same blend with all hours and the population, {@link Expectation#of}); looked for only when
 * a feature is flagged, so ordinary events pay nothing.
 */
final class UsualHour {
    /** No hour of the entity explains the value. */
    static final int NONE = -1;

    private UsualHour() {
    }

    /**
     * An hour other than {@code hour} at which {@code judge} finds the value below half the threshold (not
     * even flagged), the nearest such (the hour after before the hour before: {@link #nth}), so that the
     * explanation names the usual time closest to the event; {@link #NONE} when there is none or the entity has no
     * baseline of its own for the feature. Only an hour with at least {@code detector.hour-prior} buckets of the
     * entity's own counts (24 by default: two hours of activity at that hour in the history), so that its own
     * figures, not the blend with all hours, say what is usual then: one stray transfer at 03:00 does not make
     * 03:00 a usual hour for it.
     */
    static int find(Feature f, FeatureBaseline own, FeatureBaseline population, int hour, Expectations expected,
            ToDoubleFunction<Expectation> judge) {
        return find(f, own, population, hour, expected, judge, 1);
    }

    /**
     * As above, from the {@code first}-th hour of {@link #nth}'s order on (the hours before it are known to fail:
     * the judge grows with the value, so an hour that failed for a smaller value fails for this one).
     */
    static int find(Feature f, FeatureBaseline own, FeatureBaseline population, int hour, Expectations expected,
            ToDoubleFunction<Expectation> judge, int first) {
        if (own == null) {
            return NONE;
        }
        DetectorConfig cfg = expected.config();
        for (int k = first; k < FeatureBaseline.HOURS; k++) {
            int h = nth(hour, k);
            if (own.hour(h).samples() >= Math.max(1, cfg.hourPrior())
                    && judge.applyAsDouble(expected.of(f, own, population, h)) < cfg.threshold() / 2) {
                return h;
            }
        }
        return NONE;
    }

    /**
     * The {@code k}-th hour (1 to 23) in order of distance from {@code hour}, the later one first: +1, −1, +2, −2,
     * …, +11, −11, +12.
     */
    static int nth(int hour, int k) {
        int offset = k % 2 == 1 ? (k + 1) / 2 : -(k / 2);
        return Math.floorMod(hour + offset, FeatureBaseline.HOURS);
    }

    /** The inverse of {@link #nth}: where {@code other} (not {@code hour}) comes in the order from {@code hour}. */
    static int order(int hour, int other) {
        int ahead = Math.floorMod(other - hour, FeatureBaseline.HOURS);
        return ahead <= FeatureBaseline.HOURS / 2 ? 2 * ahead - 1 : 2 * (FeatureBaseline.HOURS - ahead);
    }

    /**
     * What a deviation explained by the hour alone weighs: the sustained allowance (kept below the threshold and
     * at least half of it), the most a deviation can weigh without raising an anomaly in one bucket or adding to
     * the sustained-deviation sum. It is flagged and named, counts as a bucket above normal in the anomaly
     * likelihood (many such buckets can raise a low-band anomaly) and in a run of rising buckets (capped at this
     * weight), and tips first-seen values over: an odd-hour run of a service's usual batch ends at most in the
     * low band, and the same from a network and client never seen is acted on rather than only observed.
     */
    static double weight(DetectorConfig cfg) {
        return Math.max(cfg.threshold() / 2, Math.min(Math.nextDown(cfg.threshold()), cfg.sustainedAllowance()));
    }
}
