package io.shadow.model.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.features.ActivityEvent;
import io.shadow.features.Buckets;
import io.shadow.features.EntityKey;
import io.shadow.features.Feature;
import io.shadow.features.NoveltyAttribute;
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
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A transfer volume growing bucket after bucket, through the real {@link Detector} with baselines computed
 * from a realistic history the way the nightly does (per hour of day: medians and robust spreads of the
 * five-minute buckets, and of the changes between adjacent ones). A finance analyst makes a few calls a
 * bucket — small queries, now and then a report of about 600 kB — so the usual volume of a bucket varies
 * tenfold, and a single bucket is only unusual far above it. The demo's exfiltration (objects from the
 * analyst's own bucket, 3 MB growing 15 % a minute, 1 + k/5 calls in minute k) must still be raised in its
 * first quarter of an hour; growth that is the entity's routine must not be.
 */
class RisingVolumeTest {
    private static final String TENANT = "acme";
    private static final String ANALYST = "u-fin-02";
    private static final String ETL = "svc-etl";
    /** Monday of the history week, 00:00 UTC; the live day is the Monday after. */
    private static final Instant WEEK_START = Instant.parse("2026-11-02T00:00:00Z");
    private static final Instant LIVE_DAY = WEEK_START.plusSeconds(7 * 86_400L);
    private static final Instant EXFIL_START = LIVE_DAY.plusSeconds(13 * 3600);
    private static final String OFFICE_IP = "10.20.2.12";
    private static final String BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0.0.0";

    /** One analyst's bucket of work: Poisson(3.3) calls, a third of them report downloads, the rest queries. */
    private static List<ActivityEvent> analystBucket(Random rnd, Instant bucket, double reportGrowth) {
        List<ActivityEvent> out = new ArrayList<>();
        int calls = poisson(rnd, 40.0 / 12);
        for (int i = 0; i < calls; i++) {
            Instant at = bucket.plusMillis(rnd.nextInt(300_000));
            boolean report = rnd.nextInt(3) == 0;
            long bytes = (long) ((report ? 600_000 * reportGrowth : 40_000) * Math.exp(0.5 * rnd.nextGaussian()));
            out.add(call(ANALYST, report ? "GetObject" : "Query", at, bytes));
        }
        return out;
    }

    private static ActivityEvent call(String principal, String operation, Instant at, long bytesOut) {
        boolean object = !operation.equals("Query");
        return ActivityEvent.builder().tenant(TENANT).time(at).principal(principal).operation(operation)
                .resourceType(object ? ResourceType.DATA_STORAGE : ResourceType.DATABASE)
                .resourceId(object ? "s3://finance-reports" : "db://finance").srcIp(OFFICE_IP).userAgent(BROWSER)
                .bytesOut(bytesOut).build();
    }

    /**
     * The analyst's working days, 08:00 to 18:00 on weekdays, from {@code fromDay} (days after the history
     * week's Monday) to {@code hour} of {@code toDay}; {@code morningGrowth} makes the first hour's reports
     * grow by that factor every bucket (1: no ramp-up).
     */
    private static List<ActivityEvent> workingDays(long seed, int fromDay, int toDay, int hour, double morningGrowth) {
        Random rnd = new Random(seed);
        List<ActivityEvent> out = new ArrayList<>();
        for (int day = fromDay; day <= toDay; day++) {
            if (day % 7 >= 5) {
                continue;
            }
            int end = day == toDay ? hour * 12 : 18 * 12;
            for (int b = 8 * 12; b < end; b++) {
                double growth = b < 9 * 12 ? Math.pow(morningGrowth, b - 8 * 12) : 1;
                out.addAll(analystBucket(rnd, WEEK_START.plusSeconds(day * 86_400L + b * 300L), growth));
            }
        }
        return out;
    }

    /** The demo's exfiltration: in minute k, 1 + k/5 downloads of 3 MB × 1.15^k each (±20 %), for 45 minutes. */
    private static List<ActivityEvent> exfiltration(Random rnd) {
        List<ActivityEvent> out = new ArrayList<>();
        for (int k = 0; k < 45; k++) {
            for (int c = 0; c < 1 + k / 5; c++) {
                long bytes = (long) (3e6 * Math.pow(1.15, k) * Math.exp(0.2 * rnd.nextGaussian()));
                out.add(call(ANALYST, "GetObject", EXFIL_START.plusSeconds(k * 60L + rnd.nextInt(60)), bytes));
            }
        }
        out.sort(Comparator.comparing(ActivityEvent::time));
        return out;
    }

    /**
     * A nightly export from 02:00: nine buckets of five reads, each bucket's reads 1.6 times the last's,
     * the whole night {@code size} times a usual one (nights vary by about ±50 %).
     */
    private static List<ActivityEvent> nightlyExport(Random rnd, int day, double size) {
        List<ActivityEvent> out = new ArrayList<>();
        double night = size * Math.exp(0.4 * rnd.nextGaussian());
        for (int k = 0; k < 9; k++) {
            Instant bucket = WEEK_START.plusSeconds(day * 86_400L + 2 * 3600 + k * 300L);
            for (int i = 0; i < 5; i++) {
                long bytes = (long) (2e6 * night * Math.pow(1.6, k) * Math.exp(0.1 * rnd.nextGaussian()));
                out.add(call(ETL, "GetObject", bucket.plusSeconds(60L * i + rnd.nextInt(60)), bytes));
            }
        }
        return out;
    }

