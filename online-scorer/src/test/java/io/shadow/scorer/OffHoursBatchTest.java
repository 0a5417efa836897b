package io.shadow.scorer;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.features.ActivityEvent;
import io.shadow.features.EventClass;
import io.shadow.features.ResourceType;
import io.shadow.features.baseline.BaselineSnapshot;
import io.shadow.features.signal.Assessment;
import io.shadow.features.signal.Evidence;
import io.shadow.mitigation.Band;
import io.shadow.mitigation.profile.ProfileLoader;
import io.shadow.mitigation.profile.ProfileSet;
import io.shadow.model.detect.DetectorConfig;
import io.shadow.model.intel.ThreatIntel;
import io.shadow.model.registry.LocalModelRegistry;
import io.shadow.model.risk.PatternHistory;
import io.shadow.model.risk.ResourceRisk;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reviewer's finding: "a batch job at an unusual hour reaches the emergency band". A service principal runs
 * the same batch every night at 02:00 (the demo's svc-etl: 60 reads of about 40 MB from its warehouse, 20 writes
 * of about 20 MB to the curated one, in half an hour, from its own address and client) for four weeks; then it
 * runs the very same batch at 14:00, or on a weekday it never ran on. Usual activity at an unusual time, and
 * nothing else, is at most a low-band action (log, rate-limit), never isolation or an emergency lockout. Judged
 * end to end: baselines by the nightly's rules ({@link NightlyBaselines}), the history replayed through the
 * scorer first, the analysts' risk model and the default profiles' bands. Before the hour alone counted as weak
 * evidence ({@code UsualHour}), the 14:00 run reached medium on the principal (events, score 13.9, risk 71) and
 * the emergency band on its host (cpu_pct 76 % against [0 %, 12 %] at that hour, score 55, risk 86).
 */
class OffHoursBatchTest {
    private static final String TENANT = "acme";
    private static final String SVC = "svc-etl";
    private static final String IP = "10.0.2.20";
    private static final String CLIENT = "spark-etl/3.5.3";
    /** Monday; four weeks of nights follow. */
    private static final Instant START = Instant.parse("2026-10-05T00:00:00Z");
    private static final int NIGHTS = 28;
    private static final Instant LIVE = START.plusSeconds(NIGHTS * 86_400L);
    private static final String HOST = "batch-1";
    private static final long RUN_SECONDS = 1800;

    @TempDir
    Path dir;

    private final List<ActivityEvent> history = new ArrayList<>();
    private BaselineSnapshot snapshot;

    @BeforeEach
    void fourWeeksOfNightlyBatches() {
        Random rnd = new Random(7);
        List<long[]> runs = new ArrayList<>();
        for (int night = 0; night < NIGHTS; night++) {
            Instant day = START.plusSeconds(night * 86_400L);
            if (night % 7 < 5) { // Monday to Friday only: it never ran on a Saturday
                Instant run = day.plusSeconds(2 * 3600);
                history.addAll(batch(rnd, run, IP, CLIENT, 1));
                runs.add(new long[] {run.getEpochSecond(), run.getEpochSecond() + RUN_SECONDS + 300});
            }
        }
        history.addAll(hostSamples(rnd, START, LIVE, runs));
        history.sort(Comparator.comparing(ActivityEvent::time));
        snapshot = NightlyBaselines.fit(history, LIVE);
    }

    /** The demo's nightly ETL run from {@code start}: 60 reads, 20 writes, in 30 minutes; {@code size} scales it. */
    private static List<ActivityEvent> batch(Random rnd, Instant start, String ip, String client, int size) {
        List<ActivityEvent> out = new ArrayList<>();
        for (int i = 0; i < 80 * size; i++) {
            boolean read = i % 4 != 3;
            out.add(ActivityEvent.builder().tenant(TENANT).time(start.plusMillis((long) (rnd.nextDouble()
                            * RUN_SECONDS * 1000))).principal(SVC).eventClass(EventClass.API_ACTIVITY)
                    .operation(read ? "GetObject" : "PutObject").resourceType(ResourceType.DATA_STORAGE)
                    .resourceId(read ? "s3://warehouse" : "s3://warehouse-curated").srcIp(ip).userAgent(client)
                    .bytesOut(read ? bytes(rnd, 40e6) : 1_000).bytesIn(read ? 800 : bytes(rnd, 20e6)).build());
        }
        return out;
    }

