package io.shadow.scorer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.shadow.features.ActivityEvent;
import io.shadow.features.json.EventCodec;
import io.shadow.model.registry.LocalModelRegistry;
import io.shadow.scorer.state.StateCheckpoints;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * De-duplication by tenant and {@code event_id}, on a real port: one event repeated, or a batch
 * sent again because its answer was lost, is counted once in its entities' rates, answered as
 * duplicates and never escalated.
 */
class ScorerDedupeTest {
    private static final String TOKEN = TestServer.AGENT;

    @TempDir
    Path dir;

    private TestServer server(ScorerSettings settings) {
        return new TestServer(new LocalModelRegistry(dir.resolve("registry")), TestServer.baselines(1), settings,
                4 << 20);
    }

    private static String repeated(ActivityEvent e, int times) {
        return (EventCodec.toJson(e) + "\n").repeat(times);
    }

    @Test
    void oneEventRepeatedFourHundredTimesIsScoredOnceAndTheRestAnsweredAsDuplicates() throws Exception {
        ActivityEvent e = TestServer.delete("u-1", "10.0.0.5", TestServer.T0).toBuilder().eventId("dup-1").build();
        JsonNode once;
        int handedOnce;
        try (TestServer s = server(ScorerSettings.defaults())) {
            once = TestServer.json(s.post("/v1/events", repeated(e, 1), TOKEN));
            handedOnce = s.handed.size();
        }
        try (TestServer s = server(ScorerSettings.defaults())) {
            HttpResponse<String> r = s.post("/v1/events", repeated(e, 400), TOKEN);
            JsonNode out = TestServer.json(r);

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(out.get("anomalies").asInt()).isEqualTo(once.get("anomalies").asInt());
            assertThat(s.handed).hasSize(handedOnce);
            assertThat(out.get("accepted").asInt()).isEqualTo(400);
            assertThat(out.get("duplicates").asInt()).isEqualTo(399);
            assertThat(out.get("rejected").asInt()).isZero();
            String metrics = s.get("/metrics", TestServer.OPERATOR).body();
            assertThat(metrics).contains("shadow_scorer_events_total{result=\"duplicate\"} 399.0")
                    .contains("shadow_scorer_events_total{result=\"scored\"} 1.0");
        }
    }

    @Test
    void aBatchSentAgainIsNotScoredAgainNorAsASingleEvent() throws Exception {
        try (TestServer s = server(ScorerSettings.defaults())) {
            String burst = TestServer.deletes("u-1", "10.0.0.5", 60);
            JsonNode first = TestServer.json(s.post("/v1/events", burst, TOKEN));
            int handed = s.handed.size();
            JsonNode again = TestServer.json(s.post("/v1/events", burst, TOKEN));
            String one = burst.substring(0, burst.indexOf('\n'));
            JsonNode single = TestServer.json(s.post("/v1/score", one, TOKEN));

            assertThat(first.get("anomalies").asInt()).isPositive();
            assertThat(again.get("anomalies").asInt()).isZero();
            assertThat(s.handed).hasSize(handed);
            assertThat(first.get("duplicates").asInt()).isZero();
            assertThat(again.get("accepted").asInt()).isEqualTo(60);
            assertThat(again.get("duplicates").asInt()).isEqualTo(60);
            assertThat(single.get("duplicate").asBoolean()).isTrue();
            assertThat(single.get("anomalous").asBoolean()).isFalse();
        }
    }

    @Test
    void theSameIdInAnotherTenantIsAnotherEvent() throws Exception {
        ActivityEvent acme = TestServer.delete("u-1", "10.0.0.5", TestServer.T0).toBuilder().eventId("e-1").build();
        ActivityEvent globex = acme.toBuilder().tenant("globex").build();
        try (TestServer s = server(ScorerSettings.defaults())) {
            JsonNode out = TestServer.json(s.post("/v1/events", repeated(acme, 1) + repeated(globex, 1), TOKEN));

            assertThat(out.get("accepted").asInt()).isEqualTo(2);
            assertThat(out.get("duplicates").asInt()).isZero();
        }
    }

