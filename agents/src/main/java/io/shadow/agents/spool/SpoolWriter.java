package io.shadow.agents.spool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.IntFunction;
import java.util.function.IntUnaryOperator;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write path of a {@link Spool}: appends batches to the newest segment through one write buffer,
 * rolls to a new segment at the size bound, forces each batch to disk, and rolls a batch that failed
 * part-way back to where it began. It numbers records, tracks the spool's size on disk and how far
 * records are acknowledged. Not thread-safe: the spool calls it only while holding its lock.
 */
final class SpoolWriter {
    // logs as Spool: operators and tests follow the spool under one logger
    private static final Logger LOG = LoggerFactory.getLogger(Spool.class);
    private static final int HEADER = SegmentReader.HEADER;
    private static final int WRITE_BUFFER = 1 << 18;

    private final Path dir;
    private final long segmentBytes;
    private final Spool.SegmentOpener opener;
    /** The spool's segments (first sequence -> file): this adds the ones it starts and drops rolled-back ones. */
    private final TreeMap<Long, Path> segments;
    /** Why appends are refused for good: a failed write that could not be rolled back. */
    private volatile IOException broken;
    private FileChannel active;
    private ByteBuffer writeBuffer;
    private long activeSize;
    private long nextSequence;
    /** Sequence after the last batch forced to disk: readers stop here, whatever a failed batch left. */
    private long acknowledged;
    private long totalBytes;

    SpoolWriter(Path dir, long segmentBytes, Spool.SegmentOpener opener, TreeMap<Long, Path> segments) {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        this.opener = opener;
        this.segments = segments;
    }

    /** Starts appending where recovery found the spool: after the tail's valid bytes, or in a new segment. */
    void resume(SpoolRecovery.Resume at) throws IOException {
        totalBytes = at.totalBytes();
        nextSequence = at.nextSequence();
        if (at.tail() == null) {
            openSegment(nextSequence);
        } else {
            active = opener.open(at.tail());
            activeSize = at.tailBytes();
        }
        acknowledged = nextSequence;
    }

    /** Sequence number the next appended record will get. */
    long nextSequence() {
        return nextSequence;
    }

    /** Sequence after the last acknowledged record: readers stop here. */
    long acknowledged() {
        return acknowledged;
    }

    /** Bytes of all segments on disk. */
    long totalBytes() {
        return totalBytes;
    }

    /** Bytes of the active segment. */
    long activeSize() {
        return activeSize;
    }

    /**
     * Replaces every segment (all shipped, the caller checked) with a new empty one starting at the next
     * sequence, so numbering goes on; returns the bytes freed. On a disk too full even for an empty
     * file, the old segments are deleted first (a restart then resumes numbering after the cursors).
     */
    long dropShipped() throws IOException {
        List<Path> old = new ArrayList<>(segments.values());
        long freed = totalBytes;
        active.close();
        active = null;
        segments.clear();
        try {
            openSegment(nextSequence);
        } catch (IOException noRoom) {
            for (Path p : old) {
                Files.deleteIfExists(p);
            }
            old.clear();
            try {
                openSegment(nextSequence);
            } catch (IOException e) {
                e.addSuppressed(noRoom);
                broken = e;
                LOG.error("{} (no new segment could be opened after deleting the shipped ones)", brokenMessage());
                throw e;
            }
        }
        Path now = segments.get(nextSequence);
        for (Path p : old) {
            if (!p.equals(now)) {
                Files.deleteIfExists(p);
            }
        }
        syncDirectory();
        totalBytes = activeSize;
        acknowledged = nextSequence;
        return freed - totalBytes;
    }

    /** Accounts for a segment of {@code bytes} that trimming deleted. */
    void trimmed(long bytes) {
        totalBytes -= bytes;
    }

    /** Throws if appends are refused until a restart (a failed write that could not be rolled back). */
    void refuseIfBroken() {
        if (broken != null) {
            throw new UncheckedIOException(brokenMessage(), broken);
        }
        if (active == null) { // closed: the agent is stopping; nothing is written, nothing marked broken
            throw new IllegalStateException("spool " + dir + " is closed (the agent is stopping); nothing of this "
                    + "batch was acknowledged: send it again once the agent is back");
        }
    }

    /** Why appends are refused until a restart (a failed write that could not be rolled back), if they are. */
    Optional<String> writeFailure() {
        return broken == null ? Optional.empty() : Optional.of(brokenMessage());
    }

    /** Writes a batch and forces it to disk, or rolls it back; returns the sequence number of its first record. */
    long append(int count, IntFunction<byte[]> array, IntUnaryOperator offset, IntUnaryOperator length) {
        long first = nextSequence;
        long segment = segments.lastKey();
        long segmentSize = activeSize;
        long total = totalBytes;
        try {
            writeBatch(count, array, offset, length);
            return first;
        } catch (IOException e) {
            rollBack(first, segment, segmentSize, total, e);
            throw new UncheckedIOException("spool " + dir + " could not store a batch of " + count
                    + " event(s) (" + cause(e) + "); the batch was rolled back and none of it is acknowledged. "
                    + "Free space where spool.dir is (or move spool.dir), then send it again", e);
        } catch (RuntimeException e) { // a caller's bad slice bounds: what was buffered or written is undone too
            rollBack(first, segment, segmentSize, total, new IOException(e.toString(), e));
            throw e;
        }
    }

