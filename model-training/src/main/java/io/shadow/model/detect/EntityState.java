package io.shadow.model.detect;

import io.shadow.features.ActivityEvent;
import io.shadow.features.Buckets;
import io.shadow.features.EntityKey;
import io.shadow.features.EventIds;
import io.shadow.features.Feature;
import io.shadow.features.NoveltyAttribute;
import io.shadow.features.ProcessRef;
import io.shadow.features.baseline.BaselineSnapshot;
import io.shadow.features.baseline.EntityBaseline;
import io.shadow.features.baseline.FeatureBaseline;
import io.shadow.features.signal.Anomaly;
import io.shadow.features.signal.Evidence;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Incremental state of one entity: the running values of the current five-minute bucket, the
 * final values of the previous one, values seen since the baseline snapshot, and alert history.
 * Not thread-safe; {@link Detector} serialises access per entity.
 */
final class EntityState {
    private static final Feature[] FEATURES = Feature.values();
    private static final int F = FEATURES.length;
    /** Each feature's 0 on its scale (NaN on a log scale), for buckets without activity. */
    private static final double[] ZERO_SCALED = new double[F];

    static {
        for (int i = 0; i < F; i++) {
            ZERO_SCALED[i] = FEATURES[i].toScale(0);
        }
    }
    /** Weight of the newest change in the trend average. */
    static final double TREND_ALPHA = 0.5;
    /** Spread of that average relative to one change's, for independent changes: sqrt(a / (2 - a)). */
    static final double TREND_SPREAD = Math.sqrt(TREND_ALPHA / (2 - TREND_ALPHA));

    private final EntityKey key;
    private long bucket = Long.MIN_VALUE;
    private final double[] sum = new double[F];
    private final int[] samples = new int[F];
    private final double[] previous = new double[F];
    private final boolean[] previousKnown = new boolean[F];
    /** {@code previous} on the feature's scale, kept beside it: every event compares with it. */
    private final double[] previousScaled = new double[F];
    private final long[] since = new long[F];
    /** Exponentially weighted bucket-to-bucket change, per feature, up to the previous bucket. */
    private final double[] trend = new double[F];
    /** Values first seen online, until the next snapshot includes them. */
    private final OnlineNovelty novelty = new OnlineNovelty();
    /** Values first seen lately, whose evidence still counts (kept across snapshots: it decays with time). */
    private final RecentNovelty recent = new RecentNovelty();
    /** CUSUM of the entity's per-bucket deviation above the sustained allowance, up to the previous bucket. */
    private double persistence;
    /** Largest feature deviation seen in the current bucket. */
    private double bucketMax;
    /** The feature of {@link #bucketMax}, -1 when none (not checkpointed: it only names a sustained anomaly). */
    private int bucketMaxFeature = -1;
    /** The feature of the last bucket that fed the CUSUM, -1 when none (not checkpointed, as above). */
    private int sustainedFeature = -1;
    /**
     * Features whose deviation reached half the threshold in the current bucket, one bit each (not
     * checkpointed): a finished bucket without its bit ends the feature's "since".
     */
    private int flaggedFeatures;
    private int persistentBuckets;
    private double allowance = 4;
    private long lastAlertAt = Long.MIN_VALUE;
    private double lastAlertScore;
    private long lastMixAlertAt = Long.MIN_VALUE;
    private double lastMixAlertScore;
    /** Wall-clock milliseconds of the last observation: the eviction order. */
    private long lastSeen;
    /** The stream detector's likelihood stage per feature; null until the entity's first judged feature. */
    private FeatureBursts bursts;
    /** Each feature's run of rising buckets; null until the entity's first judged feature. */
    private RisingRuns runs;
    /** The strongest rising run the current event extended, and its feature (per event, not state). */
    private double eventRun;
    private Feature eventRunFeature;
    /** How the entity's features usually move together; null until its first judged bucket. */
    private FeatureCombination combination;
    /** The combination's verdict on the bucket just finished, for the event that finished it (not state). */
    private FeatureCombination.Judgement finishedMix;
    private long finishedMixBucket;
    /**
     * The snapshot {@link #ownBaseline} and {@link #populationBaseline} were looked up in; null
     * until the first event and after {@link #forgetBaselines} (not written with the state).
     */
    private BaselineSnapshot baselinesOf;
    private EntityBaseline ownBaseline;
    private EntityBaseline populationBaseline;
    /**
     * The usual-hour search's last answer per feature in this bucket and snapshot: the scaled value it judged
     * (NaN: none yet) and the hour it found ({@link UsualHour#NONE}: none); null until a feature of the bucket is
     * flagged and again once the bucket ends (so an entity's state grows only while it is flagged), not
     * checkpointed. Exact, because every hour's judgement grows with the value and the bucket's trend and
     * previous value stay put until it ends: no usual hour for a value means none for a larger one, and for a
     * larger one the search goes on from the hour found. Without it, every event of a flood in a flagged bucket
     * searched up to 23 hours again (a flagged flood of one entity: about 205,000 events/s against 500,000
     * without the search, measured on the session's machine).
     */
    private double[] usualJudged;
    private byte[] usualFound;
    /** Set under the lock when {@link Detector} evicted this state; a caller holding it looks again. */
    private boolean evicted;
    /** Late events' own values for the earlier bucket they came for; null until the first (not checkpointed). */
    private LateBucket lateBucket;

