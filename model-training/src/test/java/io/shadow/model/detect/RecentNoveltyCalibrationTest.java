package io.shadow.model.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.features.ActivityEvent;
import io.shadow.features.EntityKey;
import io.shadow.features.EventClass;
import io.shadow.features.Feature;
import io.shadow.features.NoveltyAttribute;
import io.shadow.features.ResourceType;
import io.shadow.features.baseline.BaselineSnapshot;
import io.shadow.features.baseline.EntityBaseline;
import io.shadow.features.baseline.FeatureBaseline;
import io.shadow.features.signal.Anomaly;
import io.shadow.model.detect.stream.NormalTail;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * How often recent first-seen values make ordinary activity alert: each value is its own piece of
 * evidence, and a value reused bucket after bucket is charged for every test it takes part in.
 */
class RecentNoveltyCalibrationTest {
    private static final String TENANT = "acme";
    /** A Monday, 10:00 UTC. */
    private static final Instant T = Instant.parse("2026-11-09T10:00:00Z");
    private static final String FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
    private static final String NEW_LAPTOP = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) Gecko/20100101 Firefox/133.0";
    private static final long WEEK = 2016;
    /** The tools a developer's workstation runs every day: about one start in twenty is a program it never ran. */
    private static final String[] DAILY_TOOLS = {"bash", "git", "java", "mvn", "node", "npm", "python3", "code", "ssh",
        "docker", "make", "gcc", "ls", "grep", "sed", "curl", "less", "vim", "kubectl"};

    /** A workstation's week: about three process starts per bucket, 19 tools among ~400 starts of note. */
    private static BaselineSnapshot workstation(String host) {
        EntityKey key = EntityKey.host(TENANT, host);
        Map<Feature, FeatureBaseline> f = new EnumMap<>(Feature.class);
        f.put(Feature.PROCESS_STARTS, FeatureBaseline.flat(3, Math.sqrt(6), 3, 6, 0, Math.sqrt(12), WEEK));
        Map<String, Long> tools = new HashMap<>();
        for (String tool : DAILY_TOOLS) {
            tools.put(tool, 20L);
        }
        Map<NoveltyAttribute, Map<String, Long>> usual = new EnumMap<>(NoveltyAttribute.class);
        usual.put(NoveltyAttribute.PROCESS, tools);
        return snapshotOf(new EntityBaseline(key, f, usual));
    }

    private static BaselineSnapshot snapshotOf(EntityBaseline... entities) {
        Map<EntityKey, EntityBaseline> m = new HashMap<>();
        for (EntityBaseline b : entities) {
            m.put(b.entity(), b);
        }
        return new BaselineSnapshot(-1, T.minusSeconds(86_400), m);
    }

    private static ActivityEvent start(String host, String tool, Instant at) {
        return ActivityEvent.builder().tenant(TENANT).time(at).eventClass(EventClass.PROCESS_ACTIVITY)
                .operation("launch").host(host).resourceType(ResourceType.PROCESS).resourceId("/usr/bin/" + tool)
                .build();
    }

    /**
     * Installing a toolkit: the installer's scripts, then the first run of each of its programs, a
     * busy bucket (ten starts against three a bucket) with two programs never run before.
     */
    private static List<ActivityEvent> install(String host, String[] tools, Instant at) {
        List<ActivityEvent> out = new ArrayList<>();
        String[] steps = {"bash", "curl", "bash", "sed", "grep", "make", "gcc", "bash"};
        for (int i = 0; i < steps.length; i++) {
            out.add(start(host, steps[i], at.plusSeconds(4L * i)));
        }
        for (int i = 0; i < tools.length; i++) {
            out.add(start(host, tools[i], at.plusSeconds(40L + 5 * i)));
        }
        return out;
    }

    @Test
    void aDeveloperInstallingFourToolkitsInAnHourRaisesNothing() {
        Detector d = new Detector(DetectorConfig.defaults(), workstation("dev-7"));
        Random rnd = new Random(7);
        List<ActivityEvent> hour = new ArrayList<>();
        String[][] newTools = {{"rustup", "rustc"}, {"cargo", "rustfmt"}, {"rust-analyzer", "clippy-driver"},
            {"terraform", "tflint"}};
        for (int b = 0; b < 12; b++) {
            Instant bucket = T.plusSeconds(300L * b);
            if (b % 3 == 1) {
                hour.addAll(install("dev-7", newTools[b / 3], bucket.plusSeconds(30)));
            } else {
                for (int i = 0; i < 3; i++) {
                    hour.add(start("dev-7", DAILY_TOOLS[rnd.nextInt(DAILY_TOOLS.length)],
                            bucket.plusSeconds(60L + 80 * i)));
                }
            }
        }

        List<Anomaly> raised = new ArrayList<>();
        for (ActivityEvent e : hour) {
            raised.addAll(d.observe(e));
        }

        assertThat(raised).as("eight new programs (chance about 1 in 20 each) with the installs' busy buckets").isEmpty();
    }

    @Test
    void aNewToolWithAnUnusualBurstOfStartsIsStillRaisedAndNamesTheTool() {
        Detector d = new Detector(DetectorConfig.defaults(), workstation("dev-7"));
        List<Anomaly> raised = new ArrayList<>();
        // a miner dropped and started over and over: a new program, and more starts than any install
        for (int i = 0; i < 30; i++) {
            raised.addAll(d.observe(start("dev-7", "kworkerds", T.plusSeconds(5L * i))));
        }

        assertThat(raised).isNotEmpty();
        assertThat(raised.get(0).evidence()).anySatisfy(ev -> {
            assertThat(ev.kind()).isEqualTo("novelty");
            assertThat(ev.observed()).isEqualTo("kworkerds");
        });
    }

    // -- a value first seen long ago, reused bucket after bucket

    /** An engineer's profile: one call of about a megabyte per bucket, two clients in 20,000 calls. */
    private static EntityBaseline engineer(String id) {
        EntityKey key = EntityKey.principal(TENANT, id);
        Map<Feature, FeatureBaseline> f = new EnumMap<>(Feature.class);
        double level = Math.log1p(1e6);
        f.put(Feature.BYTES_OUT, FeatureBaseline.flat(level, 0.5, level, 0.25, 0, 0.5 * Math.sqrt(2), WEEK));
        Map<NoveltyAttribute, Map<String, Long>> usual = new EnumMap<>(NoveltyAttribute.class);
        usual.put(NoveltyAttribute.USER_AGENT, Map.of(FIREFOX, 15_000L, "aws-cli/2.22.4", 5_000L));
        usual.put(NoveltyAttribute.RESOURCE, Map.of("s3://eng-datasets", 20_000L));
        return new EntityBaseline(key, f, usual);
    }

    private static final int ENGINEERS = 400;
    /** From the second hour after the new client's first call to the end of its fourth. */
    private static final int FROM_BUCKET = 12;
    private static final int TO_BUCKET = 48;
    /** A threshold low enough that normal activity alerts now and then, so rates can be counted. */
    private static final double LOW_THRESHOLD = 3.0;

    /**
     * Alerts from bucket {@link #FROM_BUCKET} on, over {@link #ENGINEERS} engineers each making one call of
     * ordinary size (log-normal around their megabyte, seeded) per bucket with {@code client}, after a first
     * call with it at bucket 0.
     */
    private static int alertsOfOrdinaryBuckets(String client) {
        EntityBaseline[] all = new EntityBaseline[ENGINEERS];
        for (int k = 0; k < ENGINEERS; k++) {
            all[k] = engineer("eng-" + k);
        }
        Detector d = new Detector(DetectorConfig.defaults().withThreshold(LOW_THRESHOLD), snapshotOf(all));
        Random rnd = new Random(42);
        int alerts = 0;
        for (int k = 0; k < ENGINEERS; k++) {
            for (int b = 0; b < TO_BUCKET; b++) {
                long bytes = (long) (1e6 * Math.exp(0.5 * rnd.nextGaussian()));
                ActivityEvent e = ActivityEvent.builder().tenant(TENANT).time(T.plusSeconds(300L * b + 150))
                        .principal("eng-" + k).operation("GetObject").resourceType(ResourceType.DATA_STORAGE)
                        .resourceId("s3://eng-datasets").srcIp("10.20.1.11").userAgent(client).bytesOut(bytes)
                        .build();
                List<Anomaly> raised = d.observe(e);
                if (b >= FROM_BUCKET) {
                    alerts += raised.size();
                }
            }
        }
        return alerts;
    }

    /**
     * A new laptop's client, first seen an hour or more ago (chance of a new client 1 in 6,700), reused in
     * every later bucket of ordinary work: the threshold's rate is P(Z > 3) per test, so over the 14,400
     * engineer-buckets the value may add at most that rate's count to what the same work raises with the
     * usual client (the numeric judgement's own alerts: identical activity, same seed).
     */
    @Test
    void aClientFirstSeenLongAgoAddsNoMoreThanTheThresholdsRateToOrdinaryBuckets() {
        int buckets = ENGINEERS * (TO_BUCKET - FROM_BUCKET);
        double allowed = NormalTail.upper(LOW_THRESHOLD) * buckets;

        int usualClient = alertsOfOrdinaryBuckets(FIREFOX);
        int newClient = alertsOfOrdinaryBuckets(NEW_LAPTOP);

        assertThat(usualClient).as("the numeric judgement alone, near the threshold's rate").isLessThan(3 * (int) allowed);
        assertThat(newClient - usualClient).as("alerts the long-recent client adds").isLessThanOrEqualTo((int) allowed);
    }
}
