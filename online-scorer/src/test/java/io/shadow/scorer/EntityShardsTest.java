package io.shadow.scorer;

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
import io.shadow.model.detect.DetectorConfig;
import io.shadow.model.intel.ThreatIntel;
import io.shadow.model.registry.LocalModelRegistry;
import io.shadow.model.risk.PatternHistory;
import io.shadow.model.risk.ResourceRisk;
import io.shadow.scorer.shard.EntityShards;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batches split by entity across shard threads: each entity on one thread, results in event-time order. */
class EntityShardsTest {
    @TempDir
    Path dir;

    @Test
    void eachEntityIsScoredOnItsOwnShardAndTheBatchComesBackInTimeOrder() throws Exception {
        Map<String, Set<String>> threadsByEntity = new ConcurrentHashMap<>();
        OnlineScorer scorer = new OnlineScorer(DetectorConfig.defaults(), TestServer.snapshot(1),
                ThreatIntel.fromBlocklist(List.of(), "none", 0), PatternHistory.EMPTY, ResourceRisk.defaults(),
                new RiskModelHolder(new LocalModelRegistry(dir), "shadow-risk"), a -> {
                    threadsByEntity.computeIfAbsent(a.anomaly().entity().id(), k -> ConcurrentHashMap.newKeySet())
                            .add(Thread.currentThread().getName());
                    return "observed";
                });
        List<ActivityEvent> events = new ArrayList<>();
        for (int p = 0; p < 12; p++) {
            for (int i = 0; i < 40; i++) {
                events.add(TestServer.delete("p-" + p, "10.0.0.5", TestServer.T0.plusSeconds(i * 3L + p)));
            }
        }
        Collections.shuffle(events, new Random(3));
        try (EntityShards shards = new EntityShards(scorer, 3)) {
            List<ScoredEvent> first = shards.scoreAll(events.subList(0, 240));
            List<ScoredEvent> second = shards.scoreAll(events.subList(240, 480));

            assertThat(times(first, events)).isSorted();
            assertThat(times(second, events)).isSorted();
            assertThat(first).hasSize(240).doesNotContainNull();
        }
        assertThat(threadsByEntity).hasSize(12).allSatisfy((entity, threads) -> assertThat(threads).hasSize(1));
        assertThat(threadsByEntity.values().stream().flatMap(Set::stream).distinct().count())
                .as("the entities spread over the shards").isGreaterThan(1);
    }

    @Test
    void anEventOfAPrincipalOnAHostIsObservedForEachOnItsOwnShardAndScoresAsIfSequential() throws Exception {
        List<ActivityEvent> events = new ArrayList<>();
        for (int m = 0; m < 180; m++) {
            Instant t = TestServer.T0.plusSeconds(m * 60L);
            for (int h = 0; h < 6; h++) {
                double cpu = h == 2 && m >= 120 ? Math.min(99, 30 + (m - 120) * 8) : 18 + (m * 7 + h * 13) % 5;
                events.add(ActivityEvent.builder().tenant("acme").time(t.plusSeconds(h))
                        .eventClass(EventClass.RESOURCE_USAGE).operation("sample").host("h-" + h).resourceType(ResourceType.COMPUTE)
                        .resourceId("host/h-" + h).cpuPct(cpu).memPct(40.0).build());
                // processes of several principals on the same host: they concern the principal and the host
                events.add(ActivityEvent.builder().tenant("acme").time(t.plusSeconds(10 + h))
                        .eventClass(EventClass.PROCESS_ACTIVITY).operation("start").principal("p-" + (m + h) % 9)
                        .host("h-" + h).resourceType(ResourceType.PROCESS)
                        .resourceId(m >= 150 && h == 4 ? "/tmp/xmrig-" + m : "/usr/bin/python3").build());
            }
            if (m >= 170) { // and a principal deleting in bulk
                for (int i = 0; i < 20; i++) {
                    events.add(TestServer.delete("p-1", "10.0.0.5", t.plusSeconds(20 + i)));
                }
            }
        }
        List<String> sequential = new ArrayList<>();
        OnlineScorer alone = scorer(sequential::add);
        events.forEach(alone::score);

        List<String> sharded = Collections.synchronizedList(new ArrayList<>());
        Map<String, Set<String>> threadsByEntity = new ConcurrentHashMap<>();
        OnlineScorer split = scorer(a -> threadsByEntity.computeIfAbsent(a.split(" ")[0], k -> ConcurrentHashMap.newKeySet())
                .add(Thread.currentThread().getName()));
        try (EntityShards shards = new EntityShards(scorer(sharded::add), 3);
                EntityShards observed = new EntityShards(split, 3)) {
            for (int from = 0; from < events.size(); from += 250) {
                List<ActivityEvent> batch = new ArrayList<>(events.subList(from, Math.min(events.size(), from + 250)));
                Collections.shuffle(batch, new Random(from));
                shards.scoreAll(batch);
                observed.scoreAll(batch);
            }
        }
        assertThat(sequential).as("the host's CPU ramp and new processes are found")
                .anyMatch(a -> a.startsWith("acme/host:h-2"))
                .anyMatch(a -> a.startsWith("acme/principal:p-1"));
        assertThat(sharded).containsExactlyInAnyOrderElementsOf(sequential);
        assertThat(threadsByEntity).allSatisfy((entity, threads) -> assertThat(threads).hasSize(1));
    }

    /** The test server's principals plus a population of hosts that idle at 20 % CPU running python3. */
    private static BaselineSnapshot withHosts() {
        Map<EntityKey, EntityBaseline> m = new java.util.HashMap<>(TestServer.snapshot(1).entities());
        Map<Feature, FeatureBaseline> f = new EnumMap<>(Feature.class);
        f.put(Feature.CPU_PCT, FeatureBaseline.flat(20, 2, 20, 4, 0, 1, 2000));
        f.put(Feature.PROCESS_STARTS, FeatureBaseline.flat(1, 1, 1, 1, 0, 1, 2000));
        EntityKey hosts = EntityKey.host("acme", EntityKey.POPULATION);
        m.put(hosts, new EntityBaseline(hosts, f, Map.of(NoveltyAttribute.PROCESS, Map.of("python3", 5000L))));
        return new BaselineSnapshot(1, TestServer.T0, m);
    }

    private OnlineScorer scorer(java.util.function.Consumer<String> anomalies) {
        return new OnlineScorer(DetectorConfig.defaults(), withHosts(),
                ThreatIntel.fromBlocklist(List.of(), "none", 0), PatternHistory.EMPTY, ResourceRisk.defaults(),
                new RiskModelHolder(new LocalModelRegistry(dir), "shadow-risk"), a -> {
                    anomalies.accept(a.anomaly().entity() + " " + a.anomaly().time() + " " + a.anomaly().pattern());
                    return "observed";
                });
    }

    private static List<Instant> times(List<ScoredEvent> scored, List<ActivityEvent> events) {
        Map<String, Instant> time = new java.util.HashMap<>();
        events.forEach(e -> time.put(e.eventId(), e.time()));
        return scored.stream().map(s -> time.get(s.eventId())).toList();
    }
}
