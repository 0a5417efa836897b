package io.shadow.model.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.shadow.features.ActivityEvent;
import io.shadow.features.EntityKey;
import io.shadow.features.Feature;
import io.shadow.features.NoveltyAttribute;
import io.shadow.features.Outcome;
import io.shadow.features.ResourceType;
import io.shadow.features.baseline.BaselineSnapshot;
import io.shadow.features.baseline.EntityBaseline;
import io.shadow.features.baseline.FeatureBaseline;
import io.shadow.features.signal.Anomaly;
import io.shadow.features.signal.Evidence;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Stolen credentials used quietly (audit finding F4): an engineer with a realistic week of history — about
 * 1,800 calls in bursty sessions, from the office or the VPN, always the same browser — whose credentials
 * make the demo's credential-misuse calls from a network never seen, with the victim's own browser. The
 * baseline is computed from the week the way the nightly does (medians and robust spreads of five-minute
 * buckets, the usual values with their counts), and the week is replayed through the detector first, so
 * its online checks have their history.
 */
class StolenCredentialTest {
    private static final String TENANT = "acme";
    private static final String USER = "u-eng-03";
    /** Monday of the history week, 00:00 UTC; the live day is the Monday after. */
    private static final Instant WEEK_START = Instant.parse("2026-11-02T00:00:00Z");
    private static final Instant LIVE_DAY = WEEK_START.plusSeconds(7 * 86_400L);
    private static final String FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
    private static final String OFFICE = "10.20.1.";
    private static final String VPN = "172.16.8.";
    private static final String ATTACKER_IP = "203.0.113.99";
    private static final String ATTACKER_NET = "203.0.113.0/24";
    private static final String[] OPS = {"GetObject", "GetObject", "GetObject", "ListObjects", "ListObjects", "PutObject"};

    private final List<ActivityEvent> week = new ArrayList<>();
    private BaselineSnapshot snapshot;

    @BeforeEach
    void aWeekOfHistory() {
        Random rnd = new Random(3);
        for (int day = 0; day < 5; day++) {
            String net = day == 2 || day == 4 ? VPN : OFFICE; // Wednesdays and Fridays from home
            for (int b = 8 * 12; b < 18 * 12; b++) {
                Instant bucket = WEEK_START.plusSeconds(day * 86_400L + b * 300L);
                week.addAll(workingBucket(rnd, bucket, net, 1));
            }
        }
        snapshot = snapshotOf(week);
    }

    /**
     * One five-minute bucket of ordinary work: active in a third of the buckets, then a session of
     * calls (geometric, about 9), downloads heavy-tailed around 1.5 MB; {@code busy} multiplies the
     * chance of a session.
     */
    private static List<ActivityEvent> workingBucket(Random rnd, Instant bucket, String net, double busy) {
        List<ActivityEvent> out = new ArrayList<>();
        if (rnd.nextDouble() >= 0.34 * busy) {
            return out;
        }
        int calls = 1;
        while (rnd.nextDouble() < 0.89 && calls < 60) {
            calls++;
        }
        for (int i = 0; i < calls; i++) {
            String op = OPS[rnd.nextInt(OPS.length)];
            long bytes = op.equals("GetObject") ? (long) (1.5e6 * Math.exp(1.2 * rnd.nextGaussian())) : 2_000;
            boolean denied = rnd.nextDouble() < 0.015; // a missing permission now and then
            out.add(call(op, bucket.plusMillis((long) (300_000.0 * i / calls)), net + (11 + rnd.nextInt(3)))
                    .bytesOut(denied ? 0 : bytes).outcome(denied ? Outcome.FAILURE : Outcome.SUCCESS).build());
        }
        return out;
    }

    private static ActivityEvent.Builder call(String operation, Instant at, String ip) {
        return ActivityEvent.builder().tenant(TENANT).time(at).principal(USER).operation(operation)
                .resourceType(ResourceType.DATA_STORAGE).resourceId("s3://eng-datasets").srcIp(ip).userAgent(FIREFOX);
    }

    /** The demo's credential-misuse from {@code ip}: identity probe, listings, 37 downloads of 3 MB in 13 min. */
    private static List<ActivityEvent> credentialMisuse(Instant start, String ip) {
        List<ActivityEvent> out = new ArrayList<>();
        out.add(call("GetCallerIdentity", start, ip).resourceType(ResourceType.IDENTITY).resourceId("iam").build());
        out.add(call("ListBuckets", start.plusSeconds(8), ip).build());
        out.add(call("ListObjects", start.plusSeconds(15), ip).build());
        for (int i = 0; i < 37; i++) {
            out.add(call("GetObject", start.plusSeconds(25 + 21L * i), ip).bytesOut(3_000_000).build());
        }
        return out;
    }

