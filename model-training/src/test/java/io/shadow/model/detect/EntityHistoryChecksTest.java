package io.shadow.model.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.shadow.features.ActivityEvent;
import io.shadow.features.EntityKey;
import io.shadow.features.Feature;
import io.shadow.features.NoveltyAttribute;
import io.shadow.features.ResourceType;
import io.shadow.features.baseline.BaselineSnapshot;
import io.shadow.features.baseline.EntityBaseline;
import io.shadow.features.baseline.FeatureBaseline;
import io.shadow.features.signal.Anomaly;
import io.shadow.features.signal.Evidence;
import io.shadow.model.detect.stream.NormalTail;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The checks that rest on an entity's own online history — the density check on its feature vector
 * and the per-feature anomaly likelihood — through the real {@link Detector}: a principal whose
 * calls and bytes sent always move together (each call sends about 100 kB).
 */
class EntityHistoryChecksTest {
    private static final String TENANT = "acme";
    /** A Monday, 00:00 UTC. */
    private static final Instant T = Instant.parse("2026-11-09T00:00:00Z");
    private static final long WEEK = 2016;
    private static final double PER_CALL = 100_000;
    /** Buckets of ordinary work before the test's bucket: a day and a half, more than the check waits for. */
    private static final int HISTORY = 432;

    private static BaselineSnapshot snapshot() {
        Map<Feature, FeatureBaseline> f = new EnumMap<>(Feature.class);
        f.put(Feature.EVENTS, FeatureBaseline.flat(10, Math.sqrt(15), 10, 15, 0, Math.sqrt(30), WEEK));
        double level = Math.log1p(10 * PER_CALL);
        f.put(Feature.BYTES_OUT, FeatureBaseline.flat(level, 0.5, level, 0.25, 0, 0.5, WEEK));
        f.put(Feature.DELETES, FeatureBaseline.flat(0, 0.15, 0.02, 0.02, 0, 0.2, WEEK));
        Map<NoveltyAttribute, Map<String, Long>> usual = new EnumMap<>(NoveltyAttribute.class);
        usual.put(NoveltyAttribute.SOURCE_NETWORK, Map.of("10.20.1.0/24", 20_000L));
        usual.put(NoveltyAttribute.OPERATION, Map.of("GetObject", 20_000L));
        Map<EntityKey, EntityBaseline> m = new java.util.HashMap<>();
        for (String p : List.of("erin", "frank")) {
            EntityKey k = EntityKey.principal(TENANT, p);
            m.put(k, new EntityBaseline(k, f, usual));
        }
        return new BaselineSnapshot(1, T.minusSeconds(86_400), m);
    }

    /** One five-minute bucket of {@code calls} downloads sending {@code bytesPerCall} each. */
    private static List<Anomaly> bucket(Detector d, String principal, int index, int calls, double bytesPerCall) {
        List<Anomaly> out = new ArrayList<>();
        Instant start = T.plusSeconds(300L * index);
        for (int i = 0; i < calls; i++) {
            ActivityEvent e = ActivityEvent.builder().tenant(TENANT).time(start.plusSeconds(280L * i / calls))
                    .principal(principal).operation("GetObject").srcIp("10.20.1.11")
                    .resourceType(ResourceType.DATA_STORAGE).resourceId("s3://eng-artifacts")
                    .bytesOut((long) bytesPerCall).build();
            out.addAll(d.observe(e));
        }
        return out;
    }

    /** A bucket of ten usual downloads; its first event closes the previous bucket, which is then judged whole. */
    private static List<Anomaly> usualBucket(Detector d, String principal, int index) {
        return bucket(d, principal, index, 10, PER_CALL);
    }

    /** Ordinary work: 5 to 15 calls per bucket, each sending about 100 kB. */
    private static List<Anomaly> ordinaryWork(Detector d, String principal, int buckets, long seed) {
        Random r = new Random(seed);
        List<Anomaly> out = new ArrayList<>();
        for (int b = 0; b < buckets; b++) {
            out.addAll(bucket(d, principal, b, 5 + r.nextInt(11), PER_CALL * (0.9 + 0.2 * r.nextDouble())));
        }
        return out;
    }

