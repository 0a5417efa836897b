package io.shadow.scorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.shadow.features.ActivityEvent;
import io.shadow.features.EventClass;
import io.shadow.features.ResourceType;
import io.shadow.features.config.ConfigException;
import io.shadow.features.files.FileTrees;
import io.shadow.features.json.EventCodec;
import io.shadow.model.detect.Detector;
import io.shadow.model.detect.DetectorConfig;
import io.shadow.model.registry.LocalModelRegistry;
import io.shadow.scorer.state.StateCheckpoints;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-entity state across restarts (checkpoints) and under its memory bound (eviction). */
class ScorerStateTest {
    @TempDir
    Path dir;

    private TestServer server(ScorerSettings settings) {
        return new TestServer(new LocalModelRegistry(dir.resolve("registry")), TestServer.baselines(1), settings,
                4 << 20);
    }

    /** A morning of u-1's usual reads, then deletes from a new network, 10 s apart over three buckets. */
    private static List<ActivityEvent> morning() {
        List<ActivityEvent> out = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
            boolean attack = i >= 30;
            out.add(ActivityEvent.builder().tenant("acme").time(TestServer.T0.plusSeconds(10L * i))
                    .eventClass(EventClass.API_ACTIVITY).principal("u-1").operation(attack ? "DeleteObject" : "GetObject")
                    .srcIp(attack ? "203.0.113.7" : "10.0.0.5").userAgent("aws-cli/2.22.4")
                    .resourceType(ResourceType.DATA_STORAGE).resourceId("s3://finance").build());
        }
        return out;
    }

    private static String ndjson(List<ActivityEvent> events) {
        StringBuilder sb = new StringBuilder();
        events.forEach(e -> sb.append(EventCodec.toJson(e)).append('\n'));
        return sb.toString();
    }

    /** Each event of {@code events} scored alone, as the answers say. */
    private static List<JsonNode> judge(TestServer s, List<ActivityEvent> events) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (ActivityEvent e : events) {
            out.add(TestServer.json(s.post("/v1/score", EventCodec.toJson(e), TestServer.AGENT)));
        }
        return out;
    }

    @Test
    void aRestartedScorerJudgesAnEntityAsIfItHadNeverStopped() throws Exception {
        List<ActivityEvent> before = morning().subList(0, 45);
        List<ActivityEvent> after = morning().subList(45, 90);
        ScorerSettings checkpointed = ScorerSettings.defaults().withCheckpointDir(dir.resolve("state"));
        List<JsonNode> expected;
        try (TestServer uninterrupted = server(ScorerSettings.defaults())) {
            uninterrupted.post("/v1/events", ndjson(before), TestServer.AGENT);
            expected = judge(uninterrupted, after);
        }
        assertThat(expected).anyMatch(a -> a.get("anomalous").asBoolean());

        try (TestServer first = server(checkpointed)) {
            assertThat(first.post("/v1/events", ndjson(before), TestServer.AGENT).statusCode()).isEqualTo(200);
        }
        assertThat(dir.resolve("state").resolve(StateCheckpoints.FILE)).isRegularFile();
        List<JsonNode> resumed;
        try (TestServer second = server(checkpointed)) {
            assertThat(TestServer.json(second.get("/v1/scorer/status", TestServer.OPERATOR))
                    .get("tracked_entities").asInt()).as("restored at start").isEqualTo(1);
            resumed = judge(second, after);
        }
        List<JsonNode> cold;
        try (TestServer fresh = server(ScorerSettings.defaults())) {
            cold = judge(fresh, after);
        }

        assertThat(resumed).isEqualTo(expected);
        assertThat(cold).as("a cold start judges the same events differently").isNotEqualTo(expected);
    }

    @Test
    void stateIsCheckpointedPeriodicallyWhileServing() throws Exception {
        ScorerSettings often = ScorerSettings.defaults().withCheckpointDir(dir.resolve("state"))
                .withIntervals(Duration.ofMillis(100), Duration.ZERO);
        try (TestServer s = server(often)) {
            s.post("/v1/events", TestServer.deletes("u-1", "10.0.0.5", 3) + TestServer.deletes("u-2", "10.0.0.5", 3),
                    TestServer.AGENT);
            Path file = dir.resolve("state").resolve(StateCheckpoints.FILE);
            // the gauge is set just after the file is written: a scrape between the two still says the
            // previous checkpoint's count, so wait for both (at most 30 s, for a loaded machine)
            String gauge = "shadow_scorer_checkpoint_entities 2.0";
            long deadline = System.currentTimeMillis() + 30_000;
            while ((entitiesIn(file) < 2 || !s.get("/metrics", TestServer.OPERATOR).body().contains(gauge))
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertThat(entitiesIn(file)).as("written without a shutdown").isEqualTo(2);
            assertThat(s.get("/metrics", TestServer.OPERATOR).body()).contains(gauge);
        }
    }

    @Test
    void anUnreadableCheckpointIsSetAsideAndTheScorerStartsFromItsBaselines() throws Exception {
        Path state = Files.createDirectories(dir.resolve("state"));
        Files.writeString(state.resolve(StateCheckpoints.FILE), "half a file");
        try (TestServer s = server(ScorerSettings.defaults().withCheckpointDir(state))) {
            assertThat(s.get("/ready", null).statusCode()).isEqualTo(200);
            assertThat(s.service.scorer().detector().trackedEntities()).isZero();
            try (Stream<Path> files = Files.list(state)) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .anyMatch(n -> n.startsWith(StateCheckpoints.FILE + ".unreadable-"));
            }
        }
    }

    @Test
    void aCheckpointPoisonedByAnEventFromTheFutureIsLeftOutAtStart() throws Exception {
        // as a scorer before the intake refused future events wrote it: u-1's current bucket in 2099
        Path state = Files.createDirectories(dir.resolve("state"));
        Detector old = new Detector(DetectorConfig.defaults(), TestServer.snapshot(1));
        old.observe(TestServer.delete("u-1", "10.0.0.5", java.time.Instant.parse("2099-01-01T00:00:00Z")));
        old.observe(TestServer.delete("u-2", "10.0.0.5", TestServer.T0));
        try (java.io.OutputStream out = Files.newOutputStream(state.resolve(StateCheckpoints.FILE))) {
            old.exportState(out);
        }

        try (TestServer s = server(ScorerSettings.defaults().withCheckpointDir(state))) {
            int restored = s.service.scorer().detector().trackedEntities();
            JsonNode burst = TestServer.json(s.post("/v1/events",
                    TestServer.deletes("u-1", "10.0.0.5", 60, TestServer.T0.plusSeconds(600)), TestServer.AGENT));
            assertThat(burst.get("anomalies").asInt()).as("u-1's deletes are judged again").isPositive();
            assertThat(restored).as("u-2 restored, u-1 left out").isEqualTo(1);
        }
    }

    @Test
    void aCheckpointFolderThatCannotBeWrittenIsRefusedAtStart() throws Exception {
        Path file = Files.writeString(dir.resolve("file.txt"), "x");
        Path state = file.resolve("state");
        assertThatThrownBy(() -> server(ScorerSettings.defaults().withCheckpointDir(state)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid scorer.checkpoint-dir = " + state + "; expected a folder Shadow can write in, but "
                        + file + " is a file, not a folder. Set scorer.checkpoint-dir to a writable folder (created "
                        + "if missing)");
    }

    @Test
    void aMissingCheckpointFolderIsCreatedAtStart() throws Exception {
        Path state = dir.resolve("new").resolve("state");
        try (TestServer s = server(ScorerSettings.defaults().withCheckpointDir(state))) {
            assertThat(state).isDirectory();
        }
    }

    @Test
    void aLastCheckpointThatFailsIsLoggedAsFailed() throws Exception {
        Path state = dir.resolve("state");
        List<String> logged = new CopyOnWriteArrayList<>();
        Logger logger = (Logger) LogManager.getLogger(ScorerService.class);
        AbstractAppender appender = new AbstractAppender("scorer-log", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent e) {
                logged.add(e.getLevel() + " " + e.getMessage().getFormattedMessage());
            }
        };
        appender.start();
        logger.addAppender(appender);
        try (TestServer s = server(ScorerSettings.defaults().withCheckpointDir(state))) {
            s.post("/v1/events", TestServer.deletes("u-1", "10.0.0.5", 3), TestServer.AGENT);
            // the folder goes away while serving (a disk unmounted, a clean-up script): a file takes its place
            FileTrees.delete(state);
            Files.writeString(state, "not a folder");
        } finally {
            logger.removeAppender(appender);
        }
        assertThat(logged).noneMatch(m -> m.contains("-1 entities"))
                .contains("WARN scorer stopped; the last checkpoint to " + state.resolve(StateCheckpoints.FILE)
                        + " failed (see above): a restart starts from the previous checkpoint, if any");
    }

    @Test
    void memoryIsBoundedByForgettingTheLeastRecentlySeenEntities() throws Exception {
        try (TestServer s = server(ScorerSettings.defaults().withMaxEntities(10))) {
            for (int i = 0; i < 50; i++) {
                s.post("/v1/events", TestServer.deletes("p-" + i, "10.0.0.5", 1), TestServer.AGENT);
            }
            // an eviction forgets the entities, then counts them: wait for the count too (at most 30 s, for a
            // loaded machine)
            java.util.regex.Pattern evicted = java.util.regex.Pattern.compile(
                    "shadow_scorer_entities_evicted_total (4[0-9]|[5-9][0-9])\\.0");
            long deadline = System.currentTimeMillis() + 30_000;
            while ((s.service.scorer().detector().trackedEntities() > 10
                    || !evicted.matcher(s.get("/metrics", TestServer.OPERATOR).body()).find())
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertThat(s.service.scorer().detector().trackedEntities()).isBetween(1, 10);
            assertThat(s.get("/metrics", TestServer.OPERATOR).body()).containsPattern(evicted);
        }
    }

    private static long entitiesIn(Path file) throws Exception {
        if (!Files.isRegularFile(file)) {
            return 0;
        }
        Detector d = new Detector(DetectorConfig.defaults(), TestServer.snapshot(1));
        try (InputStream in = Files.newInputStream(file)) {
            return d.importState(in);
        } catch (java.io.IOException partial) {
            return 0;
        }
    }
}