    private void writeBatch(int count, IntFunction<byte[]> array, IntUnaryOperator offset, IntUnaryOperator length)
            throws IOException {
        ByteBuffer buf = writeBuffer();
        buf.clear();
        for (int i = 0; i < count; i++) {
            byte[] a = array.apply(i);
            int off = offset.applyAsInt(i);
            int len = length.applyAsInt(i);
            // records already buffered count too, or a batch into an empty segment would never roll
            long pending = activeSize + buf.position();
            if (pending > 0 && pending + HEADER + len > segmentBytes) {
                write(buf);
                roll();
            }
            if (buf.remaining() < HEADER + len) {
                write(buf);
            }
            buf.putInt(len).putInt(crc(a, off, len));
            if (len > buf.remaining()) {
                write(buf);
                writeFully(ByteBuffer.wrap(a, off, len));
            } else {
                buf.put(a, off, len);
            }
            nextSequence++;
        }
        write(buf);
        active.force(false);
        acknowledged = nextSequence;
    }

    /**
     * Undoes a batch that failed part-way: segments it started are deleted and the segment it began in
     * is cut back to its length before the batch, so no partial record sits before later ones. If even
     * that fails, appends are refused until a restart (whose recovery keeps the batch's whole records and
     * cuts a torn one); readers stop at the last acknowledged record either way.
     */
    private void rollBack(long first, long segment, long segmentSize, long total, IOException cause) {
        // an interrupt (Agent.close) is what closed the channel: the truncate must not see it as well
        boolean interrupted = Thread.interrupted();
        try {
            boolean rolled = segments.lastKey() != segment;
            while (segments.lastKey() != segment) {
                Files.deleteIfExists(segments.pollLastEntry().getValue());
            }
            if (rolled) {
                // the deletes must last: a segment back after a power cut would bring the refused batch's
                // records with it, and the sender has retried them
                syncDirectory();
            }
            if (rolled || !active.isOpen()) {
                if (active.isOpen()) {
                    active.close();
                }
                active = opener.open(segments.get(segment));
            }
            active.truncate(segmentSize);
            active.force(true);
            LOG.warn("spool write failed in {} ({}); rolled back to sequence {}, {} bytes of {}", dir, cause(cause),
                    first, segmentSize, segments.get(segment).getFileName());
        } catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
            broken = cause;
            LOG.error("{} (the rollback failed: {})", brokenMessage(), e.toString());
        } finally {
            // the batch is refused either way: nothing of it is read, and numbering resumes where it began
            activeSize = segmentSize;
            totalBytes = total;
            nextSequence = first;
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private String brokenMessage() {
        return "spool " + dir + " refuses writes since a failed write could not be rolled back (" + cause(broken)
                + "); nothing was acknowledged after it. Fix the disk under spool.dir and restart the agent: records "
                + "of the refused batch that reached the disk whole are then kept and shipped (a sender that sent "
                + "them again has them twice; ingest keeps one per event_id), a torn last record is cut";
    }

    private static String cause(IOException e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    /** One direct buffer reused by every append (the JDK would copy a heap buffer into one anyway). */
    private ByteBuffer writeBuffer() {
        if (writeBuffer == null) {
            writeBuffer = ByteBuffer.allocateDirect(WRITE_BUFFER);
        }
        return writeBuffer;
    }

    /** Forces and closes the active segment; later appends have none to write to. */
    void close() throws IOException {
        if (active != null) {
            try {
                active.force(true);
            } finally {
                // closed even when the force fails (a disk error): a channel must not outlive its spool
                active.close();
                active = null;
            }
        }
    }

    /** Writes what is buffered to the active segment (forced by the caller, once per batch). */
    private void write(ByteBuffer buf) throws IOException {
        buf.flip();
        writeFully(buf);
        buf.clear();
    }

    private void writeFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            int n = active.write(b);
            activeSize += n;
            totalBytes += n;
        }
    }

    private void roll() throws IOException {
        active.force(true);
        active.close();
        openSegment(nextSequence);
    }

    private void openSegment(long firstSequence) throws IOException {
        Path p = SegmentFiles.file(dir, firstSequence);
        active = opener.open(p);
        activeSize = active.size();
        segments.put(firstSequence, p);
        syncDirectory();
    }

    /** Forces the spool directory's entries (a segment created or deleted) to disk. */
    private void syncDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException ignored) {
            // directory fsync is not supported on every file system; the segments themselves are forced
        }
    }

    private static int crc(byte[] a, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(a, off, len);
        return (int) c.getValue();
    }
}
