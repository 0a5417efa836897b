package io.shadow.spark.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.features.ActivityEvent;
import io.shadow.features.EventClass;
import io.shadow.features.FeatureDefinitions;
import io.shadow.features.Outcome;
import io.shadow.features.ResourceType;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** A task's novelty counts against a plain count of the same events, across hand-overs. */
class NoveltyCounterTest {
    private static final Instant T0 = Instant.parse("2026-11-24T00:00:00Z");

    @Test
    void countsEqualAPlainCountForFewAndForManyValuesPerEntity() {
        Random rnd = new Random(3);
        List<ActivityEvent> events = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            Instant t = T0.plusSeconds(rnd.nextInt(86_400));
            if (rnd.nextInt(4) == 0) {
                // a build host starting many different processes: past the short list, onto the hash index
                events.add(new ActivityEvent("", t, "acme", EventClass.PROCESS_ACTIVITY, "exec", null, null, null,
                        "build-" + rnd.nextInt(3), ResourceType.PROCESS, "/usr/bin/tool-" + rnd.nextInt(60),
                        Outcome.SUCCESS, 0, 0, null, null, Map.of()));
            } else {
                int p = rnd.nextInt(50);
                events.add(new ActivityEvent("", t, "acme", EventClass.API_ACTIVITY,
                        List.of("GetObject", "PutObject", "DeleteObject").get(rnd.nextInt(3)), "u-" + p,
                        "10.0." + (p + rnd.nextInt(2)) + ".7", "cli/" + rnd.nextInt(2), null,
                        ResourceType.DATA_STORAGE, "s3://b", Outcome.SUCCESS, 10, 20, null, null, Map.of()));
            }
        }
        LocalDate day = LocalDate.parse("2026-11-24");
        Map<String, long[]> expected = new TreeMap<>();
        for (ActivityEvent e : events) {
            long micros = IncidentWindows.micros(e.time());
            FeatureDefinitions.noveltyValues(e, (k, a, v) -> {
                long[] c = expected.computeIfAbsent(k + "|" + a + "|" + v, x -> new long[] {0, Long.MAX_VALUE, 0});
                c[0]++;
                c[1] = Math.min(c[1], micros);
                c[2] = Math.max(c[2], micros);
            });
        }
        Map<String, long[]> counted = new TreeMap<>();
        NoveltyPartials.Sink sink = (k, a, v, d, n, first, last) -> {
            assertThat(d).isEqualTo(day);
            long[] c = counted.computeIfAbsent(k + "|" + a + "|" + v, x -> new long[] {0, Long.MAX_VALUE, 0});
            c[0] += n;
            c[1] = Math.min(c[1], IncidentWindows.micros(first));
            c[2] = Math.max(c[2], IncidentWindows.micros(last));
        };
        NoveltyPartials.Counter counter = new NoveltyPartials.Counter(Map.of());
        for (int i = 0; i < events.size(); i++) {
            counter.add(events.get(i), day, sink);
            if (i % 7_000 == 0) {
                counter.flush(sink); // a hand-over mid-task: counts go on from zero
            }
        }
        counter.flush(sink);
        assertThat(counted.keySet()).isEqualTo(expected.keySet());
        assertThat(counted.keySet()).anyMatch(k -> k.contains("tool-59"));
        expected.forEach((k, c) -> assertThat(counted.get(k)).as(k).containsExactly(c));
    }
}
