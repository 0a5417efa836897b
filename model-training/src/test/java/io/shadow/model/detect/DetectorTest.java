package io.shadow.model.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.shadow.features.ActivityEvent;
import io.shadow.features.EntityKey;
import io.shadow.features.EventClass;
import io.shadow.features.Feature;
import io.shadow.features.NoveltyAttribute;
import io.shadow.features.ProcessRef;
import io.shadow.features.ResourceType;
import io.shadow.features.baseline.BaselineSnapshot;
import io.shadow.features.baseline.EntityBaseline;
import io.shadow.features.baseline.FeatureBaseline;
import io.shadow.features.signal.Anomaly;
import io.shadow.features.signal.Evidence;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DetectorTest {
    private static final String TENANT = "acme";
    /** A Monday, 10:00 UTC: inside everyone's working hours. */
    private static final Instant T = Instant.parse("2026-11-09T10:00:00Z");
    private static final String OFFICE_IP = "10.20.1.11";
    private static final String FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
    /** A week of five-minute buckets. */
    private static final long WEEK = 2016;

    /** A count feature with the given per-bucket mean and variance. */
    private static FeatureBaseline counts(double mean, double variance) {
        return FeatureBaseline.flat(Math.round(mean), Math.sqrt(variance), mean, variance, 0,
                Math.sqrt(2 * variance), WEEK);
    }

    /** A volume feature around the given bytes per bucket, on its log scale. */
    private static FeatureBaseline volume(double bytesPerBucket) {
        double level = Math.log1p(bytesPerBucket);
        return FeatureBaseline.flat(level, 0.5, level, 0.25, 0, 0.5, WEEK);
    }

    /** An engineer's week: ten calls per bucket, about a megabyte out, deletes and privileged calls rare. */
    private static Map<Feature, FeatureBaseline> engineerFeatures() {
        Map<Feature, FeatureBaseline> f = new EnumMap<>(Feature.class);
        f.put(Feature.EVENTS, counts(10, 15));
        f.put(Feature.BYTES_OUT, volume(1e6));
        f.put(Feature.DELETES, counts(0.02, 0.02));
        f.put(Feature.PRIVILEGED_OPS, counts(0.01, 0.01));
        f.put(Feature.FAILURES, counts(0.2, 0.25));
        return f;
    }

    /** What a week-old profile has seen: one office network, two clients, the usual calls. */
    private static Map<NoveltyAttribute, Map<String, Long>> engineerHabits() {
        Map<NoveltyAttribute, Map<String, Long>> u = new EnumMap<>(NoveltyAttribute.class);
        u.put(NoveltyAttribute.SOURCE_NETWORK, Map.of("10.20.1.0/24", 20_000L));
        u.put(NoveltyAttribute.USER_AGENT, Map.of(FIREFOX, 15_000L, "aws-cli/2.22.4", 5_000L));
        u.put(NoveltyAttribute.OPERATION, Map.of("GetObject", 12_000L, "ListObjects", 5_000L, "PutObject", 2_990L,
                "DeleteObject", 10L));
        u.put(NoveltyAttribute.RESOURCE, Map.of("s3://eng-artifacts", 20_000L));
        return u;
    }

    private static EntityBaseline engineer(String id) {
        EntityKey key = EntityKey.principal(TENANT, id);
        return new EntityBaseline(key, engineerFeatures(), engineerHabits());
    }

    private static BaselineSnapshot snapshot(EntityBaseline... entities) {
        Map<EntityKey, EntityBaseline> m = new HashMap<>();
        for (EntityBaseline b : entities) {
            m.put(b.entity(), b);
        }
        return new BaselineSnapshot(-1, T.minusSeconds(86_400), m);
    }

    private static ActivityEvent.Builder call(String principal, String operation, Instant at) {
        return ActivityEvent.builder().tenant(TENANT).time(at).principal(principal).operation(operation)
                .resourceType(ResourceType.DATA_STORAGE).resourceId("s3://eng-artifacts").srcIp(OFFICE_IP)
                .userAgent(FIREFOX);
    }

    /** {@code n} deletes 1.5 s apart from {@code start}, all in one bucket. */
    private static List<Anomaly> deleteBurst(Detector detector, String principal, Instant start, int n) {
        List<Anomaly> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.addAll(detector.observe(call(principal, "DeleteObject", start.plusMillis(1500L * i)).build()));
        }
        return out;
    }

    @Test
    void aNormalWorkingMorningRaisesNothing() {
        Detector detector = new Detector(DetectorConfig.defaults(), snapshot(engineer("alice")));
        String[] ops = {"GetObject", "ListObjects", "GetObject", "PutObject", "GetObject"};
        List<Anomaly> raised = new ArrayList<>();

        for (int i = 0; i < 24 * 10; i++) { // two hours, ten calls per bucket
            ActivityEvent e = call("alice", ops[i % ops.length], T.plusSeconds(30L * i)).bytesOut(100_000)
                    .userAgent(i % 4 == 0 ? "aws-cli/2.22.4" : FIREFOX).build();
            raised.addAll(detector.observe(e));
        }

        assertThat(raised).isEmpty();
        assertThat(detector.trackedEntities()).isEqualTo(1);
    }

    @Test
    void aBucketNewToThePrincipalTurnsModeratelyHighVolumeIntoAnAnomalyThatNamesIt() {
        Detector detector = new Detector(DetectorConfig.defaults(), snapshot(engineer("alice"), engineer("bob")));
        List<Anomaly> alice = new ArrayList<>();
        List<Anomaly> bob = new ArrayList<>();

        for (int i = 0; i < 10; i++) { // ten downloads of 800 kB in five minutes: eight times the usual volume
            Instant at = T.plusSeconds(30L * i);
            alice.addAll(detector.observe(call("alice", "GetObject", at).resourceId("s3://finance-reports/2025/q"
                    + i + ".csv").bytesOut(800_000).build()));
            bob.addAll(detector.observe(call("bob", "GetObject", at).resourceId("s3://eng-artifacts/build-" + i
                    + ".tar").bytesOut(800_000).build()));
        }

        assertThat(bob).as("the same volume from the principal's own bucket stays below the threshold").isEmpty();
        assertThat(alice).isNotEmpty();
        assertThat(alice.get(0).evidence()).extracting(Evidence::name, Evidence::observed)
                .contains(tuple("resource", "s3://finance-reports"));
    }

    @Test
    void aSnapshotBuiltBeforeBucketsWereCountedTakesNoBucketAsNew() {
        // an upgrade: the tenant's baselines know networks, clients and operations, but no data containers yet
        Map<NoveltyAttribute, Map<String, Long>> before = new EnumMap<>(engineerHabits());
        before.remove(NoveltyAttribute.RESOURCE);
        EntityKey population = EntityKey.principal(TENANT, EntityKey.POPULATION);
        Detector detector = new Detector(DetectorConfig.defaults(), snapshot(
                new EntityBaseline(EntityKey.principal(TENANT, "alice"), engineerFeatures(), before),
                new EntityBaseline(population, engineerFeatures(), before)));
        List<Anomaly> raised = new ArrayList<>();
        Instant later = T.plusSeconds(300L * 600);
        for (int i = 0; i < 6000; i++) { // two days of her usual work since the upgrade: one bucket, seen online
            raised.addAll(detector.observe(call("alice", i % 5 == 0 ? "ListObjects" : "GetObject",
                    T.plusSeconds(30L * i)).bytesOut(100_000).build()));
        }
        assertThat(raised).isEmpty();

        for (int i = 0; i < 10; i++) { // the same eight-fold volume from a bucket it never counted for her
            raised.addAll(detector.observe(call("alice", "GetObject", later.plusSeconds(30L * i)).resourceId(
                    "s3://finance-reports/2025/q" + i + ".csv").bytesOut(800_000).build()));
        }

        assertThat(raised).as("every bucket would look new until the nightly run counts them").isEmpty();
    }

    @Test
    void anExfiltrationThatArrivesLateIsJudgedOnItsOwnAndSaysSo() {
        Detector detector = new Detector(DetectorConfig.defaults(), snapshot(engineer("alice")));
        String[] ops = {"GetObject", "ListObjects", "GetObject", "PutObject", "GetObject"};
        List<Anomaly> onTime = new ArrayList<>();
        for (int i = 0; i < 10; i++) { // the gateway's events of 10:20, in time
            onTime.addAll(detector.observe(call("alice", ops[i % ops.length], T.plusSeconds(1200 + 20L * i))
                    .bytesOut(100_000).build()));
        }
        // an agent's backlog of 10:00-10:05 arrives afterwards: its usual calls, and 30 downloads of 40 MB
        List<Anomaly> usual = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            usual.addAll(detector.observe(call("alice", ops[i % ops.length], T.plusSeconds(20L * i))
                    .bytesOut(100_000).build()));
        }
        List<Anomaly> exfiltration = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            exfiltration.addAll(detector.observe(call("alice", "GetObject", T.plusSeconds(200 + 3L * i))
                    .bytesOut(40_000_000).build()));
        }

        assertThat(onTime).isEmpty();
        assertThat(usual).as("a late backlog of ordinary activity").isEmpty();
        assertThat(exfiltration).as("raised, and again only as the volume grows by the re-alert factor")
                .isNotEmpty().hasSizeLessThan(6)
                .allSatisfy(x -> assertThat(x.pattern()).isEqualTo("bytes_out@data_storage"));
        Anomaly a = exfiltration.get(0);
        assertThat(a.time()).isBefore(T.plusSeconds(300));
        Evidence ev = a.evidence().stream().filter(x -> x.name().equals("bytes_out")).findFirst().orElseThrow();
        assertThat(ev.observed()).endsWith(" in 5 min, from events that arrived late");
        assertThat(ev.expected()).contains("judged on the late events alone (the entity's events had already "
                + "reached 2026-11-09T10:20:00Z)");
        assertThat(ev.since()).isEqualTo(T);
        assertThat(detector.lateEvents()).isEqualTo(40);
    }

    @Test
    void lateEventsOfActivityTheEntityAlreadyAlertedOnAreNotRaisedAgainWithinTheQuietPeriod() {
        Detector detector = new Detector(DetectorConfig.defaults(), snapshot(engineer("alice")));
        List<Anomaly> onTime = new ArrayList<>();
        for (int i = 0; i < 30; i++) { // 10:05: a download of 1.2 GB, in time
            onTime.addAll(detector.observe(call("alice", "GetObject", T.plusSeconds(300 + 3L * i))
                    .bytesOut(40_000_000).build()));
        }
        for (int i = 0; i < 5; i++) { // 10:10: the entity moves on
            detector.observe(call("alice", "GetObject", T.plusSeconds(600 + 20L * i)).bytesOut(100_000).build());
        }
        List<Anomaly> late = new ArrayList<>();
        for (int i = 0; i < 30; i++) { // 10:05 again, from another source, late: as large, no larger
            late.addAll(detector.observe(call("alice", "GetObject", T.plusSeconds(301 + 3L * i))
                    .bytesOut(20_000_000).build()));
        }

        assertThat(onTime).isNotEmpty();
        assertThat(late).as("the same download, told again late, within the quiet period").isEmpty();
        assertThat(detector.lateEvents()).isEqualTo(30);
    }

    @Test
    void aBurstOfDeletesRaisesADeletesAnomalyWithTheEvidence() {
        Detector detector = new Detector(DetectorConfig.defaults(), snapshot(engineer("alice")));

        List<Anomaly> raised = deleteBurst(detector, "alice", T, 40);

        assertThat(raised).isNotEmpty().allSatisfy(a -> assertThat(a.pattern()).isEqualTo("deletes@data_storage"));
        Anomaly first = raised.get(0);
        assertThat(first.entity()).isEqualTo(EntityKey.principal(TENANT, "alice"));
        assertThat(first.principal()).isEqualTo("alice");
        assertThat(first.resourceId()).isEqualTo("s3://eng-artifacts");
        assertThat(first.score()).isGreaterThanOrEqualTo(5.0);
        assertThat(first.evidence()).singleElement().satisfies(ev -> {
            assertThat(ev.kind()).isEqualTo("feature");
            assertThat(ev.name()).isEqualTo("deletes");
            assertThat(ev.observed()).isEqualTo("4 in 5 min");
            assertThat(ev.expected()).as("alice's first bucket: none before it to compare with")
                    .isEqualTo("[0, 2], no previous bucket");
            assertThat(ev.since()).isEqualTo(T);
        });
        assertThat(first.evidence().get(0).describe())
                .startsWith("deletes = 4 in 5 min, expected [0, 2], no previous bucket (");
        assertThat(first.process()).as("no process involved").isNull();
    }

    @Test
    void sinceIsWhereTheCurrentRunOfUnusualBucketsBeganNotAnEarlierBumpThatPassed() {
        Detector detector = new Detector(DetectorConfig.defaults(), snapshot(engineer("alice")));
        List<Anomaly> raised = new ArrayList<>();
        for (int b = 0; b < 12; b++) { // an hour of five-minute buckets, every one with calls
            int calls = b == 0 ? 22 : b >= 10 ? 60 : 10; // a passing bump at 10:00, then a surge from 10:50
            for (int i = 0; i < calls; i++) {
                raised.addAll(detector.observe(call("alice", "GetObject", T.plusSeconds(300L * b + 4L * i))
                        .bytesOut(100_000).build()));
            }
        }

        Anomaly surge = raised.stream().filter(a -> a.time().isAfter(T.plusSeconds(3000))).findFirst().orElseThrow();
        Evidence ev = surge.evidence().stream().filter(x -> x.name().equals("events")).findFirst().orElseThrow();
        assertThat(ev.since()).as(ev.describe()).isEqualTo(T.plusSeconds(3000));
        assertThat(ev.expected()).contains(", previous bucket ");
    }

    @Test
    void aBurstOfProcessStartsNamesTheProcessOfTheEventThatRaisedIt() {
        EntityKey host = EntityKey.host(TENANT, "web-1");
        Map<Feature, FeatureBaseline> quiet = new EnumMap<>(Feature.class);
        quiet.put(Feature.PROCESS_STARTS, counts(0.5, 0.5));
        Detector detector = new Detector(DetectorConfig.defaults(),
                snapshot(new EntityBaseline(host, quiet, new EnumMap<>(NoveltyAttribute.class))));
        Map<String, ProcessRef> launched = new HashMap<>();
        List<Anomaly> raised = new ArrayList<>();

        for (int i = 0; i < 30; i++) {
            ActivityEvent e = ActivityEvent.builder().tenant(TENANT).time(T.plusSeconds(5L * i))
                    .eventClass(EventClass.PROCESS_ACTIVITY).operation("launch").host("web-1")
                    .resourceType(ResourceType.PROCESS).resourceId("/usr/bin/xmrig")
                    .raw(Map.of("pid", Integer.toString(4000 + i), "start_ticks", Integer.toString(90_000 + i)))
                    .build();
            launched.put(e.eventId(), new ProcessRef(4000 + i, 90_000L + i));
            raised.addAll(detector.observe(e));
        }

        assertThat(raised).isNotEmpty().allSatisfy(a -> {
            assertThat(a.pattern()).endsWith("@process");
            assertThat(a.process()).as("the pid and start time of the launch that raised it")
                    .isEqualTo(launched.get(a.eventId()));
        });
    }

    @Test
    void anAnomalyRaisedByTheSustainedSumAloneIsNamedAfterTheFeatureThatFedIt() {
        EntityKey host = EntityKey.host(TENANT, "web-1");
        Map<Feature, FeatureBaseline> quiet = new EnumMap<>(Feature.class);
        quiet.put(Feature.PROCESS_STARTS, counts(0.5, 0.5)); // no CPU baseline: a CPU sample moves no feature
        DetectorConfig everyAlert = new DetectorConfig(5, DetectorConfig.defaults().hourPrior(),
                DetectorConfig.defaults().populationPrior(), 1.25, 0, DetectorConfig.defaults().sustainedAllowance());
        Detector detector = new Detector(everyAlert,
                snapshot(new EntityBaseline(host, quiet, new EnumMap<>(NoveltyAttribute.class))));
        for (int b = 0; b < 4; b++) { // four buckets of launch bursts
            for (int i = 0; i < 12; i++) {
                detector.observe(ActivityEvent.builder().tenant(TENANT).time(T.plusSeconds(300L * b + 5L * i))
                        .eventClass(EventClass.PROCESS_ACTIVITY).operation("launch").host("web-1")
                        .resourceType(ResourceType.PROCESS).resourceId("/usr/bin/xmrig").build());
            }
        }

        List<Anomaly> sample = detector.observe(ActivityEvent.builder().tenant(TENANT).time(T.plusSeconds(1210))
                .eventClass(EventClass.RESOURCE_USAGE).operation("sample").host("web-1")
                .resourceType(ResourceType.COMPUTE).resourceId("host:web-1").cpuPct(35.0).build());

        assertThat(sample).singleElement().satisfies(a -> {
            assertThat(a.pattern()).isEqualTo("process_starts@compute");
            assertThat(a.evidence()).extracting(Evidence::name).contains("sustained");
        });
    }

    @Test
    void aBurstOfPrivilegeGrantsRaisesAPrivilegedOpsAnomaly() {
        Detector detector = new Detector(DetectorConfig.defaults(), snapshot(engineer("bob")));
        List<Anomaly> raised = new ArrayList<>();
        String[] grants = {"CreateUser", "CreateAccessKey", "AttachUserPolicy", "AddUserToGroup", "PutUserPolicy",
            "CreateLoginProfile"};

        for (int i = 0; i < grants.length; i++) {
            raised.addAll(detector.observe(call("bob", grants[i], T.plusSeconds(30L * i))
                    .resourceType(ResourceType.IDENTITY).resourceId("iam:user/svc-backdoor").build()));
        }

        assertThat(raised).isNotEmpty();
        assertThat(raised.get(0).pattern()).isEqualTo("privileged_ops@identity");
        assertThat(raised.get(0).evidence()).filteredOn(ev -> ev.kind().equals("feature"))
                .extracting(Evidence::name).contains("privileged_ops");
    }

    @Test
    void aMatureProfileSeenFromANewNetworkWithANewClientRaisesANoveltyAnomaly() {
        Detector detector = new Detector(DetectorConfig.defaults(), snapshot(engineer("carol")));

        List<Anomaly> raised = detector.observe(call("carol", "GetObject", T).srcIp("185.220.101.47")
                .userAgent("python-requests/2.32.3").build());

        assertThat(raised).singleElement().satisfies(a -> {
            assertThat(a.pattern()).isEqualTo("novel_source_network+user_agent@data_storage");
            assertThat(a.srcIp()).isEqualTo("185.220.101.47");
            assertThat(a.evidence()).allSatisfy(ev -> assertThat(ev.kind()).isEqualTo("novelty"))
                    .extracting(Evidence::name, Evidence::observed)
                    .containsExactly(tuple("source_network", "185.220.101.0/24"),
                            tuple("user_agent", "python-requests/2.32.3"));
        });
    }

    @Test
    void aNewValueSeenOnceIsNotNewTheSecondTime() {
        Detector detector = new Detector(DetectorConfig.defaults(), snapshot(engineer("carol")));
        ActivityEvent.Builder fromTor = call("carol", "GetObject", T).srcIp("185.220.101.47")
                .userAgent("python-requests/2.32.3");

        assertThat(detector.observe(fromTor.build())).hasSize(1);
        assertThat(detector.observe(fromTor.time(T.plusSeconds(3600)).build())).isEmpty();
    }

    /** A tenant whose people often script against S3 from the Tor /24 (a scraping team, say). */
    private static EntityBaseline populationThatKnowsTheScriptingClient() {
        EntityKey population = EntityKey.principal(TENANT, EntityKey.POPULATION);
        Map<NoveltyAttribute, Map<String, Long>> seenInTenant = new EnumMap<>(NoveltyAttribute.class);
        seenInTenant.put(NoveltyAttribute.SOURCE_NETWORK, Map.of("185.220.101.0/24", 300L, "10.20.1.0/24", 700L));
        seenInTenant.put(NoveltyAttribute.USER_AGENT, Map.of("python-requests/2.32.3", 400L, FIREFOX, 600L));
        seenInTenant.put(NoveltyAttribute.OPERATION, Map.of("GetObject", 1_000L));
        return new EntityBaseline(population, engineerFeatures(), seenInTenant);
    }

    @Test
    void theSameValuesForABrandNewPrincipalWhoseTenantKnowsThemRaiseNothing() {
        Detector detector = new Detector(DetectorConfig.defaults(),
                snapshot(engineer("carol"), populationThatKnowsTheScriptingClient()));

        List<Anomaly> raised = detector.observe(call("dave", "GetObject", T).srcIp("185.220.101.47")
                .userAgent("python-requests/2.32.3").build());

        assertThat(raised).isEmpty();
        assertThat(detector.trackedEntities()).isEqualTo(1);
    }

    @Test
    void aValueCommonInTheTenantIsWeakEvidenceEvenForAMatureProfile() {
        Detector detector = new Detector(DetectorConfig.defaults(),
                snapshot(engineer("carol"), populationThatKnowsTheScriptingClient()));

        List<Anomaly> raised = detector.observe(call("carol", "GetObject", T).srcIp("185.220.101.47")
                .userAgent("python-requests/2.32.3").build());

        assertThat(raised).isEmpty();
    }

    @Test
    void aNewPrincipalIsJudgedAgainstItsPopulation() {
        EntityKey population = EntityKey.principal(TENANT, EntityKey.POPULATION);
        Detector quietTenant = new Detector(DetectorConfig.defaults(),
                snapshot(new EntityBaseline(population, engineerFeatures(), engineerHabits())));

        List<Anomaly> raised = deleteBurst(quietTenant, "erin", T, 40);

        assertThat(raised).isNotEmpty();
        assertThat(raised.get(0).entity()).isEqualTo(EntityKey.principal(TENANT, "erin"));
        assertThat(raised.get(0).pattern()).isEqualTo("deletes@data_storage");
        assertThat(raised.get(0).evidence()).filteredOn(ev -> ev.name().equals("deletes"))
                .singleElement().extracting(Evidence::expected).asString().startsWith("[0, 2]");
        assertThat(raised.get(0).evidence()).as("says it has no baseline of its own, which keeps it out of the "
                + "emergency band").filteredOn(ev -> ev.kind().equals(Evidence.COLD_START)).singleElement()
                .satisfies(ev -> assertThat(ev.expected()).startsWith("its population's (every principal of tenant "));

        Detector known = new Detector(DetectorConfig.defaults(), snapshot(engineer("alice"),
                new EntityBaseline(population, engineerFeatures(), engineerHabits())));
        assertThat(deleteBurst(known, "alice", T, 40)).isNotEmpty().allSatisfy(a -> assertThat(a.evidence())
                .noneMatch(ev -> ev.kind().equals(Evidence.COLD_START)));
        assertThat(deleteBurst(known, "ALICE", T, 40)).as("another spelling of a known name is no newcomer: an "
                + "attacker signing in as ALICE keeps the emergency path").isNotEmpty()
                .allSatisfy(a -> assertThat(a.evidence()).noneMatch(ev -> ev.kind().equals(Evidence.COLD_START)));
    }

    @Test
    void aBurstThatIsRoutineForThePopulationRaisesNothingForANewPrincipal() {
        EntityKey population = EntityKey.principal(TENANT, EntityKey.POPULATION);
        Map<Feature, FeatureBaseline> cleanupJobs = engineerFeatures();
        cleanupJobs.put(Feature.EVENTS, counts(40, 80));
        cleanupJobs.put(Feature.DELETES, counts(30, 60));
        Detector busyTenant = new Detector(DetectorConfig.defaults(),
                snapshot(new EntityBaseline(population, cleanupJobs, engineerHabits())));

        assertThat(deleteBurst(busyTenant, "erin", T, 40)).isEmpty();
    }

    @Test
    void anEntityNeitherItNorItsPopulationHasABaselineForIsNotJudged() {
        Detector detector = new Detector(DetectorConfig.defaults(), snapshot(engineer("alice")));

        assertThat(deleteBurst(detector, "mallory", T, 40)).isEmpty();
    }

    @Test
    void aStillAnomalousBucketReAlertsOnlyWhenTheScoreGrowsByTheRealertFactor() {
        DetectorConfig cfg = DetectorConfig.defaults();
        Detector detector = new Detector(cfg, snapshot(engineer("alice")));

        List<Anomaly> burst = deleteBurst(detector, "alice", T, 40);

        assertThat(burst).hasSizeGreaterThan(1).hasSizeLessThan(20);
        for (int i = 1; i < burst.size(); i++) {
            assertThat(burst.get(i).score()).isGreaterThanOrEqualTo(cfg.realertFactor() * burst.get(i - 1).score());
        }
    }

    @Test
    void theSameBurstAgainWithinTheQuietPeriodIsNotRaisedTwice() {
        DetectorConfig cfg = DetectorConfig.defaults();
        Detector detector = new Detector(cfg, snapshot(engineer("alice")));
        List<Anomaly> first = deleteBurst(detector, "alice", T, 40);

        List<Anomaly> again = deleteBurst(detector, "alice", T.plusSeconds(600), 40);
        List<Anomaly> afterQuiet = deleteBurst(detector, "alice", T.plusSeconds(60 + cfg.quietSeconds()), 40);

        assertThat(first).isNotEmpty();
        assertThat(again).isEmpty();
        assertThat(afterQuiet).isNotEmpty();
        assertThat(afterQuiet.get(0).score()).isEqualTo(first.get(0).score());
    }

    @Test
    void aRealertFactorOfOneRaisesEveryEventAboveTheThreshold() {
        DetectorConfig everyTime = new DetectorConfig(5, 24, 48, 1.0, 1800, 4);
        Detector detector = new Detector(everyTime, snapshot(engineer("alice")));

        List<Anomaly> raised = deleteBurst(detector, "alice", T, 40);

        assertThat(raised).hasSize(40 - 3); // from the fourth delete on, see the evidence test
    }

    @Test
    void aHigherThresholdRaisesLater() {
        Detector strict = new Detector(DetectorConfig.defaults().withThreshold(10), snapshot(engineer("alice")));

        List<Anomaly> raised = deleteBurst(strict, "alice", T, 40);

        assertThat(raised).isNotEmpty();
        assertThat(raised.get(0).score()).isGreaterThanOrEqualTo(10);
        assertThat(raised.get(0).evidence()).extracting(Evidence::observed).doesNotContain("4 in 5 min");
    }

    @Test
    void eachEventsAnomalyHasAStableId() {
        List<String> ids = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            Detector detector = new Detector(DetectorConfig.defaults(), snapshot(engineer("alice")));
            ids.add(deleteBurst(detector, "alice", T, 40).get(0).anomalyId());
        }

        assertThat(ids.get(0)).isEqualTo(ids.get(1));
    }
}