    @Test
    void normalCorrelatedVariationRaisesNothing() {
        Detector d = new Detector(DetectorConfig.defaults(), snapshot());

        assertThat(ordinaryWork(d, "erin", HISTORY, 1)).isEmpty();
        // busier than ever, calls and bytes together: still the usual combination
        assertThat(bucket(d, "erin", HISTORY, 17, PER_CALL)).isEmpty();
        // quieter than ever, together
        assertThat(bucket(d, "erin", HISTORY + 1, 3, PER_CALL)).isEmpty();
        assertThat(usualBucket(d, "erin", HISTORY + 2)).isEmpty();
    }

    @Test
    void aCombinationNeverSeenIsCaughtWhereEveryFeatureAloneIsWithinRange() {
        Detector learned = new Detector(DetectorConfig.defaults(), snapshot());
        ordinaryWork(learned, "erin", HISTORY, 2);
        Detector fresh = new Detector(DetectorConfig.defaults(), snapshot());

        // the usual ten calls, but each sends 700 kB: 7 MB out in the bucket, within 4 spreads of the
        // usual megabyte on its own; a quiet principal's calls never carried that much together
        List<Anomaly> raised = new ArrayList<>(bucket(learned, "erin", HISTORY, 10, 7 * PER_CALL));
        List<Anomaly> perFeatureOnly = new ArrayList<>(bucket(fresh, "erin", HISTORY, 10, 7 * PER_CALL));
        // the bucket is judged whole, with the first event after it
        raised.addAll(usualBucket(learned, "erin", HISTORY + 1));
        perFeatureOnly.addAll(usualBucket(fresh, "erin", HISTORY + 1));

        assertThat(perFeatureOnly).as("the per-feature checks alone").isEmpty();
        assertThat(raised).isNotEmpty();
        Anomaly a = raised.get(0);
        assertThat(a.pattern()).isEqualTo("combination@data_storage");
        assertThat(a.score()).isGreaterThanOrEqualTo(DetectorConfig.defaults().threshold());
        assertThat(a.evidence()).filteredOn(e -> e.kind().equals("feature"))
                .allSatisfy(e -> assertThat(e.deviations()).isLessThan(DetectorConfig.defaults().threshold()));
        Evidence why = a.evidence().stream().filter(e -> e.kind().equals("combination")).findFirst().orElseThrow();
        assertThat(why.name()).isEqualTo("bytes_out+events");
        assertThat(why.describe()).startsWith("combination of features unusual: bytes_out +")
                .contains("bytes_out and events usually move together (correlation 0.");
        assertThat(why.deviations()).isEqualTo(a.score());
    }

    @Test
    void anEntityWhoseMixIsOftenOddIsJudgedByItsOwnHistoryNotTheGaussianTail() {
        // calls and bytes tightly correlated; for one of them, one bucket in 100 is a backup (usual calls, far more bytes)
        FeatureCombination steady = new FeatureCombination();
        FeatureCombination withBackups = new FeatureCombination();
        Random r = new Random(10);
        for (int b = 0; b < 600; b++) {
            double calls = r.nextGaussian();
            double bytes = calls + 0.3 * r.nextGaussian();
            steady.observe(Feature.EVENTS, calls);
            steady.observe(Feature.BYTES_OUT, bytes);
            steady.finishBucket();
            boolean backup = b % 100 == 99;
            withBackups.observe(Feature.EVENTS, backup ? 0 : calls);
            withBackups.observe(Feature.BYTES_OUT, backup ? 3 : bytes);
            withBackups.finishBucket();
        }
        double[] gaussian = new double[2];
        double[] judged = new double[2];
        List<FeatureCombination> both = List.of(steady, withBackups);
        for (int k = 0; k < 2; k++) {
            both.get(k).observe(Feature.EVENTS, 0);
            both.get(k).observe(Feature.BYTES_OUT, 3);
            gaussian[k] = both.get(k).judgeCurrent().z();
            judged[k] = both.get(k).finishBucket().z();
        }

        assertThat(judged[0]).isEqualTo(gaussian[0]).isGreaterThan(5);
        // a backup is a 1-in-100 bucket for this entity, not a 1-in-a-million one
        assertThat(gaussian[1]).as("the Gaussian tail alone").isGreaterThan(4);
        assertThat(judged[1]).as("against its own history").isBetween(1.5, 3.5);
    }