    /**
     * The values of events that came for an earlier bucket than the entity's current one (an agent shipping
     * a backlog while another source reported the entity), summed for the last such bucket and judged on
     * their own: the bucket's on-time values are gone, so the judgement can only fall short, never
     * exceed, for sums. Alerts keep their own quiet period.
     */
    private static final class LateBucket {
        long bucket = Long.MIN_VALUE;
        final double[] sum = new double[F];
        final int[] samples = new int[F];
        long lastAlertAt = Long.MIN_VALUE;
        double lastAlertScore;

        double value(int i) {
            return EntityState.value(i, sum, samples);
        }
    }

    EntityState(EntityKey key) {
        this.key = key;
    }

    /**
     * Observes the parts {@code e} gives this entity (number {@code entity} of {@code parts}),
     * judged against its own baseline and its population's in {@code snapshot} (their expectations
     * remembered in {@code expected}, which holds the configuration; {@code spellings} tells a new entity from
     * another spelling of a known one); returns the anomaly it raised or null.
     */
    Anomaly observe(ActivityEvent e, EventParts parts, int entity, BaselineSnapshot snapshot, Expectations expected,
            Spellings spellings) {
        DetectorConfig cfg = expected.config();
        if (snapshot != baselinesOf) {
            // once per entity and snapshot rather than two map look-ups per event
            ownBaseline = snapshot.entity(key);
            populationBaseline = snapshot.population(key);
            baselinesOf = snapshot;
            forgetUsualHours();
        }
        EntityBaseline own = ownBaseline;
        EntityBaseline population = populationBaseline;
        allowance = cfg.sustainedAllowance();
        long t = e.time().getEpochSecond();
        long b = Buckets.start(t);
        boolean late = b < bucket;
        if (b > bucket) {
            roll(b);
        }
        // evidence is only put into words when the event raises an anomaly
        List<Supplier<Evidence>> evidence = new ArrayList<>(0);
        double bestFeature = Double.NEGATIVE_INFINITY;
        Feature best = null;
        double bestBurst = Double.NEGATIVE_INFINITY;
        Feature burstFeature = null;
        boolean judgeable = own != null || population != null;
        int numbers = parts.numbers(entity);
        eventRun = Double.NEGATIVE_INFINITY;
        eventRunFeature = null;
        if (!late) {
            for (int c = 0; c < numbers; c++) {
                int i = parts.feature(entity, c).ordinal();
                sum[i] += parts.value(entity, c);
                samples[i]++;
            }
            int hour = Buckets.hourOfDay(t);
            for (int c = 0; c < numbers; c++) {
                Feature f = parts.feature(entity, c);
                FeatureBaseline fo = own == null ? null : own.feature(f);
                FeatureBaseline fp = population == null ? null : population.feature(f);
                if (!judgeable || (fo == null && fp == null)) {
                    continue;
                }
                double dev = deviation(f, fo, fp, hour, expected, evidence);
                if (dev > bestFeature) {
                    bestFeature = dev;
                    best = f;
                }
                double burst = burst(f, dev, cfg, evidence);
                if (burst > bestBurst) {
                    bestBurst = burst;
                    burstFeature = f;
                }
            }
        }
        double lateScore = Double.NEGATIVE_INFINITY;
        Feature lateFeature = null;
        if (late && judgeable && numbers > 0) {
            if (lateBucket == null) {
                lateBucket = new LateBucket();
            }
            LateBucket lb = lateBucket;
            if (lb.bucket != b) {
                lb.bucket = b;
                java.util.Arrays.fill(lb.sum, 0);
                java.util.Arrays.fill(lb.samples, 0);
            }
            int hour = Buckets.hourOfDay(b);
            for (int c = 0; c < numbers; c++) {
                int i = parts.feature(entity, c).ordinal();
                lb.sum[i] += parts.value(entity, c);
                lb.samples[i]++;
            }
            for (int c = 0; c < numbers; c++) {
                Feature f = parts.feature(entity, c);
                FeatureBaseline fo = own == null ? null : own.feature(f);
                FeatureBaseline fp = population == null ? null : population.feature(f);
                if (fo == null && fp == null) {
                    continue;
                }
                double x = lb.value(f.ordinal());
                double xs = f.toScale(x);
                if (Double.isNaN(xs)) {
                    continue;
                }
                Expectation exp = expected.of(f, fo, fp, hour);
                double dev = exp.levelDeviation(f, xs);
                int usual = dev >= cfg.threshold() / 2
                        ? UsualHour.find(f, fo, fp, hour, expected, at -> at.levelDeviation(f, xs)) : UsualHour.NONE;
                if (usual != UsualHour.NONE) {
                    dev = Math.min(dev, UsualHour.weight(cfg)); // unusual by the hour alone, as on time
                }
                if (dev > lateScore) {
                    lateScore = dev;
                    lateFeature = f;
                }
                if (dev >= cfg.threshold() / 2) {
                    long of = b;
                    long current = bucket;
                    double judged = dev;
                    evidence.add(() -> new Evidence("feature", f.wireName(), Units.format(f, x) + " in 5 min, "
                            + "from events that arrived late", Expectation.of(f, fo, fp, hour, cfg).normalRange(f)
                            + (usual == UsualHour.NONE ? "" : String.format(", but usual for it at %02d:00 UTC (%s):"
                                    + " unusual by the hour alone, weighed as weak evidence", usual,
                                    Expectation.of(f, fo, fp, usual, cfg).normalRange(f)))
                            + "; judged on the late events alone (the entity's events had already reached "
                            + Instant.ofEpochSecond(current) + ")", judged, Instant.ofEpochSecond(of)));
                }
            }
        }
        double lnTail = 0;
        List<String> novel = List.of();
        long halfLife = cfg.noveltyHalfLifeSeconds();
        for (int c = 0; c < parts.categorical(entity); c++) {
            NoveltyAttribute attribute = parts.attribute(entity, c);
            String value = parts.category(entity, c);
            double lnP = novelty.lnEvidence(attribute, value, own, population);
            if (lnP < 0) {
                lnTail += lnP;
                if (novel.isEmpty()) {
                    novel = new ArrayList<>(2);
                }
                novel.add(attribute.wireName());
                evidence.add(() -> new Evidence("novelty", attribute.wireName(), value,
                        String.format("chance of a new value %.2g", Math.exp(lnP)), 0, e.time()));
                recent.firstSeen(attribute, value, lnP, t, halfLife);
            }
        }
        double noveltyScore = novel.isEmpty() ? Double.NEGATIVE_INFINITY : NoveltyScoring.zFromLogTail(lnTail);
        double combined = Double.NEGATIVE_INFINITY;
        // the bucket this event closed, judged whole (null when the event did not close one)
        FeatureCombination.Judgement mix = finishedMix;
        finishedMix = null;
        if (mix != null) {
            combined = mix.z();
            if (combined >= cfg.threshold() / 2) {
                FeatureCombination.Judgement judged = mix;
                evidence.add(() -> combinationEvidence(judged));
            }
        }
        if (!late && bestFeature > bucketMax) {
            bucketMax = bestFeature;
            bucketMaxFeature = best.ordinal();
        }
        double cusum = Math.max(0, persistence + Math.max(bucketMax, 0) - allowance);
        double sustained = cusum > 0 && persistentBuckets > 0 ? allowance + cusum : Double.NEGATIVE_INFINITY;
        double numeric = Math.max(Math.max(bestFeature, sustained), bestBurst);
        if (bestBurst > Math.max(bestFeature, sustained)) {
            best = burstFeature;
        }
        if (eventRun > numeric) {
            numeric = eventRun;
            best = eventRunFeature;
        }
        // the entity's recent first-seen values and the bucket's numeric deviation are independent pieces of
        // evidence, combined by Fisher's method with one term per event that showed values first: a new network
        // plus moderately unusual activity can alert where each alone stays below the threshold, while values
        // that came one by one (a developer's new tools) are not multiplied into one rare event. Each piece is
        // charged for every bucket it has been judged in (RecentNovelty: a union bound), so its reuse over hours
        // keeps the threshold's rate
        int recentValues = late ? 0 : recent.count(t, halfLife);
        int pieces = recentValues == 0 ? 0 : recent.pieces();
        double lnRecent = recentValues == 0 ? 0 : recent.lnTailsAt(t, halfLife);
        double recentScore = recentValues == 0 ? Double.NEGATIVE_INFINITY
                : NoveltyScoring.zFromLogTail(NoveltyScoring.fisherLogTail(lnRecent, pieces));
        double withRecent = Double.NEGATIVE_INFINITY;
        if (recentValues > 0) {
            boolean judged = numeric > Double.NEGATIVE_INFINITY;
            withRecent = NoveltyScoring.zFromLogTail(NoveltyScoring.fisherLogTail(
                    lnRecent + (judged ? NoveltyScoring.lnUpperTail(numeric) : 0), pieces + (judged ? 1 : 0)));
        }
        double single = Math.max(Math.max(numeric, noveltyScore), withRecent);
        // the combination keeps its own quiet period: an unusual mix must not silence the feature that
        // later goes out of range (a different, usually better-known pattern), nor the other way round
        String what;
        double score;
        if (single >= cfg.threshold() && shouldAlert(t, single, lastAlertAt, lastAlertScore, cfg)) {
            score = single;
            lastAlertAt = t;
            lastAlertScore = score;
            // a feature that carried half the threshold names the anomaly even when recent values pushed it over:
            // its pattern keeps that feature's incident history; first-seen values alone name it after themselves
            boolean featureLeads = numeric >= Math.max(noveltyScore, recentScore)
                    || (single == withRecent && numeric >= cfg.threshold() / 2);
            what = featureLeads ? (best != null ? best.wireName() : sustainedName())
                    : "novel_" + (novel.isEmpty() ? recent.attributes() : String.join("+", novel));
        } else if (combined >= cfg.threshold() && shouldAlert(t, combined, lastMixAlertAt, lastMixAlertScore, cfg)) {
            score = combined;
            lastMixAlertAt = t;
            lastMixAlertScore = score;
            what = "combination";
        } else if (lateScore >= cfg.threshold()
                && shouldAlert(t, lateScore, lateBucket.lastAlertAt, lateBucket.lastAlertScore, cfg)
                && (lastAlertAt == Long.MIN_VALUE || Math.abs(t - lastAlertAt) >= cfg.quietSeconds()
                        || lateScore >= cfg.realertFactor() * lastAlertScore)) {
            // its own quiet period (a backlog's times lie before the entity's on-time alerts), and the entity's:
            // activity the on-time events already alerted on within it is not raised again for arriving late
            score = lateScore;
            lateBucket.lastAlertAt = t;
            lateBucket.lastAlertScore = score;
            what = lateFeature.wireName();
        } else {
            return null;
        }
        List<Evidence> said = new ArrayList<>(evidence.size() + 1);
        for (Supplier<Evidence> x : evidence) {
            said.add(x.get());
        }
        if (sustained > bestFeature && sustained >= allowance) {
            said.add(new Evidence("feature", "sustained", (persistentBuckets + 1) + " consecutive buckets above "
                    + "normal", "deviation above " + allowance + " spreads accumulates", sustained,
                    Instant.ofEpochSecond(bucket - persistentBuckets * Buckets.SECONDS)));
        }
        recentEvidence(t, halfLife, novel, said);
        // new to Shadow: its own figures come with the next nightly baselines (another spelling of a known name
        // is no newcomer)
        if (ownBaseline == null && !spellings.known(key)) {
            said.add(new Evidence(Evidence.COLD_START, "baseline", "none of its own yet (new since the last nightly "
                    + "baselines)", "its population's (every " + key.kind().wireName() + " of tenant " + key.tenant()
                    + ") where the tenant has one; no emergency action on that alone: contained at most at medium "
                    + "unless threat intelligence matches", 0, e.time()));
        }
        String pattern = what + "@" + e.resourceType().wireName();
        return new Anomaly(EventIds.derive("anomaly", e.eventId(), key), key, e.time(), e.eventId(), score, pattern,
                e.resourceType(), e.resourceId(), e.principal(), e.host(), e.srcIp(), e.userAgent(), said,
                ProcessRef.of(e).orElse(null));
    }