    private static Detector replayed(BaselineSnapshot snapshot, List<ActivityEvent> history) {
        Detector d = new Detector(DetectorConfig.defaults(), snapshot);
        d.observeAll(history);
        return d;
    }

    @Test
    void theHistoryIsRealisticAndRaisesNothing() {
        List<ActivityEvent> week = workingDays(7, 0, 4, 18, 1);
        BaselineSnapshot snapshot = snapshotOf(week);
        FeatureBaseline.Stats usual = snapshot.entity(EntityKey.principal(TENANT, ANALYST))
                .feature(Feature.BYTES_OUT).hour(13);

        assertThat(week).hasSizeBetween(1_400, 2_200);
        assertThat(usual.scale()).as("a bucket's volume varies several-fold").isBetween(1.0, 2.5);
        assertThat(usual.diffScale()).as("and so does the change from one bucket to the next")
                .isGreaterThan(usual.scale());
        assertThat(new Detector(DetectorConfig.defaults(), snapshot).observeAll(week)).isEmpty();
    }

    @Test
    void aTransferGrowingBucketAfterBucketIsRaisedInItsFirstQuarterOfAnHour() {
        List<ActivityEvent> week = workingDays(7, 0, 4, 18, 1);
        Detector d = replayed(snapshotOf(week), week);
        assertThat(d.observeAll(workingDays(8, 7, 7, 13, 1))).as("the live morning").isEmpty();

        List<Anomaly> raised = d.observeAll(exfiltration(new Random(42)));

        assertThat(raised).isNotEmpty();
        Anomaly first = raised.get(0);
        assertThat(first.pattern()).isEqualTo("bytes_out@data_storage");
        // the level alone first reaches the threshold at about 13:20, when a bucket holds 2,000 times the usual
        assertThat(first.time()).isBefore(EXFIL_START.plusSeconds(15 * 60));
        assertThat(first.evidence()).extracting(Evidence::observed)
                .anyMatch(o -> o.contains("each above normal and above the one before"));
        assertThat(first.evidence()).filteredOn(ev -> ev.observed().contains("rising for the last"))
                .extracting(Evidence::since).containsExactly(EXFIL_START);
    }

    @Test
    void aRisingRunSurvivesARestartOfTheScorer() throws IOException {
        List<ActivityEvent> week = workingDays(7, 0, 4, 18, 1);
        BaselineSnapshot snapshot = snapshotOf(week);
        List<ActivityEvent> live = new ArrayList<>(workingDays(8, 7, 7, 13, 1));
        live.addAll(exfiltration(new Random(42)));
        Instant restartAt = EXFIL_START.plusSeconds(10 * 60); // two buckets into the run
        List<ActivityEvent> before = live.stream().filter(e -> e.time().isBefore(restartAt)).toList();
        List<ActivityEvent> after = live.stream().filter(e -> !e.time().isBefore(restartAt)).toList();
        Detector uninterrupted = replayed(snapshot, week);
        uninterrupted.observeAll(before);
        Detector stopped = replayed(snapshot, week);
        assertThat(stopped.observeAll(before)).isEmpty();
        ByteArrayOutputStream state = new ByteArrayOutputStream();
        stopped.exportState(state);
        Detector restarted = new Detector(DetectorConfig.defaults(), snapshot);
        restarted.importState(new ByteArrayInputStream(state.toByteArray()));

        List<Anomaly> expected = uninterrupted.observeAll(after);
        List<Anomaly> raised = restarted.observeAll(after);

        assertThat(raised).isNotEmpty();
        assertThat(raised.get(0).time()).isEqualTo(expected.get(0).time());
        assertThat(raised.get(0).score()).isEqualTo(expected.get(0).score());
    }

    /**
     * Every morning the analyst's first hour opens ever larger reports (each bucket's 30 % larger than the
     * last, 23 times by nine): growth many times over, bucket after bucket, that the hour's own level
     * already expects.
     */
    @Test
    void aWorkingDayThatRampsUpEveryMorningIsNotRaised() {
        List<ActivityEvent> week = workingDays(7, 0, 4, 18, 1.3);
        Detector d = replayed(snapshotOf(week), week);

        assertThat(d.observeAll(workingDays(8, 7, 7, 12, 1.3))).isEmpty();
    }

