package io.shadow.agents.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shadow.agents.LogLines;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {
    /** Every test payload is 10 bytes, so a record is 18 bytes on disk and a 72-byte segment holds four. */
    private static final int RECORD = 18;
    private static final long SEGMENT = 4 * RECORD;
    private static final long ROOMY = 1 << 20;

    @TempDir
    Path dir;

    private static byte[] payload(int i) {
        return String.format("event-%04d", i).getBytes(StandardCharsets.UTF_8);
    }

    private static List<byte[]> payloads(int from, int to) {
        return IntStream.range(from, to).mapToObj(SpoolTest::payload).toList();
    }

    private static List<String> texts(List<SpoolRecord> records) {
        return records.stream().map(r -> new String(r.payload(), StandardCharsets.UTF_8)).toList();
    }

    private static List<Long> sequences(List<SpoolRecord> records) {
        return records.stream().map(SpoolRecord::sequence).toList();
    }

    private static List<Long> range(long from, long to) {
        return LongStream.range(from, to).boxed().toList();
    }

    private static List<String> expectedTexts(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> String.format("event-%04d", i)).toList();
    }

    private List<String> segmentFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("segment-")).sorted().toList();
        }
    }

    private Path segment(long firstSequence) {
        return dir.resolve(String.format("segment-%020d.log", firstSequence));
    }

    private Spool fillOneByOne(int records, long maxBytes) {
        Spool spool = Spool.open(dir, SEGMENT, maxBytes);
        for (int i = 0; i < records; i++) {
            spool.appendOne(payload(i));
        }
        return spool;
    }

    @Test
    void readsBackWhatWasAppendedWithSequenceNumbers() {
        try (Spool spool = Spool.open(dir, SEGMENT, ROOMY)) {
            assertThat(spool.append(payloads(0, 3))).isZero();
            assertThat(spool.appendOne(payload(3))).isEqualTo(3);

            List<SpoolRecord> all = spool.read(0, 100);
            assertThat(sequences(all)).containsExactly(0L, 1L, 2L, 3L);
            assertThat(texts(all)).containsExactlyElementsOf(expectedTexts(0, 4));
            assertThat(texts(spool.read(2, 1))).containsExactly("event-0002");
            assertThat(spool.read(4, 10)).isEmpty();
            assertThat(spool.nextSequence()).isEqualTo(4);
            assertThat(spool.sizeBytes()).isEqualTo(4 * RECORD);
        }
    }

    @Test
    void whatTheAgentCapturedIsReadableByItsUserOnly() throws Exception {
        Path fresh = dir.resolve("fresh/spool");
        try (Spool spool = Spool.open(fresh, SEGMENT, ROOMY)) {
            spool.appendOne(payload(0));
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(fresh.getFileSystem().supportedFileAttributeViews()
                .contains("posix"));
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(java.nio.file.Files
                .getPosixFilePermissions(fresh))).isEqualTo("rwx------");
        try (var segments = java.nio.file.Files.list(fresh)) {
            assertThat(segments.filter(p -> p.getFileName().toString().startsWith("segment-")).toList())
                    .isNotEmpty().allSatisfy(p -> assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                            java.nio.file.Files.getPosixFilePermissions(p))).isEqualTo("rw-------"));
        }
    }

    @Test
    void aCursorCommittedAsTheAgentStopsIsKept() {
        try (Spool spool = fillOneByOne(10, ROOMY)) {
            Thread.currentThread().interrupt(); // Agent.close() interrupts its threads while they ship
            try {
                spool.commitCursor("landing", 7);
            } finally {
                assertThat(Thread.interrupted()).as("the interrupt is left for the thread to see").isTrue();
            }
        }

        try (Spool reopened = Spool.open(dir, SEGMENT, ROOMY)) {
            assertThat(reopened.cursor("landing")).as("not shipped again after a restart").isEqualTo(7);
        }
    }

    @Test
    void reopeningKeepsEveryRecordAndContinuesTheNumbering() {
        try (Spool spool = fillOneByOne(10, ROOMY)) {
            assertThat(spool.nextSequence()).isEqualTo(10);
        }

        try (Spool reopened = Spool.open(dir, SEGMENT, ROOMY)) {
            assertThat(reopened.corruptRegions()).isZero();
            assertThat(reopened.nextSequence()).isEqualTo(10);
            assertThat(reopened.sizeBytes()).isEqualTo(10 * RECORD);
            assertThat(texts(reopened.read(0, 100))).containsExactlyElementsOf(expectedTexts(0, 10));
            assertThat(reopened.appendOne(payload(10))).isEqualTo(10);
            assertThat(sequences(reopened.read(8, 100))).containsExactly(8L, 9L, 10L);
        }
    }

    @Test
    void aTornLastRecordIsCutOnReopenAndEveryWholeRecordSurvives() throws IOException {
        fillOneByOne(6, ROOMY).close();
        Path last = segment(4);
        try (FileChannel ch = FileChannel.open(last, StandardOpenOption.WRITE)) {
            ch.truncate(2 * RECORD - 3); // the crash hit while record 5 was being written
        }

        try (Spool reopened = Spool.open(dir, SEGMENT, ROOMY)) {
            assertThat(reopened.corruptRegions()).isEqualTo(1);
            assertThat(Files.size(last)).isEqualTo(RECORD);
            assertThat(reopened.nextSequence()).isEqualTo(5);
            assertThat(texts(reopened.read(0, 100))).containsExactlyElementsOf(expectedTexts(0, 5));
            assertThat(reopened.appendOne(payload(5))).isEqualTo(5);
        }
        try (Spool again = Spool.open(dir, SEGMENT, ROOMY)) {
            assertThat(again.corruptRegions()).isZero();
            assertThat(texts(again.read(0, 100))).containsExactlyElementsOf(expectedTexts(0, 6));
        }
    }

    @Test
    void garbageAfterTheLastRecordIsCutOnReopen() throws IOException {
        fillOneByOne(3, ROOMY).close();
        Files.write(segment(0), new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x13, 0x37, 0x42,
            0x00, 0x01, 0x02, 0x03}, StandardOpenOption.APPEND);

        try (Spool reopened = Spool.open(dir, SEGMENT, ROOMY)) {
            assertThat(reopened.corruptRegions()).isEqualTo(1);
            assertThat(Files.size(segment(0))).isEqualTo(3 * RECORD);
            assertThat(reopened.sizeBytes()).isEqualTo(3 * RECORD);
            assertThat(texts(reopened.read(0, 100))).containsExactlyElementsOf(expectedTexts(0, 3));
        }
    }

    @Test
    void aCorruptRecordInAnOlderSegmentSkipsTheRestOfThatSegmentOnly() throws IOException {
        fillOneByOne(12, ROOMY).close();
        assertThat(segmentFiles()).hasSize(3);
        int flipAt = RECORD + 8 + 3; // inside the payload of record 1
        byte[] bytes = Files.readAllBytes(segment(0));
        bytes[flipAt] ^= 0x20;
        Files.write(segment(0), bytes);

        try (Spool reopened = Spool.open(dir, SEGMENT, ROOMY)) {
            assertThat(reopened.corruptRegions()).as("only the newest segment is scanned on open").isZero();

            List<SpoolRecord> read = reopened.read(0, 100);

            assertThat(sequences(read)).containsExactly(0L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);
            assertThat(texts(read)).startsWith("event-0000", "event-0004").endsWith("event-0011");
            assertThat(reopened.corruptRegions()).isEqualTo(1);
            assertThat(reopened.nextSequence()).isEqualTo(12);
        }
    }

    @Test
    void aBatchRollsToANewSegmentAtSegmentBytes() throws IOException {
        try (Spool spool = Spool.open(dir, SEGMENT, ROOMY)) {
            spool.append(payloads(0, 10));

            assertThat(segmentFiles()).containsExactly("segment-00000000000000000000.log",
                    "segment-00000000000000000004.log", "segment-00000000000000000008.log");
            assertThat(Files.size(segment(0))).isEqualTo(SEGMENT);
            assertThat(Files.size(segment(4))).isEqualTo(SEGMENT);
            assertThat(Files.size(segment(8))).isEqualTo(2 * RECORD);
            assertThat(texts(spool.read(0, 100))).containsExactlyElementsOf(expectedTexts(0, 10));
        }
    }

    @Test
    void singleAppendsRollAtSegmentBytesToo() throws IOException {
        try (Spool spool = fillOneByOne(9, ROOMY)) {
            assertThat(segmentFiles()).containsExactly("segment-00000000000000000000.log",
                    "segment-00000000000000000004.log", "segment-00000000000000000008.log");
            assertThat(Files.size(segment(8))).isEqualTo(RECORD);
        }
    }

    @Test
    void aRecordBiggerThanASegmentGetsASegmentOfItsOwn() throws IOException {
        byte[] big = new byte[100];
        try (Spool spool = Spool.open(dir, SEGMENT, ROOMY)) {
            spool.append(payloads(0, 2));
            assertThat(spool.appendOne(big)).isEqualTo(2);
            spool.appendOne(payload(3));

            assertThat(segmentFiles()).containsExactly("segment-00000000000000000000.log",
                    "segment-00000000000000000002.log", "segment-00000000000000000003.log");
            assertThat(Files.size(segment(2))).isEqualTo(8 + 100);
            assertThat(spool.read(2, 1).get(0).payload()).isEqualTo(big);
        }
    }

    @Test
    void cursorsAreKeptPerConsumerAcrossReopen() {
        try (Spool spool = fillOneByOne(10, ROOMY)) {
            assertThat(spool.cursor("landing")).isZero();
            spool.commitCursor("landing", 7);
            spool.commitCursor("scorer", 3);
            spool.commitCursor("landing", 9);
        }

        try (Spool reopened = Spool.open(dir, SEGMENT, ROOMY)) {
            assertThat(reopened.cursor("landing")).isEqualTo(9);
            assertThat(reopened.cursor("scorer")).isEqualTo(3);
            assertThat(reopened.cursor("never-shipped")).isZero();
        }
    }

    @Test
    void anUnreadableCursorSaysHowToRecover() throws IOException {
        try (Spool spool = fillOneByOne(2, ROOMY)) {
            Path cursor = dir.resolve("landing.cursor");
            Files.writeString(cursor, "12abc");

            assertThatThrownBy(() -> spool.cursor("landing"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("spool cursor " + cursor + " is unreadable (For input string: \"12abc\"); delete it "
                            + "to re-ship from the oldest retained segment (downstream de-duplicates)");
        }
    }

    @Test
    void committingACursorDeletesWhatEveryRegisteredConsumerHasShipped() throws IOException {
        try (Spool spool = Spool.open(dir, SEGMENT, ROOMY)) {
            spool.registerConsumer("landing");
            spool.registerConsumer("scorer");
            for (int i = 0; i < 12; i++) {
                spool.appendOne(payload(i));
            }
            spool.commitCursor("landing", 12);
            assertThat(segmentFiles()).as("the scorer has shipped nothing yet").hasSize(3);

            spool.commitCursor("scorer", 9);

            assertThat(spool.consumers()).containsExactly("landing", "scorer");
            assertThat(segmentFiles()).containsExactly("segment-00000000000000000008.log");
            assertThat(sequences(spool.read(9, 100))).isEqualTo(range(9, 12));
        }
    }

    /** Twelve records (three segments) for consumers landing and scorer, which shipped this many of them. */
    private void twelveRecordsShipped(long landing, long scorer) {
        try (Spool spool = Spool.open(dir, SEGMENT, ROOMY)) {
            spool.registerConsumer("landing");
            spool.registerConsumer("scorer");
            spool.append(payloads(0, 12));
            if (scorer > 0) {
                spool.commitCursor("scorer", scorer);
            }
            spool.commitCursor("landing", landing);
        }
    }

    @Test
    void aCursorLeftByAConsumerNoLongerRegisteredHoldsNothingBack() throws IOException {
        twelveRecordsShipped(12, 0);
        assertThat(segmentFiles()).as("the scorer shipped nothing").hasSize(3);

        // the scorer was removed from the configuration
        try (Spool reopened = Spool.open(dir, SEGMENT, ROOMY)) {
            reopened.registerConsumer("landing");

            assertThat(reopened.unregisteredCursors()).containsExactly(dir.resolve("scorer.cursor"));
            assertThat(reopened.consumers()).containsExactly("landing");
            reopened.trim(reopened.consumers());

            assertThat(segmentFiles()).containsExactly("segment-00000000000000000008.log");
            assertThat(reopened.cursor("scorer")).as("kept, should the scorer come back").isZero();
        }
    }

    @Test
    void aConsumerConfiguredAgainIsToldHowManyRecordsItMissed() throws IOException {
        twelveRecordsShipped(12, 3);
        try (Spool landingOnly = Spool.open(dir, SEGMENT, ROOMY)) {
            landingOnly.registerConsumer("landing");
            landingOnly.trim(landingOnly.consumers());
        }

        try (LogLines log = new LogLines(Spool.class); Spool both = Spool.open(dir, SEGMENT, ROOMY)) {
            both.registerConsumer("landing");
            both.registerConsumer("scorer");

            assertThat(log.lines()).containsExactly("WARN spool consumer scorer resumes from its cursor "
                    + dir.resolve("scorer.cursor") + " at sequence 3, but the spool starts at 8: 5 record(s) deleted "
                    + "while it was not configured are skipped, never shipped to it");
            assertThat(sequences(both.read(both.cursor("scorer"), 100))).isEqualTo(range(8, 12));
        }
    }

    @Test
    void aFullSpoolNamesTheConsumerThatHoldsTheOldestData() {
        try (Spool spool = Spool.open(dir, SEGMENT, 2 * SEGMENT)) {
            spool.registerConsumer("landing");
            spool.registerConsumer("scorer");
            spool.append(payloads(0, 8));
            spool.commitCursor("landing", 8);
            spool.commitCursor("scorer", 2);

            assertThatThrownBy(() -> spool.appendOne(payload(8)))
                    .isInstanceOf(SpoolFullException.class)
                    .hasMessage("spool " + dir + " is full (144 of 144 bytes, unshipped; the oldest is still to be "
                            + "shipped by consumer scorer); events were refused, not acknowledged. Restore the landing "
                            + "zone or scorer so shipping catches up, or raise spool.max-bytes");
        }
    }

    @Test
    void aConsumerRegisteredLateStartsAtTheOldestRetainedRecord() throws IOException {
        try (Spool spool = fillOneByOne(12, ROOMY)) {
            spool.registerConsumer("landing");
            spool.commitCursor("landing", 12);

            spool.registerConsumer("scorer");

            assertThat(spool.cursor("scorer")).isEqualTo(8);
        }
    }

    @Test
    void trimDeletesOnlySegmentsEveryConsumerHasPassed() throws IOException {
        List<String> consumers = List.of("landing", "scorer");
        try (Spool spool = fillOneByOne(12, ROOMY)) {
            consumers.forEach(spool::registerConsumer);
            spool.commitCursor("landing", 12);
            spool.commitCursor("scorer", 5);

            spool.trim(consumers);

            assertThat(segmentFiles()).containsExactly("segment-00000000000000000004.log",
                    "segment-00000000000000000008.log");
            assertThat(spool.sizeBytes()).isEqualTo(8 * RECORD);
            assertThat(sequences(spool.read(5, 100))).isEqualTo(range(5, 12));

            spool.trim(List.of("landing", "scorer", "new-consumer"));
            assertThat(segmentFiles()).as("a consumer that never shipped holds everything").hasSize(2);

            spool.commitCursor("scorer", 12);
            spool.trim(consumers);
            assertThat(segmentFiles()).as("the segment being written is never deleted")
                    .containsExactly("segment-00000000000000000008.log");
            assertThat(spool.appendOne(payload(12))).isEqualTo(12);
        }

        try (Spool reopened = Spool.open(dir, SEGMENT, ROOMY)) {
            assertThat(sequences(reopened.read(0, 100))).isEqualTo(range(8, 13));
            assertThat(texts(reopened.read(0, 100))).containsExactlyElementsOf(expectedTexts(8, 13));
        }
    }

    @Test
    void aFullSpoolRefusesAppendsAndKeepsEverythingAcknowledged() {
        long max = 2 * SEGMENT;
        try (Spool spool = fillOneByOne(8, max)) {
            assertThatThrownBy(() -> spool.appendOne(payload(8)))
                    .isInstanceOf(SpoolFullException.class)
                    .hasMessage("spool " + dir + " is full (144 of 144 bytes, unshipped); events were refused, not "
                            + "acknowledged. Restore the landing zone or scorer so shipping catches up, or raise "
                            + "spool.max-bytes");
            assertThatThrownBy(() -> spool.append(payloads(8, 11))).isInstanceOf(SpoolFullException.class);

            assertThat(spool.refusedRecords()).isEqualTo(4);
            assertThat(spool.nextSequence()).isEqualTo(8);
            assertThat(texts(spool.read(0, 100))).containsExactlyElementsOf(expectedTexts(0, 8));

            spool.commitCursor("landing", 8);
            spool.trim(List.of("landing"));

            assertThat(spool.appendOne(payload(8))).isEqualTo(8);
            assertThat(texts(spool.read(4, 100))).containsExactlyElementsOf(expectedTexts(4, 9));
        }
    }

    @Test
    void aBatchThatDoesNotFitIsRefusedWhole() {
        try (Spool spool = fillOneByOne(6, 2 * SEGMENT)) {
            assertThatThrownBy(() -> spool.append(payloads(6, 9))).isInstanceOf(SpoolFullException.class);

            assertThat(spool.refusedRecords()).isEqualTo(3);
            assertThat(spool.nextSequence()).isEqualTo(6);
            assertThat(spool.append(payloads(6, 8))).isEqualTo(6);
        }
    }

    @Test
    void segmentAndMaxBytesAreValidatedByName() {
        assertThatThrownBy(() -> Spool.open(dir, 8, 1000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("spool.segment-bytes (8) must be > 8 and <= spool.max-bytes (1000)");
        assertThatThrownBy(() -> Spool.open(dir, 4096, 1024))
                .hasMessage("spool.segment-bytes (4096) must be > 8 and <= spool.max-bytes (1024)");
    }

    @Test
    void aSpoolThatCannotBeOpenedLeavesNoSegmentOpen() throws IOException {
        Files.createDirectories(dir.resolve("spool.id")); // unreadable as the spool's id
        List<FileChannel> opened = new java.util.ArrayList<>();
        assertThatThrownBy(() -> Spool.open(dir, SEGMENT, ROOMY, p -> {
            FileChannel c = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            opened.add(c);
            return c;
        })).hasMessageStartingWith("cannot open spool.dir " + dir);
        assertThat(opened).isNotEmpty().allSatisfy(c -> assertThat(c.isOpen()).as("segment channel").isFalse());
    }

    @Test
    void aSpoolDirThatIsAFileOrReadOnlyIsNamedWithTheReason() throws IOException {
        Path file = Files.writeString(dir.resolve("spool-file"), "x");
        assertThatThrownBy(() -> Spool.open(file, SEGMENT, ROOMY)).hasMessage("spool.dir " + file + " is a regular "
                + "file, not a directory; set spool.dir to a directory (it is created if missing) or move the file away");
        assertThatThrownBy(() -> Spool.open(file.resolve("spool"), SEGMENT, ROOMY)).hasMessage("spool.dir "
                + file.resolve("spool") + " cannot be created: " + file + " is a regular file, not a directory; set "
                + "spool.dir to a directory");
    }

    @Test
    void aReadOnlySpoolDirIsNamedWithTheReason() throws IOException {
        Path readOnly = Files.createDirectories(dir.resolve("read-only"));
        readOnly.toFile().setWritable(false, false);
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.isWritable(readOnly), "root writes anywhere");
        assertThatThrownBy(() -> Spool.open(readOnly.resolve("spool"), SEGMENT, ROOMY))
                .hasMessageStartingWith("spool.dir " + readOnly.resolve("spool") + " is not writable by this user (its "
                        + "parent " + readOnly + " is read-only for it: ")
                .hasMessageEndingWith("); give the agent's user write access, or set spool.dir to a writable directory");
        readOnly.toFile().setWritable(true, false);
    }
}