    @Test
    void combinationsAreJudgedOnlyAfterADayOfTheEntitysOwnActivity() {
        Detector young = new Detector(DetectorConfig.defaults(), snapshot());
        ordinaryWork(young, "erin", 200, 5);

        assertThat(bucket(young, "erin", 200, 10, 7 * PER_CALL)).isEmpty();
        assertThat(usualBucket(young, "erin", 201)).isEmpty();
    }

    @Test
    void anUnusualCombinationDoesNotSilenceAFeatureThatThenGoesOutOfRange() {
        Detector d = new Detector(DetectorConfig.defaults(), snapshot());
        ordinaryWork(d, "erin", HISTORY, 4);
        bucket(d, "erin", HISTORY, 10, 7 * PER_CALL);
        assertThat(usualBucket(d, "erin", HISTORY + 1)).extracting(Anomaly::pattern)
                .contains("combination@data_storage");

        // five minutes later, within the quiet period of the combination's alert: a burst of deletes
        List<Anomaly> raised = new ArrayList<>();
        Instant start = T.plusSeconds(300L * (HISTORY + 2));
        for (int i = 0; i < 40; i++) {
            raised.addAll(d.observe(ActivityEvent.builder().tenant(TENANT).time(start.plusMillis(1500L * i))
                    .principal("erin").operation("DeleteObject").srcIp("10.20.1.11")
                    .resourceType(ResourceType.DATA_STORAGE).resourceId("s3://eng-artifacts").build()));
        }

        assertThat(raised).extracting(Anomaly::pattern).contains("deletes@data_storage");
    }

    @Test
    void aRestoredDetectorRemembersTheCombinationsItLearned() throws IOException {
        Detector learned = new Detector(DetectorConfig.defaults(), snapshot());
        ordinaryWork(learned, "frank", HISTORY, 3);
        ByteArrayOutputStream state = new ByteArrayOutputStream();
        learned.exportState(state);
        Detector restored = new Detector(DetectorConfig.defaults(), snapshot());
        restored.importState(new ByteArrayInputStream(state.toByteArray()));

        bucket(restored, "frank", HISTORY, 10, 7 * PER_CALL);
        assertThat(usualBucket(restored, "frank", HISTORY + 1)).extracting(Anomaly::pattern)
                .contains("combination@data_storage");
    }

    @Test
    void anHourOfModeratelyBusyBucketsRaisesTheFeaturesLikelihoodWhereNoBucketAloneDoes() {
        Detector learned = new Detector(DetectorConfig.defaults(), snapshot());
        ordinaryWork(learned, "erin", HISTORY, 6);
        Detector fresh = new Detector(DetectorConfig.defaults(), snapshot());

        // 19 calls a bucket (about 2 spreads above the usual 10), calls and bytes together
        List<Anomaly> raised = new ArrayList<>();
        List<Anomaly> withoutHistory = new ArrayList<>();
        int firstRaised = -1;
        for (int b = 0; b < 24; b++) { // two hours
            List<Anomaly> now = bucket(learned, "erin", HISTORY + b, 19, PER_CALL);
            if (firstRaised < 0 && !now.isEmpty()) {
                firstRaised = b;
            }
            raised.addAll(now);
            withoutHistory.addAll(bucket(fresh, "erin", HISTORY + b, 19, PER_CALL));
        }

        assertThat(withoutHistory).as("bucket, trend and sustained checks alone").isEmpty();
        assertThat(firstRaised).as("buckets until the likelihood raises it").isBetween(6, 23);
        Anomaly a = raised.get(0);
        assertThat(a.pattern()).isEqualTo("events@data_storage");
        assertThat(a.score()).isGreaterThanOrEqualTo(DetectorConfig.defaults().threshold());
        assertThat(a.evidence()).anySatisfy(e -> {
            assertThat(e.name()).isEqualTo("events");
            assertThat(e.observed()).matches("above normal in \\d+ of its last 30 active buckets");
            assertThat(e.deviations()).isEqualTo(a.score());
        });
    }

