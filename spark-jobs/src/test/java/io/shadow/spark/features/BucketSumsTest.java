package io.shadow.spark.features;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.features.ActivityEvent;
import io.shadow.features.Buckets;
import io.shadow.features.EventClass;
import io.shadow.features.Feature;
import io.shadow.features.FeatureDefinitions;
import io.shadow.features.ResourceType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * A task's per-bucket sums, handed on whenever the blocks fill up, must add up to the sums of the
 * events' contributions per entity and bucket: every event counted once, in the right bucket and
 * feature, means' sample counts included, across days and across hand-overs.
 */
class BucketSumsTest {
    private static final Instant DAY = Instant.parse("2026-11-09T00:00:00Z");

    @Test
    void handedOnSumsAddUpToTheEventsContributionsAcrossHandOvers() {
        List<ActivityEvent> events = new ArrayList<>();
        // more principals than the blocks hold, each seen twice far apart in the task: the second
        // sighting of the first ones comes after a hand-over
        int principals = (int) (BucketSums.MAX_CELLS / (BucketSums.PER_DAY * 12)) + 500;
        for (int round = 0; round < 2; round++) {
            for (int p = 0; p < principals; p++) {
                events.add(ActivityEvent.builder().tenant("acme").time(DAY.plusSeconds(p % 1000 * 60L + round))
                        .eventClass(EventClass.API_ACTIVITY).operation(round == 0 ? "GetObject" : "DeleteObject")
                        .principal("u-" + p).resourceType(ResourceType.DATA_STORAGE).bytesOut(p * 10L + round)
                        .build());
            }
        }
        for (int i = 0; i < 50; i++) { // a host's samples over midnight, two days' blocks
            events.add(ActivityEvent.builder().tenant("acme").time(DAY.minusSeconds(600).plusSeconds(i * 30L))
                    .eventClass(EventClass.RESOURCE_USAGE).operation("sample").host("h-1")
                    .resourceType(ResourceType.COMPUTE).cpuPct(i * 1.5).memPct(40.0).bytesOut(i).build());
        }

        BucketSums sums = new BucketSums();
        Map<String, double[]> actual = new TreeMap<>();
        int handOvers = 0;
        long rows = 0;
        for (ActivityEvent e : events) {
            sums.add(e);
            if (sums.full()) {
                handOvers++;
                rows += collect(sums.drain(), actual);
            }
        }
        rows += collect(sums.drain(), actual);

        Map<String, double[]> expected = new TreeMap<>();
        for (ActivityEvent e : events) {
            long bucket = Buckets.start(e.time());
            FeatureDefinitions.contributions(e, (k, f, v) -> {
                double[] a = expected.computeIfAbsent(k.kind().wireName() + "|" + k.id() + "|" + bucket,
                        x -> new double[2 * Feature.values().length]);
                a[2 * f.ordinal()] += v;
                a[2 * f.ordinal() + 1]++;
            });
        }
        assertThat(handOvers).as("the blocks filled up at least once").isPositive();
        assertThat(rows).as("a hand-over splits some buckets into two rows").isGreaterThan(expected.size());
        assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
        expected.forEach((k, a) -> assertThat(actual.get(k)).as(k).containsExactly(a));
    }

    /** Adds the drained rows' sums into {@code into}, per entity and bucket; returns how many rows. */
    private static long collect(Iterator<Row> drained, Map<String, double[]> into) {
        long n = 0;
        while (drained.hasNext()) {
            Row r = drained.next();
            n++;
            double[] a = into.computeIfAbsent(r.getString(1) + "|" + r.getString(2) + "|"
                    + r.<Instant>getAs(3).getEpochSecond(), x -> new double[2 * Feature.values().length]);
            for (int i = 0; i < a.length; i += 2) {
                a[i] += r.getDouble(7 + i);
                a[i + 1] += r.getLong(8 + i);
            }
        }
        return n;
    }
}