    /**
     * The batch host's minute samples over [from, to): idle at about 6 % CPU, 0.5 MB a minute out; during a run
     * CPU ramps to 78 % in two minutes and 30 MB a minute more go out (the demo's load window).
     */
    private static List<ActivityEvent> hostSamples(Random rnd, Instant from, Instant to, List<long[]> runs) {
        List<ActivityEvent> out = new ArrayList<>();
        for (long t = from.getEpochSecond(); t < to.getEpochSecond(); t += 60) {
            double cpu = 6 + 3 * rnd.nextGaussian();
            double net = 5e5;
            for (long[] r : runs) {
                if (t >= r[0] && t < r[1]) {
                    double ramp = Math.min(1, (t - r[0]) / 120.0);
                    cpu = Math.max(cpu, cpu + ramp * (78 - cpu)) + 2 * rnd.nextGaussian();
                    net += 30e6;
                }
            }
            Instant at = Instant.ofEpochSecond(t, rnd.nextInt(1000) * 1_000_000L);
            out.add(ActivityEvent.builder().tenant(TENANT).time(at).host(HOST).eventClass(EventClass.RESOURCE_USAGE)
                    .operation("sample").resourceType(ResourceType.COMPUTE).resourceId("host:" + HOST)
                    .cpuPct(Math.max(0, Math.min(100, cpu))).memPct(45 + 2 * rnd.nextGaussian())
                    .bytesOut(Math.round(net * (1 + 0.1 * rnd.nextGaussian()))).build());
        }
        return out;
    }

    private static long bytes(Random rnd, double median) {
        return Math.round(median * Math.exp(rnd.nextGaussian()));
    }

    /** The batch at {@code start}: its principal's calls, its host's samples from an hour before to an hour after. */
    private static List<ActivityEvent> runAt(Instant start, String ip, String client, int size) {
        Random rnd = new Random(99);
        List<ActivityEvent> out = new ArrayList<>(batch(rnd, start, ip, client, size));
        long s = start.getEpochSecond();
        out.addAll(hostSamples(rnd, start.minusSeconds(3600), start.plusSeconds(RUN_SECONDS + 3600),
                List.<long[]>of(new long[] {s, s + RUN_SECONDS + 300})));
        out.sort(Comparator.comparing(ActivityEvent::time));
        return out;
    }

    /** The assessments the scorer hands the mitigation side for {@code live}, after it has seen the history. */
    private List<Assessment> scoreAfterHistory(List<ActivityEvent> live) {
        List<Assessment> out = new ArrayList<>();
        OnlineScorer scorer = new OnlineScorer(DetectorConfig.defaults(), snapshot, ThreatIntel.EMPTY,
                PatternHistory.EMPTY, ResourceRisk.defaults(),
                new RiskModelHolder(new LocalModelRegistry(dir.resolve("registry")), "shadow-risk"), a -> {
                    out.add(a);
                    return "observed";
                });
        history.forEach(scorer::score);
        out.clear();
        live.forEach(scorer::score);
        return out;
    }

    private static Band worst(List<Assessment> assessments) {
        ProfileSet profiles = ProfileLoader.defaults();
        return assessments.stream().map(a -> profiles.band(a.risk().score())).max(Comparator.naturalOrder())
                .orElse(Band.NONE);
    }

    /** Every assessment with its evidence, for a failure's message. */
    private static String describe(List<Assessment> assessments) {
        StringBuilder out = new StringBuilder();
        for (Assessment a : assessments) {
            out.append(String.format("%n%s %s score %.1f risk %.1f", a.anomaly().time(), a.anomaly().pattern(),
                    a.anomaly().score(), a.risk().score()));
            a.anomaly().evidence().forEach(e -> out.append("\n    ").append(e));
        }
        return out.toString();
    }

    @Test
    void theNightlyBatchAtItsUsualHourIsNotActedOn() {
        List<Assessment> a = scoreAfterHistory(runAt(LIVE.plusSeconds(2 * 3600), IP, CLIENT, 1));
        assertThat(worst(a)).as(describe(a)).isEqualTo(Band.NONE);
    }

    @Test
    void theSameBatchAtTwoInTheAfternoonIsAtMostLowBand() {
        List<Assessment> a = scoreAfterHistory(runAt(LIVE.plusSeconds(14 * 3600), IP, CLIENT, 1));
        assertThat(worst(a)).as(describe(a)).isLessThanOrEqualTo(Band.LOW);
    }

    @Test
    void theSameBatchOnADayItNeverRanOnIsAtMostLowBand() {
        Instant saturday = LIVE.minusSeconds(2 * 86_400L);
        assertThat(saturday.atOffset(ZoneOffset.UTC).getDayOfWeek()).isEqualTo(DayOfWeek.SATURDAY);
        history.removeIf(e -> !e.time().isBefore(saturday));
        snapshot = NightlyBaselines.fit(history, saturday);
        List<Assessment> a = scoreAfterHistory(runAt(saturday.plusSeconds(2 * 3600), IP, CLIENT, 1));
        assertThat(worst(a)).as(describe(a)).isLessThanOrEqualTo(Band.LOW);
    }

