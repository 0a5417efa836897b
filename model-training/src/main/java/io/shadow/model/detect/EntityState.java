package io.shadow.model.detect;

import io.shadow.features.ActivityEvent;
import io.shadow.features.Buckets;
import io.shadow.features.EntityKey;
import io.shadow.features.EventIds;
import io.shadow.features.Feature;
import io.shadow.features.NoveltyAttribute;
import io.shadow.features.baseline.EntityBaseline;
import io.shadow.features.baseline.FeatureBaseline;
import io.shadow.features.signal.Anomaly;
import io.shadow.features.signal.Evidence;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Incremental state of one entity: the running values of the current five-minute bucket, the
 * final values of the previous one, values seen since the baseline snapshot, and alert history.
 * Not thread-safe; {@link Detector} serialises access per entity.
 */
final class EntityState {
    private static final Feature[] FEATURES = Feature.values();
    private static final int F = FEATURES.length;
    private static final int A = NoveltyAttribute.values().length;

    private final EntityKey key;
    private long bucket = Long.MIN_VALUE;
    private final double[] sum = new double[F];
    private final int[] samples = new int[F];
    private final double[] previous = new double[F];
    private final boolean[] previousKnown = new boolean[F];
    private final long[] since = new long[F];
    /** Values first seen online, per attribute, until the next snapshot includes them. */
    private Map<NoveltyAttribute, Set<String>> seenOnline;
    private final long[] onlineObservations = new long[A];
    private final long[] onlineDistinct = new long[A];
    private long lastAlertAt = Long.MIN_VALUE;
    private double lastAlertScore;

    EntityState(EntityKey key) {
        this.key = key;
    }

    /** A numeric contribution and a categorical value of the current event, collected per entity. */
    record Contribution(Feature feature, double value) {
    }

    record Categorical(NoveltyAttribute attribute, String value) {
    }

    Anomaly observe(ActivityEvent e, List<Contribution> numbers, List<Categorical> categories,
            EntityBaseline own, EntityBaseline population, DetectorConfig cfg) {
        long t = e.time().getEpochSecond();
        long b = Buckets.start(t);
        boolean late = b < bucket;
        if (b > bucket) {
            roll(b);
        }
        List<Evidence> evidence = new ArrayList<>(4);
        double bestFeature = Double.NEGATIVE_INFINITY;
        Feature best = null;
        boolean judgeable = own != null || population != null;
        if (!late) {
            for (Contribution c : numbers) {
                int i = c.feature().ordinal();
                sum[i] += c.value();
                samples[i]++;
            }
            int hour = Buckets.hourOfDay(t);
            for (Contribution c : numbers) {
                Feature f = c.feature();
                FeatureBaseline fo = own == null ? null : own.feature(f);
                FeatureBaseline fp = population == null ? null : population.feature(f);
                if (!judgeable || (fo == null && fp == null)) {
                    continue;
                }
                double dev = deviation(f, fo, fp, hour, cfg, evidence);
                if (dev > bestFeature) {
                    bestFeature = dev;
                    best = f;
                }
            }
        }
        double lnTail = 0;
        List<String> novel = new ArrayList<>(2);
        for (Categorical c : categories) {
            double lnP = novelty(c, own, population);
            if (lnP < 0) {
                lnTail += lnP;
                novel.add(c.attribute().wireName());
                evidence.add(new Evidence("novelty", c.attribute().wireName(), c.value(),
                        String.format("chance of a new value %.2g", Math.exp(lnP)), 0, e.time()));
            }
        }
        double noveltyScore = novel.isEmpty() ? Double.NEGATIVE_INFINITY : NoveltyScoring.zFromLogTail(lnTail);
        double score = Math.max(bestFeature, noveltyScore);
        if (score < cfg.threshold() || !shouldAlert(t, score, cfg)) {
            return null;
        }
        lastAlertAt = t;
        lastAlertScore = score;
        String what = bestFeature >= noveltyScore ? best.wireName() : "novel_" + String.join("+", novel);
        String pattern = what + "@" + e.resourceType().wireName();
        return new Anomaly(EventIds.derive("anomaly", e.eventId(), key), key, e.time(), e.eventId(), score, pattern,
                e.resourceType(), e.resourceId(), e.principal(), e.host(), e.srcIp(), e.userAgent(), evidence);
    }