    private Detector replayedWeek(DetectorConfig cfg) {
        Detector d = new Detector(cfg, snapshot);
        for (ActivityEvent e : week) {
            d.observe(e);
        }
        return d;
    }

    /** The live Monday's ordinary morning, 08:00 to {@code until} (hours), from the office. */
    private static List<ActivityEvent> morning(int until, double busy) {
        Random rnd = new Random(11);
        List<ActivityEvent> out = new ArrayList<>();
        for (int b = 8 * 12; b < until * 12; b++) {
            out.addAll(workingBucket(rnd, LIVE_DAY.plusSeconds(b * 300L), OFFICE, busy));
        }
        return out;
    }

    private static List<String> novelNetworks(List<Anomaly> anomalies) {
        return anomalies.stream().flatMap(a -> a.evidence().stream())
                .filter(ev -> ev.kind().equals("novelty") && ev.name().equals("source_network"))
                .map(Evidence::observed).distinct().toList();
    }

    @Test
    void theWeekIsRealistic() {
        assertThat(week).hasSizeBetween(1_500, 2_200);
        assertThat(snapshot.entity(EntityKey.principal(TENANT, USER)).usual(NoveltyAttribute.SOURCE_NETWORK))
                .containsOnlyKeys(OFFICE + "0/24", VPN + "0/24");
        assertThat(new Detector(DetectorConfig.defaults(), snapshot).observeAll(week))
                .as("the week the baseline was built from is normal").isEmpty();
    }

    @Test
    void quietCredentialMisuseFromANewNetworkIsRaisedAndNamesTheNetwork() {
        Detector d = replayedWeek(DetectorConfig.defaults());
        assertThat(d.observeAll(morning(10, 1))).isEmpty();

        List<Anomaly> raised = d.observeAll(credentialMisuse(LIVE_DAY.plusSeconds(10 * 3600 + 1800), ATTACKER_IP));

        assertThat(raised).as("the misuse, victim's browser, address on no feed").isNotEmpty();
        assertThat(raised.get(0).time()).as("within its first five minutes")
                .isBefore(LIVE_DAY.plusSeconds(10 * 3600 + 1800 + 300));
        assertThat(novelNetworks(raised)).containsExactly(ATTACKER_NET);
    }

    @Test
    void aBusyDayFromTheUsualNetworksStaysSilent() {
        Detector d = replayedWeek(DetectorConfig.defaults());
        List<ActivityEvent> day = morning(18, 2);
        assertThat(day.size()).as("twice a usual day's calls").isGreaterThan(2 * week.size() / 5 - 100);

        assertThat(d.observeAll(day)).isEmpty();
    }

    /** Keys tried from a new network and refused: the alert on the failures names the network, seen at the first. */
    @Test
    void aBurstOfRefusedCallsNamesTheNewNetworkItCameFrom() {
        Detector d = replayedWeek(DetectorConfig.defaults());
        d.observeAll(morning(10, 1));
        List<Anomaly> raised = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            raised.addAll(d.observe(call("ListObjects", LIVE_DAY.plusSeconds(11 * 3600 + 6L * i), "198.51.100.23")
                    .outcome(Outcome.FAILURE).build()));
        }