    @Test
    void theLikelihoodsEvidenceStartsAtTheOldestActiveBucketItWeighs() {
        // one bucket of work an hour: the likelihood's 30 buckets span 30 hours, not two and a half
        Detector d = new Detector(DetectorConfig.defaults(), snapshot());
        int hour = 12;
        Random r = new Random(9);
        for (int k = 0; k < 200; k++) {
            bucket(d, "erin", k * hour, 5 + r.nextInt(11), PER_CALL * (0.9 + 0.2 * r.nextDouble()));
        }
        Evidence burst = null;
        int at = -1;
        for (int k = 200; k < 240 && burst == null; k++) {
            for (Anomaly a : bucket(d, "erin", k * hour, 19, PER_CALL)) {
                for (Evidence e : a.evidence()) {
                    if (burst == null && e.observed().startsWith("above normal in")) {
                        burst = e;
                        at = k;
                    }
                }
            }
        }

        assertThat(burst).as("the likelihood raised the hourly busy buckets").isNotNull();
        assertThat(burst.since()).isEqualTo(T.plusSeconds(300L * hour * (at - 29)));
    }

    @Test
    void aRestoredDetectorContinuesTheLikelihoodsItWasBuilding() throws IOException {
        Detector uninterrupted = new Detector(DetectorConfig.defaults(), snapshot());
        Detector first = new Detector(DetectorConfig.defaults(), snapshot());
        for (Detector d : List.of(uninterrupted, first)) {
            ordinaryWork(d, "frank", HISTORY, 8);
            for (int b = 0; b < 5; b++) {
                bucket(d, "frank", HISTORY + b, 19, PER_CALL);
            }
        }
        ByteArrayOutputStream state = new ByteArrayOutputStream();
        first.exportState(state);
        Detector restored = new Detector(DetectorConfig.defaults(), snapshot());
        restored.importState(new ByteArrayInputStream(state.toByteArray()));

        List<String> expected = new ArrayList<>();
        List<String> actual = new ArrayList<>();
        for (int b = 5; b < 24; b++) {
            for (Anomaly a : bucket(uninterrupted, "frank", HISTORY + b, 19, PER_CALL)) {
                expected.add(b + " " + a.pattern() + " " + a.score());
            }
            for (Anomaly a : bucket(restored, "frank", HISTORY + b, 19, PER_CALL)) {
                actual.add(b + " " + a.pattern() + " " + a.score());
            }
        }
        assertThat(expected).isNotEmpty();
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void ordinaryBucketsAfterTheWarmUpRaiseNoLikelihood() {
        Detector d = new Detector(DetectorConfig.defaults(), snapshot());

        assertThat(ordinaryWork(d, "erin", 2 * HISTORY, 7)).isEmpty();
    }

    @Test
    void theDistanceIsTheMahalanobisDistance() {
        // S = [[1, 0.9], [0.9, 1]]: x = (1, -1) is far against the correlation, (1, 1) near along it
        double[][] s = {{1, 0.9}, {0.9, 1}};
        assertThat(FeatureCombination.mahalanobis(s, new double[] {1, -1}, 2)).isCloseTo(2 / 0.1, within(1e-9));
        assertThat(FeatureCombination.mahalanobis(s, new double[] {1, 1}, 2)).isCloseTo(2 / 1.9, within(1e-9));
    }

    @Test
    void chiSquareTailsMapToTheNormalScaleOfTheOtherChecks() {
        // one degree of freedom: q = z² has twice the one-sided normal tail of z
        double z1 = FeatureCombination.chiSquareZ(25, 1);
        assertThat(NormalTail.upper(z1)).isCloseTo(2 * NormalTail.upper(5), within(1e-10));
        // two: P(χ²₂ > q) = e^(-q/2)
        assertThat(NormalTail.upper(FeatureCombination.chiSquareZ(20, 2))).isCloseTo(Math.exp(-10), within(1e-8));
        // many: the median of χ²_ν is about ν(1 - 2/(9ν))³, i.e. z ≈ 0
        assertThat(FeatureCombination.chiSquareZ(5 * Math.pow(1 - 2.0 / 45, 3), 5)).isCloseTo(0, within(1e-9));
        assertThat(FeatureCombination.chiSquareZ(40, 5)).isGreaterThan(FeatureCombination.chiSquareZ(30, 5));
    }
}
