package io.shadow.agents.ship;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shadow.agents.spool.Spool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LandingZoneShipperTest {
    private static final String AGENT = "agent-7.eu_west";

    @TempDir
    Path work;
    private Path landing;
    private Spool spool;
    private LandingZoneShipper shipper;

    @BeforeEach
    void openSpoolAndShipper() throws IOException {
        landing = Files.createDirectories(work.resolve("landing"));
        spool = Spool.open(work.resolve("spool"), 1 << 16, 1 << 20);
        shipper = new LandingZoneShipper(spool, landing.toUri().toString(), AGENT, 3, new Configuration());
    }

    @AfterEach
    void close() throws IOException {
        shipper.close();
        spool.close();
    }

    private static List<String> events(int n) {
        return IntStream.range(0, n).mapToObj(i -> "{\"event_id\":\"e" + i + "\",\"operation\":\"GetObject\"}")
                .toList();
    }

    private void spoolEvents(List<String> lines) {
        spool.append(lines.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList());
    }

    /** Every regular file under the landing zone, by path relative to it, with its content. */
    private Map<String, String> landedFiles() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(landing)) {
            for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
                out.put(landing.relativize(p).toString(), Files.readString(p));
            }
        }
        return out;
    }

    private static List<String> lines(Map<String, String> files) {
        List<String> out = new ArrayList<>();
        files.values().forEach(content -> out.addAll(content.lines().toList()));
        return out;
    }

    @Test
    void shipsBatchesAsWholeNdjsonFilesUnderEvents() throws IOException {
        List<String> sent = events(7);
        spoolEvents(sent);

        assertThat(shipper.drain()).isEqualTo(7);

        Map<String, String> files = landedFiles();
        assertThat(files.keySet()).containsExactly(
                "events/agent-7.eu_west-" + spool.id() + "-00000000000000000000-00000000000000000002.ndjson",
                "events/agent-7.eu_west-" + spool.id() + "-00000000000000000003-00000000000000000005.ndjson",
                "events/agent-7.eu_west-" + spool.id() + "-00000000000000000006-00000000000000000006.ndjson");
        assertThat(files.values()).allMatch(content -> content.endsWith("\n"));
        assertThat(lines(files)).containsExactlyElementsOf(sent);
        assertThat(spool.cursor(LandingZoneShipper.CONSUMER)).isEqualTo(7);
    }

    @Test
    void shipsOnlyWhatWasAppendedSinceTheLastShipment() throws IOException {
        spoolEvents(events(2));
        shipper.drain();
        spoolEvents(List.of("{\"event_id\":\"late\"}"));

        assertThat(shipper.shipOnce()).isEqualTo(1);
        assertThat(shipper.shipOnce()).isZero();

        assertThat(landedFiles()).containsEntry(
                "events/agent-7.eu_west-" + spool.id() + "-00000000000000000002-00000000000000000002.ndjson",
                "{\"event_id\":\"late\"}\n");
        assertThat(lines(landedFiles())).hasSize(3);
    }

    @Test
    void reshippingAfterACrashBeforeTheCursorMovedWritesNoDuplicates() throws IOException {
        List<String> sent = events(7);
        spoolEvents(sent);
        shipper.drain();
        Map<String, String> before = landedFiles();
        // a crash after the renames but before the cursor commits: the cursor still says nothing was shipped
        spool.commitCursor(LandingZoneShipper.CONSUMER, 0);

        assertThat(shipper.drain()).isEqualTo(7);

        assertThat(landedFiles()).isEqualTo(before);
        assertThat(lines(landedFiles())).containsExactlyElementsOf(sent);
        assertThat(spool.cursor(LandingZoneShipper.CONSUMER)).isEqualTo(7);
    }

    @Test
    void aNewSpoolOfTheSameAgentDoesNotCollideWithAnOldOnesFiles(@org.junit.jupiter.api.io.TempDir Path other)
            throws IOException {
        spoolEvents(events(3));
        shipper.drain();
        try (Spool second = Spool.open(other, 1 << 20, 1 << 22)) {
            second.append(List.of("{\"event_id\":\"from-the-new-spool\"}".getBytes(
                    java.nio.charset.StandardCharsets.UTF_8)));
            LandingZoneShipper again = new LandingZoneShipper(second, landing.toUri().toString(), "agent-7.eu_west", 3,
                    new Configuration());

            assertThat(again.drain()).isEqualTo(1);
        }

        assertThat(lines(landedFiles())).contains("{\"event_id\":\"from-the-new-spool\"}");
        assertThat(lines(landedFiles())).hasSize(4);
    }


    @Test
    void anEmptySpoolShipsNothing() throws IOException {
        assertThat(shipper.drain()).isZero();
        assertThat(landedFiles()).isEmpty();
    }

    @Test
    void agentIdsThatCannotBeFileNamesAreRejected() {
        assertThatThrownBy(() -> new LandingZoneShipper(spool, landing.toUri().toString(), "web 1/prod", 3,
                new Configuration()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("agent id 'web 1/prod' may only hold letters, digits, '.', '_' and '-': it becomes part "
                        + "of landing-zone file names");
    }

    @Test
    void eventsDirectoryIsUnderTheLandingZone() {
        assertThat(LandingZoneShipper.eventsDirectory("file:///var/shadow/landing"))
                .isEqualTo("file:///var/shadow/landing/events");
        assertThat(LandingZoneShipper.eventsDirectory("hdfs://nn:8020/shadow/landing/"))
                .isEqualTo("hdfs://nn:8020/shadow/landing/events");
    }
}