        assertThat(raised).isNotEmpty();
        assertThat(raised.get(0).evidence()).extracting(Evidence::name).contains("failures");
        assertThat(novelNetworks(raised.subList(0, 1))).containsExactly("198.51.100.0/24");
    }

    /**
     * A new network with otherwise ordinary work (a hotel, a new Wi-Fi): about one call in six hundred of
     * this user's comes from a network it never used, so alone it is routine, and an alert on it would
     * reach every travelling user every few weeks. It must take unusual activity beside it.
     */
    @Test
    void aNewNetworkWithOrdinaryWorkStaysSilent() {
        Detector d = replayedWeek(DetectorConfig.defaults());
        Random rnd = new Random(5);
        List<ActivityEvent> hotel = new ArrayList<>();
        for (int b = 9 * 12; hotel.size() < 40; b++) {
            hotel.addAll(workingBucket(rnd, LIVE_DAY.plusSeconds(b * 300L), "198.51.100.", 1));
        }

        assertThat(d.observeAll(hotel)).isEmpty();
    }

    @Test
    void recentFirstSeenValuesSurviveARestart() throws IOException {
        Detector before = replayedWeek(DetectorConfig.defaults());
        before.observeAll(morning(10, 1));
        List<ActivityEvent> misuse = credentialMisuse(LIVE_DAY.plusSeconds(10 * 3600 + 1800), ATTACKER_IP);
        // the identity probe, then a restart of the scorer from its checkpoint
        assertThat(before.observeAll(misuse.subList(0, 1))).isEmpty();
        ByteArrayOutputStream state = new ByteArrayOutputStream();
        before.exportState(state);
        Detector restored = new Detector(DetectorConfig.defaults(), snapshot);
        restored.importState(new ByteArrayInputStream(state.toByteArray()));

        List<Anomaly> raised = restored.observeAll(misuse.subList(1, misuse.size()));

        assertThat(raised).isNotEmpty();
        assertThat(raised.get(0).evidence()).filteredOn(ev -> ev.kind().equals("novelty"))
                .extracting(Evidence::name, Evidence::observed).as("the probe before the restart is still recent")
                .contains(tuple("source_network", ATTACKER_NET), tuple("operation", "GetCallerIdentity"));
        assertThat(state.size()).as("one entity's state stays small").isLessThan(6 * 2048);
    }

    // -- the baseline the nightly would compute from the week

    private static BaselineSnapshot snapshotOf(List<ActivityEvent> events) {
        int buckets = 5 * 10 * 12;
        double[] calls = new double[buckets];
        double[] bytes = new double[buckets];
        double[] failures = new double[buckets];
        Map<NoveltyAttribute, Map<String, Long>> usual = new EnumMap<>(NoveltyAttribute.class);
        for (ActivityEvent e : events) {
            long s = e.time().getEpochSecond() - WEEK_START.getEpochSecond();
            int index = (int) ((s / 86_400) * 120 + (s % 86_400 - 8 * 3600) / 300);
            calls[index]++;
            bytes[index] += e.bytesOut();
            failures[index] += e.outcome() == Outcome.FAILURE ? 1 : 0;
            String ip = e.srcIp();
            count(usual, NoveltyAttribute.SOURCE_NETWORK, ip.substring(0, ip.lastIndexOf('.') + 1) + "0/24");
            count(usual, NoveltyAttribute.USER_AGENT, e.userAgent());
            count(usual, NoveltyAttribute.OPERATION, e.operation());
        }
        double[] activeBytes = Arrays.stream(bytes).filter(x -> x > 0).map(Math::log1p).toArray();
        Map<Feature, FeatureBaseline> f = new EnumMap<>(Feature.class);
        f.put(Feature.EVENTS, robust(calls));
        f.put(Feature.BYTES_OUT, robust(activeBytes));
        f.put(Feature.DELETES, FeatureBaseline.flat(0, 0, 0, 0, 0, 0, buckets));
        f.put(Feature.PRIVILEGED_OPS, FeatureBaseline.flat(0, 0, 0, 0, 0, 0, buckets));
        f.put(Feature.FAILURES, robust(failures));
        EntityKey key = EntityKey.principal(TENANT, USER);
        Map<EntityKey, EntityBaseline> m = new HashMap<>();
        m.put(key, new EntityBaseline(key, f, usual));
        return new BaselineSnapshot(1, LIVE_DAY.minusSeconds(86_400), m);
    }

    private static void count(Map<NoveltyAttribute, Map<String, Long>> usual, NoveltyAttribute a, String v) {
        usual.computeIfAbsent(a, x -> new HashMap<>()).merge(v, 1L, Long::sum);
    }

    /** Median, spread (the larger of 1.4826 MAD and (p95 - median) / 1.645), mean and variance, and the same of changes. */
    private static FeatureBaseline robust(double[] x) {
        double[] d = new double[x.length - 1];
        for (int i = 1; i < x.length; i++) {
            d[i - 1] = x[i] - x[i - 1];
        }
        double[] level = RobustFigures.summary(x);
        double[] change = RobustFigures.summary(d);
        return FeatureBaseline.flat(level[0], level[1], level[2], level[3], change[0], change[1], x.length);
    }
}