    /**
     * The feature's deviation: the level's, or, when the level is already high, the trend's (an
     * exponentially weighted average of bucket-to-bucket changes, against the spread such an
     * average has in normal times), capped at twice the level's. A moderately high level that
     * rises fast thus alerts as early as a very high one, while a single spike, which the average
     * halves, does not. A value the entity's own baseline takes as ordinary at another hour is unusual
     * by the hour alone and weighs {@link UsualHour#weight} (usual activity at an unusual time is weak
     * evidence, not an emergency).
     */
    private double deviation(Feature f, FeatureBaseline own, FeatureBaseline pop, int hour, Expectations expected,
            List<Supplier<Evidence>> evidence) {
        DetectorConfig cfg = expected.config();
        int i = f.ordinal();
        double x = value(i);
        double xs = f.toScale(x);
        if (Double.isNaN(xs)) {
            return Double.NEGATIVE_INFINITY;
        }
        Expectation exp = expected.of(f, own, pop, hour);
        double ps = previousKnown[i] ? previousScaled[i] : Double.NaN;
        if (Double.isNaN(ps)) {
            ps = exp.level();
        }
        double zLevel = exp.levelDeviation(f, xs);
        double zTrend = trendDeviation(exp, xs, i);
        double dev = levelOrTrend(zLevel, zTrend);
        int usualHour = UsualHour.NONE;
        Expectation mixedAgainst = exp;
        if (dev >= cfg.threshold() / 2) {
            // ordinary for the entity at another hour: unusual by the hour alone, weak evidence
            usualHour = usualHour(f, own, pop, hour, expected, xs,
                    at -> levelOrTrend(at.levelDeviation(f, xs), trendDeviation(at, xs, i)));
            if (usualHour != UsualHour.NONE) {
                dev = Math.min(dev, UsualHour.weight(cfg));
                mixedAgainst = expected.of(f, own, pop, usualHour);
            }
        }
        if (combination == null) {
            combination = new FeatureCombination();
        }
        // signed and on every feature's own scale (a count's tail z is one-sided): the combination's input; a
        // value the hour alone makes unusual enters as it stands at its usual hour (the mix, not its timing)
        combination.observe(f, (xs - mixedAgainst.level()) / mixedAgainst.levelScale());
        // every bucket of a run is measured against its own hour (so "above the one before" compares like with
        // like); a value the hour alone makes unusual weighs no more in a run than alone
        rising(f, exp, x, zLevel, dev, usualHour == UsualHour.NONE ? Double.POSITIVE_INFINITY : UsualHour.weight(cfg),
                cfg, evidence);
        if (dev >= cfg.threshold() / 2) {
            flaggedFeatures |= 1 << i;
            if (since[i] == 0) {
                since[i] = bucket;
            }
            long from = since[i];
            double before = ps;
            boolean knownBefore = previousKnown[i];
            double judged = dev;
            int usual = usualHour;
            // the words recompute the expectation: capturing it would keep it on the heap for every event
            evidence.add(() -> new Evidence("feature", f.wireName(), Units.format(f, x) + " in 5 min",
                    Expectation.of(f, own, pop, hour, cfg).normalRange(f) + (knownBefore ? ", previous bucket "
                            + Units.format(f, f.fromScale(before)) : ", no previous bucket")
                            + (usual == UsualHour.NONE && judged > zLevel
                                    ? String.format(", rising %.1f spreads faster than usual", zTrend) : "")
                            + (usual == UsualHour.NONE ? "" : String.format(", but usual for it at %02d:00 UTC "
                                    + "(%s): unusual by the hour alone, weighed as weak evidence", usual,
                                    Expectation.of(f, own, pop, usual, cfg).normalRange(f))),
                    judged, Instant.ofEpochSecond(from)));
        }
        return dev;
    }

