package io.shadow.agents.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shadow.features.json.EventCodec;
import io.shadow.features.json.EventFormatException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DropDirectorySourceTest {
    /** Event ids of the golden delivered file. */
    private static final String[] DELIVERED_IDS = {"3b9c2a1e-5f4d-4c8e-9a7b-1d2e3f4a5b6c",
            "c8d1e2f3-a4b5-4c6d-8e7f-9a0b1c2d3e4f", "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9",
            "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d", "e4d3c2b1-a0f9-4e8d-7c6b-5a4f3e2d1c0b"};
    /** Event ids of the good records of {@code records.jsonl}, delivered gzipped by {@link #deliverGzipped}. */
    private static final String[] GZIPPED_IDS = {"11111111-2222-4333-8444-555555555555",
            "22222222-3333-4444-8555-666666666666", "66666666-7777-4888-8999-aaaaaaaaaaaa"};

    @TempDir
    Path tmp;
    Path drop;
    Path day;

    @BeforeEach
    void layout() throws IOException {
        drop = tmp.resolve("cloudtrail");
        day = drop.resolve("AWSLogs/123456789012/CloudTrail/eu-west-1/2026/11/09");
        Files.createDirectories(day);
    }

    private DropDirectorySource source() {
        return new DropDirectorySource("cloudtrail-dir-0", drop, tmp.resolve("state"), null);
    }

    private static List<String> poll(Source source) throws IOException {
        List<String> lines = new ArrayList<>();
        int n = source.poll(lines::addAll);
        assertThat(n).as("poll's count of lines handed over").isEqualTo(lines.size());
        return lines;
    }

    private static List<String> ids(List<String> lines) {
        return lines.stream().map(l -> EventCodec.parse(l).eventId()).toList();
    }

    private void deliverPlain() throws IOException {
        Files.copy(Fixtures.path(Fixtures.DELIVERED), day.resolve(Fixtures.path(Fixtures.DELIVERED).getFileName()));
    }

    /** A delivered file as CloudTrail writes it: {@code {"Records":[…]}}, one line, gzipped. */
    private Path deliverGzipped(String name) throws IOException {
        ObjectNode file = EventCodec.mapper().createObjectNode();
        ArrayNode records = file.putArray("Records");
        for (String line : Fixtures.lines(Fixtures.CLOUDTRAIL_LINES)) {
            try {
                var r = EventCodec.mapper().readTree(line);
                if (r.hasNonNull("eventTime") && r.get("eventTime").asText().startsWith("2026-")) {
                    records.add(r);
                }
            } catch (IOException notJson) {
                // the malformed fixture line
            }
        }
        Path f = day.resolve(name);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
            out.write(file.toString().getBytes(StandardCharsets.UTF_8));
        }
        return f;
    }

    @Test
    void plainAndGzippedDeliveriesAreEachReadOnce() throws IOException {
        deliverPlain();
        deliverGzipped("123456789012_CloudTrail_eu-west-1_20261109T1105Z_cd34.json.gz");
        try (DropDirectorySource source = source()) {
            List<String> lines = poll(source);

            assertThat(ids(lines)).containsExactlyInAnyOrder(concat(DELIVERED_IDS, GZIPPED_IDS));
            assertThat(lines).extracting(l -> EventCodec.parse(l).tenant()).containsOnly("123456789012");
            assertThat(poll(source)).isEmpty();
        }
    }

    @Test
    void aRestartReadsNothingAgainButANewFileLater() throws IOException {
        deliverPlain();
        try (DropDirectorySource source = source()) {
            assertThat(poll(source)).hasSize(5);
        }

        try (DropDirectorySource source = source()) {
            assertThat(poll(source)).isEmpty();
            deliverGzipped("123456789012_CloudTrail_eu-west-1_20261109T1105Z_cd34.json.gz");
            assertThat(ids(poll(source))).containsExactlyInAnyOrder(GZIPPED_IDS);
        }
        try (DropDirectorySource source = source()) {
            assertThat(poll(source)).isEmpty();
        }
    }

    @Test
    void filesARetentionJobRemovedLeaveTheStateSoItStaysAsLargeAsTheFolder() throws IOException {
        deliverPlain();
        Path gz = deliverGzipped("123456789012_CloudTrail_eu-west-1_20261109T1105Z_cd34.json.gz");
        Path state = tmp.resolve("state");
        try (DropDirectorySource source = source()) {
            assertThat(poll(source)).hasSize(8);
            assertThat(stateText(state)).contains("cd34.json.gz");

            Files.delete(gz);
            assertThat(poll(source)).isEmpty();

            assertThat(stateText(state)).as("the deleted file is forgotten").doesNotContain("cd34.json.gz")
                    .contains(Fixtures.path(Fixtures.DELIVERED).getFileName().toString());
        }
        try (DropDirectorySource source = source()) {
            assertThat(poll(source)).as("the file still there is not read again").isEmpty();
        }
    }

    private static String stateText(Path stateDir) throws IOException {
        try (Stream<Path> files = Files.list(stateDir)) {
            StringBuilder sb = new StringBuilder();
            for (Path f : files.toList()) {
                sb.append(Files.readString(f));
            }
            return sb.toString();
        }
    }

    @Test
    void otherFilesAreIgnored() throws IOException {
        Files.writeString(day.resolve("README.txt"), "synced from s3://acme-trail");
        Files.copy(Fixtures.path(Fixtures.DELIVERED), day.resolve(".in-flight.json"));
        Files.copy(Fixtures.path(Fixtures.DELIVERED), day.resolve("download.json.part"));
        Path digest = day.resolveSibling("CloudTrail-Digest");
        Files.createDirectories(digest);
        Files.writeString(digest.resolve("123456789012_CloudTrail-Digest_eu-west-1_20261109T1000Z.json.gz"),
                "{\"digestStartTime\":\"2026-11-09T09:00:00Z\"}");
        try (DropDirectorySource source = source()) {
            assertThat(poll(source)).isEmpty();
        }
    }

    @Test
    void jsonLinesFilesAreReadTooWithTheirRejections() throws IOException {
        Files.copy(Fixtures.path(Fixtures.CLOUDTRAIL_LINES), day.resolve("export.jsonl"));
        try (DropDirectorySource source = source()) {
            List<String> lines = poll(source);

            assertThat(lines).hasSize(6);
            assertThat(lines.stream().filter(l -> l.contains(EventCodec.REJECTED))).hasSize(3);
        }
    }

    @Test
    void aFileIsRememberedOnlyOnceItsEventsWereTaken() throws IOException {
        deliverPlain();
        try (DropDirectorySource source = source()) {
            assertThatThrownBy(() -> source.poll(lines -> {
                throw new IllegalStateException("spool full");
            })).hasMessage("spool full");
        }
        try (DropDirectorySource source = source()) {
            assertThat(ids(poll(source))).containsExactlyInAnyOrder(DELIVERED_IDS);
        }
    }

    @Test
    void aCorruptDeliveryIsQuarantinedAndDoesNotHoldUpTheOthers() throws IOException {
        Path good = deliverGzipped("123456789012_CloudTrail_eu-west-1_20261109T1105Z_cd34.json.gz");
        byte[] bytes = Files.readAllBytes(good);
        // sorts first, so it is read before the good file
        Files.write(day.resolve("123456789012_CloudTrail_eu-west-1_20261109T1100Z_0bad.json.gz"),
                Arrays.copyOf(bytes, bytes.length / 2));
        try (DropDirectorySource source = source()) {
            List<String> lines = poll(source);

            // records read before the damage are taken (the file is read record by record), then its rejection
            List<String> rejections = lines.stream().filter(l -> l.contains(EventCodec.REJECTED)).toList();
            assertThat(rejections).singleElement().satisfies(r -> assertThatThrownBy(() -> EventCodec.parse(r))
                    .asInstanceOf(type(EventFormatException.class))
                    .satisfies(e -> assertThat(e.getMessage()).startsWith("cloudtrail record: file "
                            + "AWSLogs/123456789012/CloudTrail/eu-west-1/2026/11/09/"
                            + "123456789012_CloudTrail_eu-west-1_20261109T1100Z_0bad.json.gz cannot be read (")));
            List<String> events = lines.stream().filter(l -> !l.contains(EventCodec.REJECTED)).toList();
            assertThat(ids(events)).contains(GZIPPED_IDS).doesNotHaveDuplicates();
            assertThat(poll(source)).isEmpty();
        }
    }

    private DropDirectorySource source(long maxFileBytes, java.time.Duration settle) {
        return new DropDirectorySource("cloudtrail-dir-0", drop, tmp.resolve("state"), null, maxFileBytes, settle,
                java.time.Clock.systemUTC());
    }

    private static String reason(String line) {
        try {
            return EventCodec.mapper().readTree(line).path(EventCodec.REJECTED).path("reason").asText();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void filesWithoutRecordsAreRejectedNamingTheFileAndWarned() throws IOException {
        Files.writeString(day.resolve("a-oops.json"), "{\"Records\":\"oops\"}");
        Files.writeString(day.resolve("b-empty.json"), "");
        Files.writeString(day.resolve("c-truncated.json"), "{\"Records\":[{\"eventTime\":\"2026-11-09T10:00:00Z\",");
        String rel = "AWSLogs/123456789012/CloudTrail/eu-west-1/2026/11/09/";
        try (io.shadow.agents.LogLines log = new io.shadow.agents.LogLines(DropDirectorySource.class);
             DropDirectorySource source = source()) {
            List<String> lines = poll(source);

            assertThat(lines).hasSize(3);
            assertThat(reason(lines.get(0))).isEqualTo("file " + rel + "a-oops.json: Records is string, not an "
                    + "array of records; a CloudTrail file holds {\"Records\":[...]}");
            assertThat(reason(lines.get(1))).isEqualTo("file " + rel + "b-empty.json is empty (or only white space); "
                    + "a CloudTrail file holds {\"Records\":[...]} or one JSON record per line");
            assertThat(reason(lines.get(2))).startsWith("file " + rel + "c-truncated.json is not valid JSON (");
            assertThat(log.lines()).as("one WARN a minute, the others counted in the next").containsExactly(
                    "WARN source cloudtrail-dir-0: 1 of 1 record(s) of file " + rel + "a-oops.json rejected, shipped "
                            + "for quarantine (the first: " + reason(lines.get(0)) + ")");
        }
    }

    @Test
    void aFileStillBeingWrittenWaitsForTheSettleTime() throws IOException {
        Path f = day.resolve("123456789012_CloudTrail_eu-west-1_20261109T1000Z_ab12.json");
        String full = Files.readString(Fixtures.path(Fixtures.DELIVERED));
        Files.writeString(f, full.substring(0, full.length() / 2));
        try (DropDirectorySource source = source(DropDirectorySource.DEFAULT_MAX_FILE_BYTES,
                java.time.Duration.ofSeconds(5))) {
            assertThat(poll(source)).as("half-written, modified just now: not read, not rejected").isEmpty();

            Files.writeString(f, full);
            Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()
                    - 6_000));
            assertThat(ids(poll(source))).containsExactlyInAnyOrder(DELIVERED_IDS);
            assertThat(poll(source)).isEmpty();
        }
    }

    @Test
    void aFileAboveTheSizeLimitIsRejectedNamingItStoredOrUnpacked() throws IOException {
        deliverPlain();
        Path gz = deliverGzipped("123456789012_CloudTrail_eu-west-1_20261109T1105Z_cd34.json.gz");
        long plain = Files.size(day.resolve(Fixtures.path(Fixtures.DELIVERED).getFileName()));
        long limit = Math.max(Files.size(gz), 1024);
        assertThat(plain).isGreaterThan(limit);
        try (DropDirectorySource source = source(limit, java.time.Duration.ZERO)) {
            List<String> lines = poll(source);

            assertThat(lines).allSatisfy(l -> assertThat(l).contains(EventCodec.REJECTED)).hasSize(2);
            assertThat(lines).extracting(DropDirectorySourceTest::reason).anySatisfy(r -> assertThat(r)
                    .endsWith(Fixtures.path(Fixtures.DELIVERED).getFileName() + " cannot be read (it is " + plain
                            + " bytes, more than sources.max-file-bytes (" + limit + "); raise sources.max-file-bytes "
                            + "if files this large are real)"))
                    .anySatisfy(r -> assertThat(r).contains("cd34.json.gz cannot be read (it unpacks to more than "
                            + "sources.max-file-bytes (" + limit + " bytes)"));
        }
    }

    @Test
    void aDirectoryThatDoesNotExistYetIsNotAnError() throws IOException {
        try (DropDirectorySource source = new DropDirectorySource("d", tmp.resolve("later"), tmp.resolve("state"),
                null)) {
            assertThat(poll(source)).isEmpty();
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
