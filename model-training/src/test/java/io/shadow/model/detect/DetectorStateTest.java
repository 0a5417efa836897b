package io.shadow.model.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shadow.features.ActivityEvent;
import io.shadow.features.EntityKey;
import io.shadow.features.Feature;
import io.shadow.features.NoveltyAttribute;
import io.shadow.features.ResourceType;
import io.shadow.features.baseline.BaselineSnapshot;
import io.shadow.features.baseline.EntityBaseline;
import io.shadow.features.baseline.FeatureBaseline;
import io.shadow.features.signal.Anomaly;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Export, import and eviction of per-entity state: what the scorer's checkpoints and memory bound rely on. */
class DetectorStateTest {
    private static final Instant T = Instant.parse("2026-11-09T10:00:00Z");

    private static BaselineSnapshot snapshot(long version) {
        Map<Feature, FeatureBaseline> f = new EnumMap<>(Feature.class);
        f.put(Feature.EVENTS, FeatureBaseline.flat(10, 4, 10, 15, 0, 5, 2016));
        f.put(Feature.DELETES, FeatureBaseline.flat(0, 0.15, 0.02, 0.02, 0, 0.2, 2016));
        Map<NoveltyAttribute, Map<String, Long>> usual = new EnumMap<>(NoveltyAttribute.class);
        usual.put(NoveltyAttribute.SOURCE_NETWORK, Map.of("10.20.1.0/24", 20_000L));
        usual.put(NoveltyAttribute.OPERATION, Map.of("GetObject", 12_000L, "DeleteObject", 10L));
        usual.put(NoveltyAttribute.RESOURCE, Map.of("s3://finance", 12_010L));
        Map<EntityKey, EntityBaseline> m = new java.util.HashMap<>();
        for (String p : List.of("alice", "bob")) {
            EntityKey k = EntityKey.principal("acme", p);
            m.put(k, new EntityBaseline(k, f, usual));
        }
        return new BaselineSnapshot(version, T.minusSeconds(86_400), m);
    }