    @Test
    void aBatchSentAgainAfterARestartIsStillADuplicate() throws Exception {
        ScorerSettings checkpointed = ScorerSettings.defaults().withCheckpointDir(dir.resolve("state"));
        String burst = TestServer.deletes("u-1", "10.0.0.5", 60);
        try (TestServer first = server(checkpointed)) {
            assertThat(TestServer.json(first.post("/v1/events", burst, TOKEN)).get("duplicates").asInt()).isZero();
        }
        Path window = dir.resolve("state").resolve(StateCheckpoints.RECENT_FILE);
        assertThat(window).isRegularFile();
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(java.nio.file.Files.getPosixFilePermissions(
                window))).as("it holds the salt: its owner's only").isEqualTo("rw-------");
        try (TestServer second = server(checkpointed)) {
            JsonNode again = TestServer.json(second.post("/v1/events", burst, TOKEN));

            assertThat(again.get("duplicates").asInt()).as("the window outlived the restart").isEqualTo(60);
            assertThat(again.get("anomalies").asInt()).isZero();
        }
        // another window size: the kept window does not fit, so it starts empty (and says so)
        try (TestServer resized = server(checkpointed.withDedupeWindow(500_000))) {
            assertThat(TestServer.json(resized.post("/v1/events", burst, TOKEN)).get("duplicates").asInt()).isZero();
        }
    }

    @Test
    void anUnreadableWindowIsSetAsideAndTheScorerStartsWithAnEmptyOne() throws Exception {
        Path state = dir.resolve("state");
        java.nio.file.Files.createDirectories(state);
        java.nio.file.Files.writeString(state.resolve(StateCheckpoints.RECENT_FILE), "not a window");
        String burst = TestServer.deletes("u-1", "10.0.0.5", 10);
        try (TestServer s = server(ScorerSettings.defaults().withCheckpointDir(state))) {
            assertThat(TestServer.json(s.post("/v1/events", burst, TOKEN)).get("accepted").asInt()).isEqualTo(10);
        }
        try (var files = java.nio.file.Files.list(state)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .anyMatch(n -> n.startsWith(StateCheckpoints.RECENT_FILE + ".unreadable-"))
                    .contains(StateCheckpoints.RECENT_FILE);
        }
    }

    @Test
    void aBatchWhoseScoringFailedMidwayLeavesTheEventsNotReachedUnseenSoARetryScoresThem() throws Exception {
        try (TestServer s = server(ScorerSettings.defaults())) {
            // the mitigation side fails on the first anomaly: the shard stops at that event
            java.util.concurrent.atomic.AtomicBoolean failed = new java.util.concurrent.atomic.AtomicBoolean();
            s.then = a -> {
                if (failed.compareAndSet(false, true)) {
                    throw new IllegalStateException("mitigation store unavailable");
                }
                return "observed";
            };
            String burst = TestServer.deletes("u-1", "10.0.0.5", 60);
            HttpResponse<String> first = s.post("/v1/events", burst, TOKEN);
            assertThat(first.statusCode()).as(first.body()).isEqualTo(500);
            int reached = s.handed.size();
            assertThat(reached).isEqualTo(1);
            java.util.List<String> ids = burst.lines().map(l -> EventCodec.parse(l).time()).sorted()
                    .map(t -> t.toString()).toList();
            int failedAt = ids.indexOf(s.handed.get(0).anomaly().time().toString());
            assertThat(failedAt).isBetween(0, 58);

            JsonNode again = TestServer.json(s.post("/v1/events", burst, TOKEN));

            // the events up to the failing one were observed: duplicates; those after it are scored now
            assertThat(again.get("duplicates").asInt()).isEqualTo(failedAt + 1);
            assertThat(again.get("anomalies").asInt()).isPositive();
            assertThat(again.get("rejected").asInt()).isZero();
        }
    }

    @Test
    void eventsWithoutIdThatDifferOnlyInOutcomeBytesOrUserAgentAreNotTakenForDuplicates() throws Exception {
        String login = "{\"time\":\"2026-11-09T10:00:00Z\",\"tenant\":\"acme\",\"class_uid\":6003,"
                + "\"operation\":\"ConsoleLogin\",\"principal\":\"u-1\",\"src_ip\":\"10.0.0.5\","
                + "\"resource_type\":\"identity\",\"outcome\":\"failure\"}";
        String body = login + "\n" + login.replace("failure", "success") + "\n"
                + login.replace("}", ",\"bytes_in\":10}") + "\n" + login.replace("}", ",\"bytes_out\":10}") + "\n"
                + login.replace("}", ",\"user_agent\":\"curl/8\"}") + "\n" + login + "\n";
        try (TestServer s = server(ScorerSettings.defaults())) {
            JsonNode out = TestServer.json(s.post("/v1/events", body, TOKEN));

            assertThat(out.get("accepted").asInt()).isEqualTo(6);
            assertThat(out.get("duplicates").asInt()).as("only the last, a re-send of the first").isEqualTo(1);
        }
    }
}