    /**
     * The trend's deviation: the exponentially weighted change up to this event's value, against the usual
     * change of {@code exp}'s hour and the spread such an average has.
     */
    private double trendDeviation(Expectation exp, double xs, int i) {
        double ps = previousKnown[i] ? previousScaled[i] : Double.NaN;
        if (Double.isNaN(ps)) {
            ps = exp.level(); // no previous bucket, or an idle one on a log scale
        }
        double trendNow = TREND_ALPHA * (xs - ps) + (1 - TREND_ALPHA) * trend[i];
        return exp.changeDeviation(trendNow) / TREND_SPREAD;
    }

    /** {@link UsualHour#find} for this bucket's value {@code xs} of {@code f}, from the bucket's last answer on. */
    private int usualHour(Feature f, FeatureBaseline own, FeatureBaseline pop, int hour, Expectations expected,
            double xs, ToDoubleFunction<Expectation> judge) {
        int i = f.ordinal();
        if (usualJudged == null) {
            usualJudged = new double[F];
            usualFound = new byte[F];
            Arrays.fill(usualJudged, Double.NaN);
        }
        int found;
        if (xs >= usualJudged[i]) { // false while NaN
            int before = usualFound[i];
            found = before == UsualHour.NONE ? UsualHour.NONE : UsualHour.find(f, own, pop, hour, expected, judge,
                    UsualHour.order(hour, before));
        } else {
            found = UsualHour.find(f, own, pop, hour, expected, judge);
        }
        usualJudged[i] = xs;
        usualFound[i] = (byte) found;
        return found;
    }