    /**
     * A nightly export that grows 1.6 times a bucket for 45 minutes (a 40-fold ramp) as it does every
     * night, on a night eight times a usual one (a quarter's close): its buckets move together, so its
     * run above the hour's level is hardly more evidence than its highest bucket, which is within range.
     * Taken as independent, the same buckets would add up to an anomaly.
     */
    @Test
    void aNightlyBatchGrowingAsUsualOnABigNightIsNotRaised() {
        Random rnd = new Random(5);
        List<ActivityEvent> nights = new ArrayList<>();
        for (int day = 0; day < 7; day++) {
            nights.addAll(nightlyExport(rnd, day, 1));
        }
        Detector d = replayed(snapshotOf(nights), nights);

        assertThat(d.observeAll(nightlyExport(new Random(6), 7, 8))).isEmpty();
    }

    // -- the baseline the nightly would compute from the history

    private static BaselineSnapshot snapshotOf(List<ActivityEvent> events) {
        Map<String, TreeMap<Long, double[]>> buckets = new HashMap<>();
        Map<String, Map<NoveltyAttribute, Map<String, Long>>> usual = new HashMap<>();
        for (ActivityEvent e : events) {
            double[] v = buckets.computeIfAbsent(e.principal(), p -> new TreeMap<>())
                    .computeIfAbsent(Buckets.start(e.time().getEpochSecond()), b -> new double[2]);
            v[0]++;
            v[1] += e.bytesOut();
            Map<NoveltyAttribute, Map<String, Long>> u = usual.computeIfAbsent(e.principal(),
                    p -> new EnumMap<>(NoveltyAttribute.class));
            count(u, NoveltyAttribute.SOURCE_NETWORK, e.srcIp().substring(0, e.srcIp().lastIndexOf('.') + 1) + "0/24");
            count(u, NoveltyAttribute.USER_AGENT, e.userAgent());
            count(u, NoveltyAttribute.OPERATION, e.operation());
            count(u, NoveltyAttribute.RESOURCE, e.resourceId());
        }
        Map<EntityKey, EntityBaseline> m = new HashMap<>();
        buckets.forEach((principal, series) -> {
            Map<Feature, FeatureBaseline> f = new EnumMap<>(Feature.class);
            f.put(Feature.EVENTS, hourly(series, 0, false));
            f.put(Feature.BYTES_OUT, hourly(series, 1, true));
            for (Feature zero : List.of(Feature.DELETES, Feature.PRIVILEGED_OPS, Feature.FAILURES)) {
                f.put(zero, FeatureBaseline.flat(0, 0, 0, 0, 0, 0, series.size()));
            }
            EntityKey key = EntityKey.principal(TENANT, principal);
            m.put(key, new EntityBaseline(key, f, usual.get(principal)));
        });
        return new BaselineSnapshot(1, LIVE_DAY.minusSeconds(86_400), m);
    }

    private static void count(Map<NoveltyAttribute, Map<String, Long>> usual, NoveltyAttribute a, String v) {
        usual.computeIfAbsent(a, x -> new HashMap<>()).merge(v, 1L, Long::sum);
    }

    /**
     * Per hour of day and over all hours: the buckets' values and the changes into them from the bucket
     * five minutes before. Counts are zero in the idle buckets of an active hour; volumes ({@code log})
     * count active buckets only, on their log scale.
     */
    private static FeatureBaseline hourly(TreeMap<Long, double[]> series, int column, boolean log) {
        Map<Integer, List<Double>> values = new TreeMap<>();
        Map<Integer, List<Double>> changes = new TreeMap<>();
        long first = series.firstKey() / 3600 * 3600;
        long last = series.lastKey() / 3600 * 3600 + 3600;
        double previous = Double.NaN;
        for (long b = first; b < last; b += Buckets.SECONDS) {
            long hourStart = b / 3600 * 3600;
            boolean activeHour = series.subMap(hourStart, hourStart + 3600).size() > 0;
            double[] v = series.get(b);
            double x = v == null ? (log || !activeHour ? Double.NaN : 0) : log ? Math.log1p(v[column]) : v[column];
            int hour = Buckets.hourOfDay(b);
            if (!Double.isNaN(x)) {
                values.computeIfAbsent(hour, h -> new ArrayList<>()).add(x);
                if (!Double.isNaN(previous)) {
                    changes.computeIfAbsent(hour, h -> new ArrayList<>()).add(x - previous);
                }
            }
            previous = x;
        }
        FeatureBaseline.Stats[] hours = new FeatureBaseline.Stats[FeatureBaseline.HOURS];
        values.forEach((h, x) -> hours[h] = stats(x, changes.getOrDefault(h, List.of())));
        return new FeatureBaseline(hours, stats(values.values().stream().flatMap(List::stream).toList(),
                changes.values().stream().flatMap(List::stream).toList()));
    }

    private static FeatureBaseline.Stats stats(List<Double> values, List<Double> changes) {
        double[] level = summary(values);
        double[] change = changes.isEmpty() ? new double[4] : summary(changes);
        return new FeatureBaseline.Stats(level[0], level[1], level[2], level[3], change[0], change[1], values.size());
    }

    private static double[] summary(List<Double> x) {
        return RobustFigures.summary(x.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static int poisson(Random rnd, double mean) {
        double l = Math.exp(-mean);
        double p = 1;
        int k = 0;
        do {
            k++;
            p *= rnd.nextDouble();
        } while (p > l);
        return k - 1;
    }
}