    @Test
    void atAnUnusualHourFromANetworkAndClientNeverSeenItIsStillAnAnomaly() {
        List<Assessment> a = scoreAfterHistory(runAt(LIVE.plusSeconds(14 * 3600), "198.51.100.7", "curl/8.5.0", 1));
        assertThat(a).as("the hour's weak evidence and the first-seen values together: %s", describe(a))
                .anySatisfy(x -> {
            assertThat(x.anomaly().principal()).isEqualTo(SVC);
            assertThat(x.anomaly().evidence()).extracting(Evidence::observed).contains("198.51.100.0/24");
            assertThat(x.anomaly().evidence()).extracting(Evidence::expected)
                    .anySatisfy(e -> assertThat(e).contains("usual for it at 02:00 UTC"));
        });
        assertThat(worst(a)).as("acted on, not only observed: %s", describe(a)).isEqualTo(Band.LOW);
    }

    @Test
    void theExplanationNamesTheUsualHourNearestTheEvent() {
        // the batch at 02:00 on Mondays to Wednesdays and at 14:00 on Thursdays and Fridays; then at 04:00 from a
        // network and client never seen: 02:00 (two hours before) is named, not 14:00 (the first one after)
        Random rnd = new Random(11);
        history.clear();
        List<long[]> runs = new ArrayList<>();
        for (int night = 0; night < NIGHTS; night++) {
            if (night % 7 < 5) {
                Instant run = START.plusSeconds(night * 86_400L + (night % 7 < 3 ? 2 : 14) * 3600L);
                history.addAll(batch(rnd, run, IP, CLIENT, 1));
                runs.add(new long[] {run.getEpochSecond(), run.getEpochSecond() + RUN_SECONDS + 300});
            }
        }
        history.addAll(hostSamples(rnd, START, LIVE, runs));
        history.sort(Comparator.comparing(ActivityEvent::time));
        snapshot = NightlyBaselines.fit(history, LIVE);

        List<Assessment> a = scoreAfterHistory(runAt(LIVE.plusSeconds(4 * 3600), "198.51.100.7", "curl/8.5.0", 1));
        List<String> usual = a.stream().flatMap(x -> x.anomaly().evidence().stream()).map(Evidence::expected)
                .filter(e -> e.contains("usual for it at")).toList();
        assertThat(usual).as(describe(a)).isNotEmpty()
                .allSatisfy(e -> assertThat(e).contains("usual for it at 02:00 UTC"));
    }

    @Test
    void oneOffExportAtAnotherHourDoesNotMakeThatHourUsual() {
        // an analyst reading a few objects every working hour, who once ran a 100-minute export from 03:00
        Random rnd = new Random(5);
        for (int day = 0; day < NIGHTS; day++) {
            Instant d = START.plusSeconds(day * 86_400L);
            for (int hour = 9; hour < 17; hour++) {
                for (int i = 0; i < 6; i++) {
                    history.add(read("u-ana", d.plusSeconds(hour * 3600L + rnd.nextInt(3600)), bytes(rnd, 1e6)));
                }
            }
        }
        Instant once = START.plusSeconds(10 * 86_400L + 3 * 3600);
        for (int i = 0; i < 600; i++) {
            history.add(read("u-ana", once.plusSeconds(rnd.nextInt(6000)), bytes(rnd, 40e6)));
        }
        history.sort(Comparator.comparing(ActivityEvent::time));
        snapshot = NightlyBaselines.fit(history, LIVE);
        List<ActivityEvent> export = new ArrayList<>();
        Instant live = LIVE.plusSeconds(14 * 3600);
        for (int i = 0; i < 300; i++) {
            export.add(read("u-ana", live.plusSeconds(rnd.nextInt(3000)), bytes(rnd, 40e6)));
        }
        export.sort(Comparator.comparing(ActivityEvent::time));

        List<Assessment> a = scoreAfterHistory(export);
        // the volume: 03:00 and 04:00 hold twelve and eight buckets of their own, fewer than detector.hour-prior (24)
        assertThat(a).as(describe(a)).allSatisfy(x -> assertThat(x.anomaly().evidence())
                .filteredOn(e -> e.name().equals("bytes_out")).extracting(Evidence::expected)
                .noneMatch(e -> e.contains("usual for it at")));
        assertThat(worst(a)).as(describe(a)).isGreaterThanOrEqualTo(Band.MEDIUM);
    }

    private static ActivityEvent read(String principal, Instant at, long bytes) {
        return ActivityEvent.builder().tenant(TENANT).time(at).principal(principal).eventClass(EventClass.API_ACTIVITY)
                .operation("GetObject").resourceType(ResourceType.DATA_STORAGE).resourceId("s3://finance")
                .srcIp("10.0.3.7").userAgent("aws-cli/2.17").bytesOut(bytes).bytesIn(500).build();
    }

    @Test
    void tenTimesItsVolumeAtAnUnusualHourIsMoreThanTheHour() {
        List<Assessment> a = scoreAfterHistory(runAt(LIVE.plusSeconds(14 * 3600), IP, CLIENT, 10));
        assertThat(worst(a)).as(describe(a)).isGreaterThanOrEqualTo(Band.MEDIUM);
    }
}