    /** Dropped, not cleared: it is needed only while a bucket is flagged, and most entities' buckets are not. */
    private void forgetUsualHours() {
        usualJudged = null;
        usualFound = null;
    }

    /** The level's deviation, or the trend's when higher, capped at twice the level's. */
    private static double levelOrTrend(double zLevel, double zTrend) {
        return Math.max(zLevel, Math.min(zTrend, 2 * zLevel));
    }

    /**
     * Judges the run of rising buckets the feature's current bucket extends ({@link RisingRuns}); the
     * strongest of the event goes into {@link #eventRun}, with its evidence when it says more than the
     * bucket's own deviation.
     */
    private void rising(Feature f, Expectation exp, double x, double zLevel, double dev, double cap,
            DetectorConfig cfg, List<Supplier<Evidence>> evidence) {
        if (runs == null) {
            runs = new RisingRuns();
        }
        RisingRuns.Run run = runs.judge(f, zLevel, RisingRuns.lagOneCorrelation(f, exp));
        if (run == null) {
            return;
        }
        double z = Math.min(run.z(), cap);
        if (z > eventRun) {
            eventRun = z;
            eventRunFeature = f;
        }
        if (z > dev && z >= cfg.threshold() / 2) {
            long from = bucket - (long) (run.buckets() - 1) * Buckets.SECONDS;
            evidence.add(() -> new Evidence("feature", f.wireName(), String.format("%s in 5 min, rising for the last"
                    + " %d buckets, each above normal and above the one before", Units.format(f, x), run.buckets()),
                    String.format("this bucket alone %.1f spreads above normal for its hour; rising buckets count"
                    + " together, the less the more the entity's buckets usually move together (correlation %.2f)",
                    zLevel, run.rho()), z, Instant.ofEpochSecond(from)));
        }
    }

