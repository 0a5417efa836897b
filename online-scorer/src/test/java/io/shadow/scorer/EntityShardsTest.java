package io.shadow.scorer;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.features.ActivityEvent;
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

    private static List<Instant> times(List<ScoredEvent> scored, List<ActivityEvent> events) {
        Map<String, Instant> time = new java.util.HashMap<>();
        events.forEach(e -> time.put(e.eventId(), e.time()));
        return scored.stream().map(s -> time.get(s.eventId())).toList();
    }
}
