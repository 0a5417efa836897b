package io.shadow.agents.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import io.shadow.agents.LogLines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A disk that fills up under the spool: what failed is undone, what was acknowledged and what follows is kept. */
class SpoolWriteFailureTest {
    /** Every payload is 10 bytes, so a record is 18 bytes on disk and a 72-byte segment holds four. */
    private static final int RECORD = 18;
    private static final long SEGMENT = 4 * RECORD;
    private static final long ROOMY = 1 << 20;

    @TempDir
    Path dir;
    private final FillingDisk disk = new FillingDisk();

    private static List<byte[]> payloads(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> String.format("event-%04d", i)
                .getBytes(StandardCharsets.UTF_8)).toList();
    }

    private static List<String> texts(List<SpoolRecord> records) {
        return records.stream().map(r -> new String(r.payload(), StandardCharsets.UTF_8)).toList();
    }

    private static List<String> expectedTexts(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> String.format("event-%04d", i)).toList();
    }

    private Path segment(long firstSequence) {
        return dir.resolve(String.format("segment-%020d.log", firstSequence));
    }

    private List<String> segmentFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("segment-")).sorted().toList();
        }
    }

    @Test
    void aWriteThatFailsPartWayIsRolledBackAndLaterBatchesAreKept() throws IOException {
        try (Spool spool = disk.open(dir, SEGMENT, ROOMY)) {
            spool.append(payloads(0, 2));
            disk.room(RECORD + 5); // the next batch gets one record and a few bytes of the second on disk

            assertThatThrownBy(() -> spool.append(payloads(2, 4)))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessage("spool " + dir + " could not store a batch of 2 event(s) (No space left on device); "
                            + "the batch was rolled back and none of it is acknowledged. Free space where spool.dir "
                            + "is (or move spool.dir), then send it again");
            assertThat(Files.size(segment(0))).as("the partial batch is cut off").isEqualTo(2 * RECORD);
            assertThat(spool.nextSequence()).isEqualTo(2);
            assertThat(spool.sizeBytes()).isEqualTo(2 * RECORD);

            disk.freed();
            assertThat(spool.append(payloads(2, 4))).isEqualTo(2);

            assertThat(texts(spool.read(0, 100))).containsExactlyElementsOf(expectedTexts(0, 4));
            assertThat(spool.corruptRegions()).isZero();
        }
        try (Spool reopened = Spool.open(dir, SEGMENT, ROOMY)) {
            assertThat(reopened.corruptRegions()).as("no torn tail to cut at restart").isZero();
            assertThat(texts(reopened.read(0, 100))).containsExactlyElementsOf(expectedTexts(0, 4));
        }
    }

    @Test
    void aBatchThatFailsInTheSegmentItRolledToIsUndoneInBothSegments() throws IOException {
        try (Spool spool = disk.open(dir, SEGMENT, ROOMY)) {
            spool.append(payloads(0, 3));
            // record 3 fills segment 0, records 4 and 5 start segment 4, where the disk runs out
            disk.room(RECORD + RECORD + 3);

            assertThatThrownBy(() -> spool.append(payloads(3, 6))).isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("(No space left on device)");

            assertThat(segmentFiles()).containsExactly("segment-00000000000000000000.log");
            assertThat(Files.size(segment(0))).isEqualTo(3 * RECORD);
            assertThat(spool.read(0, 100)).hasSize(3);

            disk.freed();
            assertThat(spool.append(payloads(3, 6))).isEqualTo(3);
            assertThat(segmentFiles()).hasSize(2);
        }
        try (Spool reopened = Spool.open(dir, SEGMENT, ROOMY)) {
            assertThat(reopened.corruptRegions()).isZero();
            assertThat(texts(reopened.read(0, 100))).containsExactlyElementsOf(expectedTexts(0, 6));
        }
    }

    @Test
    void aConsumerShipsEveryAcknowledgedRecordAfterTheDiskFilledUp() {
        try (Spool spool = disk.open(dir, SEGMENT, ROOMY)) {
            spool.registerConsumer("landing");
            spool.append(payloads(0, 2));
            disk.room(7);
            assertThatThrownBy(() -> spool.append(payloads(2, 3))).isInstanceOf(UncheckedIOException.class);
            assertThat(texts(spool.read(spool.cursor("landing"), 100))).containsExactlyElementsOf(expectedTexts(0, 2));
            spool.commitCursor("landing", 2);

            disk.freed();
            spool.append(payloads(2, 5));

            assertThat(texts(spool.read(spool.cursor("landing"), 100))).containsExactlyElementsOf(expectedTexts(2, 5));
            assertThat(spool.corruptRegions()).isZero();
        }
    }

    @Test
    void aBatchThatCannotBeRolledBackIsNeverHandedToConsumers() throws IOException {
        try (LogLines log = new LogLines(Spool.class); Spool spool = disk.open(dir, SEGMENT, ROOMY)) {
            spool.append(payloads(0, 2));
            disk.goBad(); // the batch is written whole, then neither its fsync nor the rollback's truncate works

            assertThatThrownBy(() -> spool.append(payloads(2, 4))).isInstanceOf(UncheckedIOException.class);

            assertThat(texts(spool.read(0, 100))).as("the refused batch is not read").containsExactlyElementsOf(
                    expectedTexts(0, 2));
            assertThat(spool.nextSequence()).isEqualTo(2);
            assertThat(spool.sizeBytes()).isEqualTo(2 * RECORD);
            String broken = "spool " + dir + " refuses writes since a failed write could not be rolled back "
                    + "(Input/output error); nothing was acknowledged after it. Fix the disk under spool.dir and "
                    + "restart the agent: records of the refused batch that reached the disk whole are then kept and "
                    + "shipped (a sender that sent them again has them twice; ingest keeps one per event_id), a torn "
                    + "last record is cut";
            assertThat(spool.writeFailure()).hasValue(broken);
            assertThatThrownBy(() -> spool.append(payloads(4, 5))).hasMessage(broken);
            assertThat(log.lines()).filteredOn(l -> l.startsWith("ERROR")).singleElement()
                    .isEqualTo("ERROR " + broken + " (the rollback failed: java.io.IOException: Input/output error)");
            disk.freed();
        }
        try (Spool reopened = Spool.open(dir, SEGMENT, ROOMY)) {
            assertThat(texts(reopened.read(0, 100))).as("as the message says").containsExactlyElementsOf(
                    expectedTexts(0, 4));
        }
    }

    @Test
    void newRecordsNeverReuseASequenceACursorHasPassed() throws IOException {
        try (Spool spool = Spool.open(dir, SEGMENT, ROOMY)) {
            spool.registerConsumer("landing");
            spool.append(payloads(0, 2));
            // records 2 and 3 were shipped, then lost from disk (a refused batch an older agent handed out)
            spool.commitCursor("landing", 4);
        }
        try (LogLines log = new LogLines(Spool.class); Spool reopened = Spool.open(dir, SEGMENT, ROOMY)) {
            reopened.registerConsumer("landing");

            assertThat(reopened.append(payloads(4, 5))).isEqualTo(4);

            assertThat(texts(reopened.read(reopened.cursor("landing"), 100))).containsExactly("event-0004");
            assertThat(segmentFiles()).containsExactly("segment-00000000000000000000.log",
                    "segment-00000000000000000004.log");
            assertThat(log.lines()).containsExactly("ERROR spool " + dir + " holds records below sequence 2 but "
                    + "cursor(s) " + dir.resolve("landing.cursor") + " at 4 are past it: what they shipped beyond it "
                    + "is no longer on disk. New records are numbered from 4 in a new segment, so none reuses a "
                    + "sequence a consumer has passed");
        }
        try (Spool again = Spool.open(dir, SEGMENT, ROOMY)) {
            assertThat(again.nextSequence()).isEqualTo(5);
            assertThat(texts(again.read(0, 100))).containsExactly("event-0000", "event-0001", "event-0004");
        }
    }

    @Test
    void anInterruptedAppendIsRolledBackAndTheSpoolKeepsWorking() throws IOException {
        try (Spool spool = Spool.open(dir, SEGMENT, ROOMY)) {
            spool.append(payloads(0, 2));
            Thread.currentThread().interrupt(); // Agent.close() interrupts a source thread that is appending

            assertThatThrownBy(() -> spool.append(payloads(2, 4))).isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("the batch was rolled back");

            assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
            assertThat(spool.writeFailure()).isEmpty();
            assertThat(Files.size(segment(0))).isEqualTo(2 * RECORD);
            assertThat(spool.append(payloads(2, 3))).isEqualTo(2);
        }
        try (Spool reopened = Spool.open(dir, SEGMENT, ROOMY)) {
            assertThat(texts(reopened.read(0, 100))).containsExactlyElementsOf(expectedTexts(0, 3));
        }
    }

    @Test
    void aBatchWithBadSliceBoundsIsRolledBackAndNumberingStaysRight() {
        try (Spool spool = Spool.open(dir, SEGMENT, ROOMY)) {
            spool.append(payloads(0, 2));
            byte[] body = "event-0002event-0003".getBytes(StandardCharsets.UTF_8);

            assertThatThrownBy(() -> spool.append(body, new int[] {0, 10, 5000, 5010}, 2))
                    .isInstanceOf(IndexOutOfBoundsException.class);
            long next = spool.append(body, new int[] {0, 10, 10, 20}, 2);

            assertThat(next).as("the refused batch used no sequence number").isEqualTo(2);
            assertThat(texts(spool.read(0, 100))).isEqualTo(expectedTexts(0, 4));
        }
    }

    @Test
    void anAppendAfterCloseIsRefusedPlainlyAndLeavesTheSpoolSound() {
        Spool spool = Spool.open(dir, SEGMENT, ROOMY);
        spool.append(payloads(0, 2));
        spool.close();

        assertThatThrownBy(() -> spool.append(payloads(2, 3))).isInstanceOf(IllegalStateException.class)
                .hasMessage("spool " + dir + " is closed (the agent is stopping); nothing of this batch was "
                        + "acknowledged: send it again once the agent is back");
        assertThat(spool.writeFailure()).as("not broken").isEmpty();
        try (Spool again = Spool.open(dir, SEGMENT, ROOMY)) {
            assertThat(texts(again.read(0, 100))).isEqualTo(expectedTexts(0, 2));
        }
    }

    @Test
    void aFullDiskWhoseOnlySegmentIsShippedFreesItAndStoresAgainAlsoAfterARestart() throws IOException {
        // a 2 KiB file system (cursor files included) and 64 MiB segments: the active segment never completes
        long segmentBytes = 64L << 20;
        disk.capacity(dir, 2048);
        int stored = 0;
        try (LogLines log = new LogLines(Spool.class); Spool spool = disk.open(dir, segmentBytes, 1L << 32)) {
            spool.registerConsumer("landing");
            while (true) {
                try {
                    spool.append(payloads(stored, stored + 1));
                    stored++;
                } catch (UncheckedIOException full) {
                    assertThat(full).hasMessageContaining("No space left on device");
                    break;
                }
            }
            assertThat(stored).isGreaterThan(50);
            assertThat(spool.appendRefusal()).as("refusing, so /health says degraded").isPresent();
            // shipped, but only complete segments used to be deleted: every later append was refused
            spool.commitCursor("landing", stored);
            assertThat(spool.appendRefusal()).as("room is made as soon as everything is shipped").isEmpty();

            assertThat(spool.append(payloads(stored, stored + 1))).isEqualTo(stored);
            assertThat(texts(spool.read(spool.cursor("landing"), 100))).containsExactlyElementsOf(
                    expectedTexts(stored, stored + 1));
            assertThat(segmentFiles()).containsExactly(String.format("segment-%020d.log", stored));
            assertThat(log.lines()).filteredOn(l -> l.startsWith("INFO")).singleElement().asString()
                    .startsWith("INFO spool " + dir + ": every consumer (landing) has shipped all " + stored);
            stored++;
            while (true) {
                try {
                    spool.append(payloads(stored, stored + 1));
                    stored++;
                } catch (UncheckedIOException full) {
                    break;
                }
            }
            spool.commitCursor("landing", stored);
        }
        // full again and all shipped; a restart must not leave it refusing for good
        disk.capacity(dir, 2048);
        try (Spool spool = disk.open(dir, segmentBytes, 1L << 32)) {
            spool.registerConsumer("landing");
            assertThat(spool.append(payloads(stored, stored + 1))).as("the shipped segment was replaced").isEqualTo(stored);
            assertThat(texts(spool.read(spool.cursor("landing"), 100))).containsExactlyElementsOf(
                    expectedTexts(stored, stored + 1));
        }
        try (Spool reopened = Spool.open(dir, segmentBytes, 1L << 32)) {
            assertThat(reopened.corruptRegions()).isZero();
            assertThat(reopened.nextSequence()).isEqualTo(stored + 1);
        }
    }
}