    /**
     * The feature's anomaly likelihood (the stream detector's stage over buckets), in spreads; its
     * evidence when it is what makes the feature unusual.
     */
    private double burst(Feature f, double dev, DetectorConfig cfg, List<Supplier<Evidence>> evidence) {
        if (bursts == null) {
            bursts = new FeatureBursts();
        }
        FeatureBursts.Burst b = bursts.judge(f, dev, bucket);
        if (b == null) {
            return Double.NEGATIVE_INFINITY;
        }
        if (b.z() > dev && b.z() >= cfg.threshold() / 2) {
            evidence.add(() -> new Evidence("feature", f.wireName(), "above normal in " + b.unusualBuckets()
                    + " of its last " + b.window() + " active buckets", "an occasional bucket above normal (anomaly "
                    + "likelihood of the last " + b.window() + " five-minute buckets with activity against the"
                    + " entity's usual)", b.z(), Instant.ofEpochSecond(b.since())));
        }
        return b.z();
    }

    /**
     * Every recent first-seen value of the entity, whether or not it weighed in the score: an analyst's most
     * useful fact (all of a burst of failed logins came from a network never seen before). Values this event
     * showed first are already described.
     */
    private void recentEvidence(long t, long halfLife, List<String> novelNow, List<Evidence> said) {
        recent.forEach(t, halfLife, v -> {
            if (v.firstSeen() == t && novelNow.contains(v.attribute().wireName())) {
                return;
            }
            double ln = v.lnTailAt(t, halfLife);
            long buckets = v.bucketsJudged(t);
            said.add(new Evidence("novelty", v.attribute().wireName(), v.value(), String.format(
                    "first seen %s, chance of a new value then %.2g; %.0f%% of that evidence left, counted in %d"
                    + " five-minute bucket%s: chance %.2g now", Instant.ofEpochSecond(v.firstSeen()),
                    Math.exp(v.lnFirst()), 100 * v.weightAt(t, halfLife), buckets, buckets == 1 ? "" : "s",
                    Math.exp(ln)), Math.max(0, NoveltyScoring.zFromLogTail(ln)), Instant.ofEpochSecond(v.firstSeen())));
        });
    }