    /** Calls, then a delete burst from a new network, spread over three buckets. */
    private static List<ActivityEvent> day(String principal) {
        List<ActivityEvent> out = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
            boolean attack = i >= 30;
            out.add(ActivityEvent.builder().tenant("acme").time(T.plusSeconds(10L * i)).principal(principal)
                    .operation(attack ? "DeleteObject" : "GetObject").srcIp(attack ? "203.0.113.7" : "10.20.1.11")
                    .resourceType(ResourceType.DATA_STORAGE).resourceId("s3://finance").build());
        }
        return out;
    }

    private static List<String> judge(Detector d, List<ActivityEvent> events) {
        List<String> out = new ArrayList<>();
        for (ActivityEvent e : events) {
            for (Anomaly a : d.observe(e)) {
                out.add(e.eventId() + " " + a.pattern() + " " + a.score());
            }
        }
        return out;
    }

    private static byte[] export(Detector d) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        d.exportState(out);
        return out.toByteArray();
    }

    @Test
    void aDetectorRestoredFromExportedStateJudgesTheRestOfTheDayAsIfItHadNeverStopped() throws IOException {
        List<ActivityEvent> day = day("alice");
        List<ActivityEvent> before = day.subList(0, 45);
        List<ActivityEvent> after = day.subList(45, day.size());
        Detector uninterrupted = new Detector(DetectorConfig.defaults(), snapshot(7));
        judge(uninterrupted, before);
        List<String> expected = judge(uninterrupted, after);

        Detector first = new Detector(DetectorConfig.defaults(), snapshot(7));
        judge(first, before);
        byte[] state = export(first);
        Detector restored = new Detector(DetectorConfig.defaults(), snapshot(7));
        assertThat(restored.importState(new ByteArrayInputStream(state))).isEqualTo(1);
        Detector cold = new Detector(DetectorConfig.defaults(), snapshot(7));

        assertThat(judge(restored, after)).isEqualTo(expected);
        assertThat(judge(cold, after)).as("without the state the rest of the day reads differently")
                .isNotEqualTo(expected);
    }

    @Test
    void aFormat4FileWithoutRisingRunsStillLoads() throws IOException {
        Detector d = new Detector(DetectorConfig.defaults(), snapshot(7));
        judge(d, day("alice").subList(0, 20));
        byte[] v5 = export(d);
        int end = endOfFormat4Record(v5);
        // format 4 is format 5 without the rising runs after the recent values
        byte[] v4 = withVersion(java.util.Arrays.copyOf(v5, end + 1), 4);

        Detector restored = new Detector(DetectorConfig.defaults(), snapshot(7));

        assertThat(restored.importState(new ByteArrayInputStream(v4))).isEqualTo(1);
        assertThat(export(restored)).as("the runs start empty").isEqualTo(noRuns(v5, end));
    }

    @Test
    void aFormat3FileWithoutRecentFirstSeenValuesStillLoads() throws IOException {
        Detector d = new Detector(DetectorConfig.defaults(), snapshot(7));
        judge(d, day("alice").subList(0, 20)); // ordinary calls from the office: nothing first seen
        byte[] v5 = export(d);
        int end = endOfFormat4Record(v5);
        // format 3 is format 4 without the recent values' count (0 here)
        byte[] v3 = withVersion(java.util.Arrays.copyOf(v5, end - 4 + 1), 3);
        assertThat(java.nio.ByteBuffer.wrap(v5).getInt(4)).isEqualTo(5);
        assertThat(java.nio.ByteBuffer.wrap(v5, end - 4, 4).getInt()).isZero();

        Detector restored = new Detector(DetectorConfig.defaults(), snapshot(7));

        assertThat(restored.importState(new ByteArrayInputStream(v3))).isEqualTo(1);
        assertThat(export(restored)).isEqualTo(noRuns(v5, end));
    }

    /** Where the one entity's record of a state file ends when read as format 4 (the start of its rising runs). */
    private static int endOfFormat4Record(byte[] state) throws IOException {
        ByteArrayInputStream bytes = new ByteArrayInputStream(state);
        DataInputStream in = new DataInputStream(bytes);
        StateFormat.Header h = StateFormat.readHeader(in);
        assertThat(in.readByte()).isEqualTo((byte) 1);
        EntityKey key = new EntityKey(StateFormat.readString(in), io.shadow.features.EntityKind.fromWire(
                StateFormat.readString(in)), StateFormat.readString(in));
        EntityState.read(in, key, 4, h.features(), h.attributes());
        return state.length - bytes.available();
    }

    /** The bytes up to {@code end} ending the file (the last byte, 0, is the end marker) as format {@code version}. */
    private static byte[] withVersion(byte[] upToEndPlusOne, int version) {
        upToEndPlusOne[upToEndPlusOne.length - 1] = 0;
        java.nio.ByteBuffer.wrap(upToEndPlusOne).putInt(4, version);
        return upToEndPlusOne;
    }

    /** The format 5 file {@code v5} with its entity's rising runs absent. */
    private static byte[] noRuns(byte[] v5, int end) {
        byte[] out = java.util.Arrays.copyOf(v5, end + 2);
        out[end] = 0; // no runs
        out[end + 1] = 0; // end marker
        return out;
    }

    @Test
    void stateBuiltAgainstOtherBaselinesForgetsWhatItLearnedOnline() throws IOException {
        DetectorConfig alertAlways = new DetectorConfig(5.0, 24, 48, 1.0, 0, 4.0);
        Detector old = new Detector(alertAlways, snapshot(7));
        judge(old, day("alice").subList(0, 45));
        ActivityEvent again = day("alice").get(60);

        Detector sameBaselines = new Detector(alertAlways, snapshot(7));
        sameBaselines.importState(new ByteArrayInputStream(export(old)));
        Detector newerBaselines = new Detector(alertAlways, snapshot(8));
        newerBaselines.importState(new ByteArrayInputStream(export(old)));

        assertThat(novelNetworks(sameBaselines.observe(again))).as("learned online before the restart").isEmpty();
        assertThat(novelNetworks(newerBaselines.observe(again))).containsExactly("203.0.113.0/24");
    }

    private static List<String> novelNetworks(List<Anomaly> anomalies) {
        // first seen by this very event (a value first seen earlier and still recent is listed with its own time)
        return anomalies.stream().flatMap(a -> a.evidence().stream().filter(e -> e.since().equals(a.time())))
                .filter(e -> e.kind().equals("novelty") && e.name().equals("source_network"))
                .map(e -> e.observed()).toList();
    }

    @Test
    void evictionForgetsTheLeastRecentlySeenEntities() throws Exception {
        Detector d = new Detector(DetectorConfig.defaults(), snapshot(7));
        for (String p : List.of("carol", "dave", "erin", "frank")) { // none has a baseline
            d.observe(day(p).get(0));
            Thread.sleep(5);
        }
        d.observe(day("carol").get(1));

        assertThat(d.evictLeastRecentlySeen(2)).isEqualTo(2);
        assertThat(d.trackedEntities()).isEqualTo(2);
        assertThat(ids(export(d))).containsExactlyInAnyOrder("carol", "frank");
        assertThat(d.evictLeastRecentlySeen(2)).isZero();
    }

    @Test
    void entitiesWithoutABaselineAreForgottenBeforeKnownOnesSeenLessRecently() throws Exception {
        Detector d = new Detector(DetectorConfig.defaults(), snapshot(7)); // alice and bob have baselines
        d.observe(day("alice").get(0));
        Thread.sleep(5); // entities are ordered by the milliseconds they were last seen at
        d.observe(day("bob").get(0));
        for (int i = 0; i < 50; i++) { // then a flood of made-up principals
            d.observe(day("junk-" + i).get(0));
        }

        assertThat(d.evictLeastRecentlySeen(10)).isEqualTo(42);
        assertThat(ids(export(d))).contains("alice", "bob").hasSize(10);
        assertThat(d.evictLeastRecentlySeen(1)).isEqualTo(9);
        assertThat(ids(export(d))).as("the more recently seen of the two").containsExactly("bob");
    }

    @Test
    void aFileThatIsNotDetectorStateIsRefusedWithTheReason() {
        Detector d = new Detector(DetectorConfig.defaults(), snapshot(7));
        assertThatThrownBy(() -> d.importState(new ByteArrayInputStream("hello world, not state".getBytes())))
                .isInstanceOf(IOException.class).hasMessageStartingWith("not a detector state file");
        assertThat(d.trackedEntities()).isZero();
    }

    private static List<String> ids(byte[] state) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(state));
        List<String> ids = new ArrayList<>();
        StateFormat.readStates(in, StateFormat.readHeader(in), s -> ids.add(s.key().id()));
        return ids;
    }
}