    private double deviation(Feature f, FeatureBaseline own, FeatureBaseline pop, int hour, DetectorConfig cfg,
            List<Evidence> evidence) {
        int i = f.ordinal();
        Expectation exp = Expectation.of(f, own, pop, hour, cfg);
        double x = value(i);
        double prev = previousKnown[i] ? previous[i] : exp.level();
        double dev = Math.min(exp.levelDeviation(x), exp.rateDeviation(x, prev));
        if (dev >= cfg.threshold() / 2) {
            if (since[i] == 0) {
                since[i] = bucket;
            }
            evidence.add(new Evidence("feature", f.wireName(), Units.format(f, x) + " in 5 min",
                    exp.normalRange(f) + ", change from " + Units.format(f, prev), dev,
                    Instant.ofEpochSecond(since[i])));
        }
        return dev;
    }

    /** ln of the evidence a value carries: 0 when the value is known, negative when it is new. */
    private double novelty(Categorical c, EntityBaseline own, EntityBaseline population) {
        int a = c.attribute().ordinal();
        Map<String, Long> usual = own == null ? Map.of() : own.usual(c.attribute());
        Set<String> online = seenOnline == null ? Set.of() : seenOnline.getOrDefault(c.attribute(), Set.of());
        long observations = onlineObservations[a];
        long distinct = onlineDistinct[a];
        for (long n : usual.values()) {
            observations += n;
        }
        distinct += usual.size();
        onlineObservations[a]++;
        if (usual.containsKey(c.value()) || online.contains(c.value())) {
            return 0;
        }
        if (seenOnline == null) {
            seenOnline = new HashMap<>();
        }
        seenOnline.computeIfAbsent(c.attribute(), x -> new HashSet<>()).add(c.value());
        onlineDistinct[a]++;
        double p = NoveltyScoring.newValueProbability(observations, distinct);
        if (population != null) {
            Map<String, Long> pop = population.usual(c.attribute());
            long total = 0;
            for (long n : pop.values()) {
                total += n;
            }
            p = Math.max(p, NoveltyScoring.populationShare(pop.getOrDefault(c.value(), 0L), total));
        }
        return Math.log(Math.min(1, p));
    }

    private boolean shouldAlert(long t, double score, DetectorConfig cfg) {
        return lastAlertAt == Long.MIN_VALUE || t - lastAlertAt >= cfg.quietSeconds()
                || score >= cfg.realertFactor() * lastAlertScore;
    }

    private double value(int i) {
        if (FEATURES[i].aggregation() == Feature.Aggregation.MEAN) {
            return samples[i] == 0 ? 0 : sum[i] / samples[i];
        }
        return sum[i];
    }

    private void roll(long newBucket) {
        boolean adjacent = bucket != Long.MIN_VALUE && newBucket - bucket == Buckets.SECONDS;
        for (int i = 0; i < F; i++) {
            boolean sumFeature = FEATURES[i].aggregation() == Feature.Aggregation.SUM;
            if (adjacent && samples[i] > 0) {
                previous[i] = value(i);
                previousKnown[i] = true;
            } else if (sumFeature && bucket != Long.MIN_VALUE) {
                previous[i] = 0;
                previousKnown[i] = true;
            } else {
                previousKnown[i] = false;
            }
            if (!adjacent || samples[i] == 0) {
                since[i] = 0;
            }
            sum[i] = 0;
            samples[i] = 0;
        }
        bucket = newBucket;
    }

    /** Forgets values learned online once a newer snapshot holds them. */
    void resetOnlineNovelty() {
        seenOnline = null;
        java.util.Arrays.fill(onlineObservations, 0);
        java.util.Arrays.fill(onlineDistinct, 0);
    }
}