    /** "combination of features unusual": which feature broke with which, in the user's words. */
    private Evidence combinationEvidence(FeatureCombination.Judgement j) {
        String observed = String.format("%s %+.1f spreads, %s %+.1f spreads", j.driver().wireName(),
                j.driverDeviation(), j.broken().wireName(), j.brokenDeviation());
        String expected = String.format("%s and %s usually move %s (correlation"
                + " %.2f over the last %.0f active buckets)", j.driver().wireName(), j.broken().wireName(),
                j.correlation() >= 0 ? "together" : "in opposite directions", j.correlation(),
                Math.min(combination.buckets(), FeatureCombination.MEMORY));
        return new Evidence("combination", j.driver().wireName() + "+" + j.broken().wireName(), observed, expected,
                j.z(), Instant.ofEpochSecond(finishedMixBucket));
    }

    /**
     * The name of an anomaly raised by the CUSUM alone (the event itself moved no feature): the feature that
     * fed it, so that its pattern keeps the history of that feature's incidents.
     */
    private String sustainedName() {
        int f = sustainedFeature >= 0 ? sustainedFeature : bucketMaxFeature;
        return f >= 0 ? FEATURES[f].wireName() : "sustained";
    }

    private static boolean shouldAlert(long t, double score, long lastAt, double lastScore, DetectorConfig cfg) {
        return lastAt == Long.MIN_VALUE || t - lastAt >= cfg.quietSeconds() || score >= cfg.realertFactor() * lastScore;
    }

    private double value(int i) {
        return value(i, sum, samples);
    }

    /** A bucket's value of feature {@code i} from its running sum and sample count: the mean or the sum. */
    private static double value(int i, double[] sum, int[] samples) {
        if (FEATURES[i].aggregation() == Feature.Aggregation.MEAN) {
            return samples[i] == 0 ? 0 : sum[i] / samples[i];
        }
        return sum[i];
    }

    private void roll(long newBucket) {
        boolean adjacent = bucket != Long.MIN_VALUE && newBucket - bucket == Buckets.SECONDS;
        forgetUsualHours();
        if (combination != null) {
            finishedMix = combination.finishBucket();
            finishedMixBucket = bucket;
        }
        if (bursts != null) {
            bursts.finishBucket(bucket);
        }
        if (runs != null) {
            runs.finishBucket(adjacent);
        }
        updatePersistence(adjacent);
        for (int i = 0; i < F; i++) {
            Feature f = FEATURES[i];
            boolean sumFeature = f.aggregation() == Feature.Aggregation.SUM;
            boolean hasValue = samples[i] > 0 || (sumFeature && bucket != Long.MIN_VALUE);
            double finalValue = value(i);
            // on its scale only when the next bucket follows: a gap needs neither the trend nor the previous value
            double xs = adjacent && hasValue ? f.toScale(finalValue) : Double.NaN;
            double ps = previousKnown[i] ? previousScaled[i] : Double.NaN;
            trend[i] = adjacent && !Double.isNaN(xs) && !Double.isNaN(ps)
                    ? TREND_ALPHA * (xs - ps) + (1 - TREND_ALPHA) * trend[i] : 0;
            if (adjacent && hasValue) {
                previous[i] = finalValue;
                previousScaled[i] = xs;
                previousKnown[i] = true;
            } else if (sumFeature && bucket != Long.MIN_VALUE) {
                previous[i] = 0;
                previousScaled[i] = ZERO_SCALED[i];
                previousKnown[i] = true;
            } else {
                previousKnown[i] = false;
            }
            if (!adjacent || samples[i] == 0 || (flaggedFeatures & (1 << i)) == 0) {
                since[i] = 0; // a gap, or a finished bucket back to normal, ends the deviation's run
            }
            sum[i] = 0;
            samples[i] = 0;
        }
        flaggedFeatures = 0;
        bucket = newBucket;
    }

