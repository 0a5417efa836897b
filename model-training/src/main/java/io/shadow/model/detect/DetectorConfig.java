package io.shadow.model.detect;

/**
 * Knobs of the online detector, one set for every tenant and entity.
 *
 * @param threshold anomaly score (in spreads, z-units) at or above which an anomaly is raised;
 *     default 5
 * @param hourPrior pseudo-buckets with which an hour-of-day level is shrunk towards the entity's
 *     all-hours level; default 24
 * @param populationPrior pseudo-buckets with which an entity's baseline is shrunk towards its
 *     population's; default 48 (a new entity follows its population, a week-old one itself)
 * @param realertFactor after an anomaly, another for the same entity is raised only when its
 *     score is this many times higher, or after {@code quietSeconds}; default 1.25
 * @param quietSeconds see {@code realertFactor}; default 1800
 * @param sustainedAllowance deviation (spreads) a bucket must exceed to add to an entity's
 *     sustained-deviation sum (a CUSUM); quieter buckets drain it. Default 4
 * @param noveltyHalfLifeSeconds a first-seen value (network, client, operation, process) stays recent
 *     and keeps adding its evidence to the entity's later events, halved every this many seconds
 *     (and charged for each five-minute bucket it has been counted in: {@code RecentNovelty}),
 *     and is named in its anomalies until it is down to a sixteenth; 0 counts it on its first event
 *     only. Default 3600
 */
public record DetectorConfig(double threshold, double hourPrior, double populationPrior, double realertFactor,
        long quietSeconds, double sustainedAllowance, long noveltyHalfLifeSeconds) implements java.io.Serializable {
    /** An hour: a stolen session's first-seen network still counts through its hour, a day-old one no longer. */
    public static final long DEFAULT_NOVELTY_HALF_LIFE = 3600;

    public DetectorConfig {
        check(threshold > 0, "detector.threshold", threshold, "a positive number of spreads, e.g. 5");
        check(hourPrior >= 0, "detector.hour-prior", hourPrior, "zero or more buckets");
        check(populationPrior >= 0, "detector.population-prior", populationPrior, "zero or more buckets");
        check(realertFactor >= 1, "detector.realert-factor", realertFactor, "1 or more");
        check(quietSeconds >= 0, "detector.quiet-seconds", quietSeconds, "zero or more seconds");
        check(sustainedAllowance > 0 && sustainedAllowance <= threshold, "detector.sustained-allowance",
                sustainedAllowance, "a positive number of spreads, at most the threshold");
        check(noveltyHalfLifeSeconds >= 0, "detector.novelty-half-life-seconds", noveltyHalfLifeSeconds,
                "zero or more seconds, e.g. 3600");
    }

    /** The defaults with the first six knobs given (a first-seen value's evidence halves every hour). */
    public DetectorConfig(double threshold, double hourPrior, double populationPrior, double realertFactor,
            long quietSeconds, double sustainedAllowance) {
        this(threshold, hourPrior, populationPrior, realertFactor, quietSeconds, sustainedAllowance,
                DEFAULT_NOVELTY_HALF_LIFE);
    }

    public static DetectorConfig defaults() {
        return new DetectorConfig(5.0, 24, 48, 1.25, 1800, 4.0, DEFAULT_NOVELTY_HALF_LIFE);
    }

    public DetectorConfig withThreshold(double t) {
        return new DetectorConfig(t, hourPrior, populationPrior, realertFactor, quietSeconds,
                Math.min(sustainedAllowance * t / threshold, t), noveltyHalfLifeSeconds);
    }

    private static void check(boolean ok, String key, Object value, String expected) {
        io.shadow.features.config.ConfigException.check(ok, key, value, expected);
    }
}