    /**
     * Folds the finished bucket into the CUSUM: buckets whose deviation exceeds the allowance add
     * their excess, quiet ones subtract. A gap (no activity) resets it.
     */
    private void updatePersistence(boolean adjacent) {
        double next = Math.max(0, persistence + Math.max(bucketMax, 0) - allowance);
        if (!adjacent) {
            next = 0;
        }
        persistentBuckets = next > 0 ? persistentBuckets + 1 : 0;
        persistence = next;
        if (next == 0) {
            sustainedFeature = -1;
        } else if (bucketMax > allowance && bucketMaxFeature >= 0) {
            sustainedFeature = bucketMaxFeature;
        }
        bucketMax = Double.NEGATIVE_INFINITY;
        bucketMaxFeature = -1;
    }

    /** Drops the baselines looked up in an older snapshot, so an idle entity does not keep it in memory. */
    void forgetBaselines() {
        baselinesOf = null;
        ownBaseline = null;
        populationBaseline = null;
    }

    /** Forgets values learned online once a newer snapshot holds them. */
    void resetOnlineNovelty() {
        novelty.reset();
    }

    EntityKey key() {
        return key;
    }

    /** Start of the current bucket (epoch seconds); {@link Long#MIN_VALUE} before the first event. */
    long bucket() {
        return bucket;
    }

    long lastSeen() {
        return lastSeen;
    }

    void touch(long nowMillis) {
        lastSeen = nowMillis;
    }

    boolean evicted() {
        return evicted;
    }

    void markEvicted() {
        evicted = true;
    }

    /** Writes the state in the order of {@link StateFormat}'s header (features and attributes by ordinal). */
    void write(DataOutput out) throws IOException {
        out.writeLong(lastSeen);
        out.writeLong(bucket);
        for (int i = 0; i < F; i++) {
            out.writeDouble(sum[i]);
            out.writeInt(samples[i]);
            out.writeDouble(previous[i]);
            out.writeBoolean(previousKnown[i]);
            out.writeLong(since[i]);
            out.writeDouble(trend[i]);
        }
        out.writeDouble(persistence);
        out.writeDouble(bucketMax);
        out.writeInt(persistentBuckets);
        out.writeDouble(allowance);
        out.writeLong(lastAlertAt);
        out.writeDouble(lastAlertScore);
        novelty.write(out);
        out.writeBoolean(combination != null);
        if (combination != null) {
            combination.write(out);
            out.writeLong(lastMixAlertAt);
            out.writeDouble(lastMixAlertScore);
        }
        out.writeBoolean(bursts != null);
        if (bursts != null) {
            bursts.write(out);
        }
        recent.write(out);
        out.writeBoolean(runs != null);
        if (runs != null) {
            runs.write(out);
        }
    }

    /**
     * Reads a state {@link #write} wrote, possibly by a build with other features or attributes:
     * {@code features[i]} / {@code attributes[i]} is the current ordinal of the file's i-th one, or -1
     * when it no longer exists (its values are skipped; features new since then start empty). Format 1
     * had no feature combination: it starts empty; before format 4 no recent first-seen values; before 5 no
     * rising runs.
     */
    static EntityState read(DataInput in, EntityKey key, int version, int[] features, int[] attributes)
            throws IOException {
        EntityState s = new EntityState(key);
        s.lastSeen = in.readLong();
        s.bucket = in.readLong();
        for (int fileIndex : features) {
            double sum = in.readDouble();
            int samples = in.readInt();
            double previous = in.readDouble();
            boolean previousKnown = in.readBoolean();
            long since = in.readLong();
            double trend = in.readDouble();
            if (fileIndex >= 0) {
                s.sum[fileIndex] = sum;
                s.samples[fileIndex] = samples;
                s.previous[fileIndex] = previous;
                s.previousScaled[fileIndex] = FEATURES[fileIndex].toScale(previous);
                s.previousKnown[fileIndex] = previousKnown;
                s.since[fileIndex] = since;
                s.trend[fileIndex] = trend;
            }
        }
        s.persistence = in.readDouble();
        s.bucketMax = in.readDouble();
        s.persistentBuckets = in.readInt();
        s.allowance = in.readDouble();
        s.lastAlertAt = in.readLong();
        s.lastAlertScore = in.readDouble();
        s.novelty.read(in, attributes);
        if (version >= 2 && in.readBoolean()) {
            s.combination = FeatureCombination.read(in, features);
            s.lastMixAlertAt = in.readLong();
            s.lastMixAlertScore = in.readDouble();
        }
        if (version >= 2 && in.readBoolean()) {
            s.bursts = FeatureBursts.read(in, features, version);
        }
        if (version >= 4) {
            s.recent.read(in, attributes);
        }
        if (version >= 5 && in.readBoolean()) {
            s.runs = RisingRuns.read(in, features);
        }
        return s;
    }
}
