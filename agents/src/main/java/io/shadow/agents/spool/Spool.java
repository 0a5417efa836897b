package io.shadow.agents.spool;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntFunction;
import java.util.function.IntUnaryOperator;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable, append-only local spool. Records go into segment files as
 * {@code [length:int][crc32c:int][payload]}; {@link #append} returns only after the batch is
 * written and forced to disk (group commit), so an acknowledged event survives {@code kill -9}
 * and power loss. On open, a torn or corrupt tail of the newest segment is detected and cut; a
 * corrupt record in an older segment is reported and the rest of that segment skipped. A write
 * that fails part-way (a full disk) is rolled back to where the batch began, so the next batch
 * lands right after the last acknowledged record, and readers never see a record before its batch
 * is acknowledged.
 *
 * <p>Each consumer (landing-zone shipper, scorer shipper) keeps its own cursor; segments every
 * registered cursor has passed are deleted (a cursor left by a consumer no longer registered holds
 * nothing back). When unshipped data reaches {@code maxBytes} new appends are refused with
 * {@link SpoolFullException} (nothing acknowledged is ever dropped) and counted in
 * {@link #refusedRecords()}.
 */
public final class Spool implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(Spool.class);
    private static final int HEADER = 8;
    private static final String SEGMENT_PREFIX = "segment-";
    private static final String SEGMENT_SUFFIX = ".log";
    private static final int WRITE_BUFFER = 1 << 18;

    private final Path dir;
    private final Cursors cursors;
    private String id;
    private final long segmentBytes;
    private final long maxBytes;
    private final ReentrantLock lock = new ReentrantLock();
    /** First sequence of each segment -> its file. */
    private final TreeMap<Long, Path> segments = new TreeMap<>();
    private final AtomicLong refused = new AtomicLong();
    /** Where recent reads ended: next sequence -> {segment first sequence, byte position}. */
    private final java.util.Map<Long, long[]> readEnds = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicLong corruptSkipped = new AtomicLong();
    /** Consumers of this process (the configured shippers): only their cursors hold segments. */
    private final java.util.Set<String> registered = new java.util.concurrent.ConcurrentSkipListSet<>();
    private final SegmentOpener opener;
    /** Why appends are refused for good: a failed write that could not be rolled back. */
    private volatile IOException broken;
    private FileChannel active;
    private ByteBuffer writeBuffer;
    private long activeSize;
    private long nextSequence;
    /** Sequence after the last batch forced to disk: readers stop here, whatever a failed batch left. */
    private long acknowledged;
    private long totalBytes;

    /** Opens a segment for appending; tests give one whose writes fail as on a full disk. */
    interface SegmentOpener {
        FileChannel open(Path segment) throws IOException;
    }

    private Spool(Path dir, long segmentBytes, long maxBytes, SegmentOpener opener) {
        this.dir = dir;
        this.opener = opener;
        this.cursors = new Cursors(dir);
        this.segmentBytes = segmentBytes;
        this.maxBytes = maxBytes;
    }

    /**
     * Opens (creating if needed) a spool, recovering from a crash.
     *
     * @param segmentBytes size at which a new segment starts
     * @param maxBytes bound on unshipped data on disk
     */
    public static Spool open(Path dir, long segmentBytes, long maxBytes) {
        return open(dir, segmentBytes, maxBytes, p -> FileChannel.open(p, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.APPEND));
    }

    static Spool open(Path dir, long segmentBytes, long maxBytes, SegmentOpener opener) {
        if (segmentBytes <= HEADER || maxBytes < segmentBytes) {
            throw new IllegalArgumentException("spool.segment-bytes (" + segmentBytes + ") must be > 8 and "
                    + "<= spool.max-bytes (" + maxBytes + ")");
        }
        Spool s = new Spool(dir, segmentBytes, maxBytes, opener);
        try {
            Files.createDirectories(dir);
            s.recover();
            s.id = identity(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open spool at " + dir + ": " + e.getMessage()
                    + "; check the directory exists and is writable", e);
        }
        return s;
    }

    /**
     * A random id made when the spool is created and kept with it: sequence numbers restart in a new
     * spool, so anything named after them downstream also carries this id.
     */
    public String id() {
        return id;
    }

    private static String identity(Path dir) throws IOException {
        Path f = dir.resolve("spool.id");
        if (Files.exists(f)) {
            return Files.readString(f).trim();
        }
        String id = java.util.UUID.randomUUID().toString().substring(0, 8);
        Path tmp = dir.resolve("spool.id.tmp");
        Files.writeString(tmp, id);
        Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE);
        return id;
    }

    public Path directory() {
        return dir;
    }

    /** Appends a batch durably; returns the sequence number of the first record. */
    public long append(List<byte[]> payloads) {
        return append(payloads.size(), payloads::get, i -> 0, i -> payloads.get(i).length);
    }

    /**
     * The same for {@code count} records that are slices of one buffer (an intake's request body):
     * record {@code i} is {@code buf[bounds[2i] .. bounds[2i+1])}, so nothing is copied out first.
     */
    public long append(byte[] buf, int[] bounds, int count) {
        return append(count, i -> buf, i -> bounds[2 * i], i -> bounds[2 * i + 1] - bounds[2 * i]);
    }

    private long append(int count, IntFunction<byte[]> array, IntUnaryOperator offset, IntUnaryOperator length) {
        lock.lock();
        try {
            if (broken != null) {
                throw new UncheckedIOException(brokenMessage(), broken);
            }
            long size = 0;
            for (int i = 0; i < count; i++) {
                size += HEADER + length.applyAsInt(i);
            }
            if (totalBytes + size > maxBytes) {
                refused.addAndGet(count);
                throw new SpoolFullException(totalBytes, maxBytes, dir.toString(), oldestWaitsFor());
            }
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
            }
        } finally {
            lock.unlock();
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

    /** Why appends are refused until a restart (a failed write that could not be rolled back), if they are. */
    public Optional<String> writeFailure() {
        return broken == null ? Optional.empty() : Optional.of(brokenMessage());
    }

    private static String cause(IOException e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    /** The registered consumers whose cursor is furthest behind (they keep the oldest segment). */
    private List<String> oldestWaitsFor() {
        long min = Long.MAX_VALUE;
        List<String> behind = new ArrayList<>();
        for (String c : registered) {
            long at = cursor(c);
            if (at < min) {
                min = at;
                behind.clear();
            }
            if (at == min) {
                behind.add(c);
            }
        }
        return behind;
    }

    /** One direct buffer reused by every append (the JDK would copy a heap buffer into one anyway). */
    private ByteBuffer writeBuffer() {
        if (writeBuffer == null) {
            writeBuffer = ByteBuffer.allocateDirect(WRITE_BUFFER);
        }
        return writeBuffer;
    }

    public long appendOne(byte[] payload) {
        return append(List.of(payload));
    }

    /** Sequence number the next appended record will get. */
    public long nextSequence() {
        lock.lock();
        try {
            return nextSequence;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reads up to {@code max} records with sequence ≥ {@code from}. Consumers read forward, so where
     * each read ended is remembered and the next read from there starts at that byte instead of
     * walking the segment from its start.
     */
    public List<SpoolRecord> read(long from, int max) {
        List<SpoolRecord> out = new ArrayList<>();
        List<java.util.Map.Entry<Long, Path>> files;
        long end;
        lock.lock();
        try {
            // an append holds the lock until its batch is forced or rolled back: records from here on
            // may still be undone, and a consumer that shipped one would skip its replacement
            end = acknowledged;
            Long floor = segments.floorKey(from);
            files = new ArrayList<>((floor == null ? segments : segments.tailMap(floor, true)).entrySet());
        } finally {
            lock.unlock();
        }
        for (var seg : files) {
            if (out.size() >= max) {
                break;
            }
            long[] hint = readEnds.get(from);
            long startSeq = seg.getKey();
            long startPos = 0;
            if (hint != null && hint[0] == seg.getKey() && out.isEmpty()) {
                startSeq = from;
                startPos = hint[1];
            }
            readSegment(seg.getKey(), seg.getValue(), startSeq, startPos, from, max, end, out);
        }
        return out;
    }

    private void readSegment(long firstSeq, Path file, long startSeq, long startPos, long from, int max, long end,
            List<SpoolRecord> out) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            SegmentReader r = new SegmentReader(ch, startSeq, startPos);
            while (out.size() < max && r.sequence() < end) {
                long seq = r.sequence();
                byte[] payload = r.next(seq >= from);
                if (payload == null) {
                    if (r.problem() != null) {
                        reportCorrupt(file, r.position(), r.problem());
                    }
                    break;
                }
                if (seq >= from) {
                    out.add(new SpoolRecord(seq, payload));
                }
            }
            rememberReadEnd(r.sequence(), firstSeq, r.position());
        } catch (java.nio.file.NoSuchFileException e) {
            // deleted by a concurrent trim: everything in it was shipped by every consumer
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read spool segment " + file, e);
        }
    }

    private void rememberReadEnd(long nextSeq, long segment, long pos) {
        if (readEnds.size() > 16) {
            readEnds.clear();
        }
        readEnds.put(nextSeq, new long[] {segment, pos});
    }

    private void reportCorrupt(Path file, long pos, String why) {
        corruptSkipped.incrementAndGet();
        LOG.error("spool segment {} is corrupt at byte {} ({}); the rest of this segment is skipped", file, pos, why);
    }

    /** The position a consumer has shipped up to (exclusive), 0 if it never shipped. */
    public long cursor(String consumer) {
        return cursors.read(consumer);
    }

    /**
     * Makes a consumer known to the spool, starting from the oldest retained record if it has no
     * cursor yet. Register every consumer before appending: segments are deleted once every
     * registered consumer has passed them, whatever other cursors the directory holds.
     */
    public void registerConsumer(String consumer) {
        registered.add(consumer);
        lock.lock();
        long oldest;
        try {
            oldest = segments.isEmpty() ? nextSequence : segments.firstKey();
        } finally {
            lock.unlock();
        }
        if (!cursors.exists(consumer)) {
            cursors.write(consumer, oldest);
            return;
        }
        long at = cursor(consumer);
        if (at < oldest) {
            // deleted while this consumer was not configured (its cursor held nothing back then)
            LOG.warn("spool consumer {} resumes from its cursor {} at sequence {}, but the spool starts at {}: "
                    + "{} record(s) deleted while it was not configured are skipped, never shipped to it",
                    consumer, cursors.file(consumer), at, oldest, oldest - at);
        }
    }

    /** The consumers registered (or committing) in this process: the ones whose cursors hold segments. */
    public List<String> consumers() {
        return List.copyOf(registered);
    }

    /**
     * Cursor files of consumers not registered in this process (a shipper since removed from the
     * configuration): they hold nothing back, and re-registering the consumer resumes from them.
     */
    public List<Path> unregisteredCursors() {
        return cursors.names().stream().filter(c -> !registered.contains(c)).map(cursors::file).toList();
    }

    /**
     * Durably records that a consumer has shipped everything before {@code position}, then deletes
     * the segments every registered consumer has passed.
     */
    public void commitCursor(String consumer, long position) {
        registered.add(consumer);
        cursors.write(consumer, position);
        trim(consumers());
    }

    /** Deletes segments that every listed consumer has fully shipped (none when no consumer is listed). */
    public void trim(List<String> consumers) {
        if (consumers.isEmpty()) {
            return;
        }
        long min = Long.MAX_VALUE;
        for (String c : consumers) {
            min = Math.min(min, cursor(c));
        }
        lock.lock();
        try {
            while (segments.size() > 1) {
                var first = segments.firstEntry();
                Long nextStart = segments.higherKey(first.getKey());
                if (nextStart == null || nextStart > min) {
                    break;
                }
                long size = Files.size(first.getValue());
                Files.deleteIfExists(first.getValue());
                segments.pollFirstEntry();
                totalBytes -= size;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot trim spool " + dir, e);
        } finally {
            lock.unlock();
        }
    }

    /** Records refused because the spool was full. */
    public long refusedRecords() {
        return refused.get();
    }

    /** Corrupt regions found and skipped while reading or recovering. */
    public long corruptRegions() {
        return corruptSkipped.get();
    }

    public long sizeBytes() {
        lock.lock();
        try {
            return totalBytes;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (active != null) {
                active.force(true);
                active.close();
                active = null;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            lock.unlock();
        }
    }

    private void recover() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(p -> p.getFileName().toString().startsWith(SEGMENT_PREFIX)
                            && p.getFileName().toString().endsWith(SEGMENT_SUFFIX))
                    .forEach(p -> segments.put(parseStart(p), p));
        }
        for (Path p : segments.values()) {
            totalBytes += Files.size(p);
        }
        if (segments.isEmpty()) {
            nextSequence = aheadOfCursors(0);
            acknowledged = nextSequence;
            openSegment(nextSequence);
            return;
        }
        var last = segments.lastEntry();
        long[] scan = scanValidPrefix(last.getValue());
        long validBytes = scan[0];
        long records = scan[1];
        long size = Files.size(last.getValue());
        if (validBytes < size) {
            LOG.warn("spool segment {} has a torn or corrupt tail: cut {} bytes after {} good records",
                    last.getValue(), size - validBytes, records);
            corruptSkipped.incrementAndGet();
            try (FileChannel ch = FileChannel.open(last.getValue(), StandardOpenOption.WRITE)) {
                ch.truncate(validBytes);
                ch.force(true);
            }
            totalBytes -= size - validBytes;
        }
        nextSequence = last.getKey() + records;
        long resume = aheadOfCursors(nextSequence);
        if (resume > nextSequence) {
            nextSequence = resume;
            openSegment(resume);
        } else {
            active = opener.open(last.getValue());
            activeSize = validBytes;
        }
        acknowledged = nextSequence;
    }

    /**
     * Where numbering must resume so no new record gets a sequence a cursor has passed: records a consumer
     * shipped are gone from disk (a batch refused after a failed rollback, shipped by an older agent and cut
     * on start; a damaged disk), and a record reusing their numbers would never be shipped to it.
     */
    private long aheadOfCursors(long recovered) {
        long resume = recovered;
        List<String> ahead = new ArrayList<>();
        for (String c : cursors.names()) {
            long at;
            try {
                at = cursors.read(c);
            } catch (IllegalStateException unreadable) {
                continue; // reported with its fix when that consumer reads
            }
            if (at > recovered) {
                ahead.add(cursors.file(c) + " at " + at);
                resume = Math.max(resume, at);
            }
        }
        if (!ahead.isEmpty()) {
            LOG.error("spool {} holds records below sequence {} but cursor(s) {} are past it: what they shipped "
                    + "beyond it is no longer on disk. New records are numbered from {} in a new segment, so none "
                    + "reuses a sequence a consumer has passed", dir, recovered, String.join(", ", ahead), resume);
        }
        return resume;
    }

    /** Returns {valid byte length, record count} of the longest valid prefix of a segment. */
    private static long[] scanValidPrefix(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            SegmentReader r = new SegmentReader(ch, 0, 0);
            while (r.next(true) != null) {
                continue;
            }
            return new long[] {r.position(), r.sequence()};
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
        Path p = dir.resolve(String.format("%s%020d%s", SEGMENT_PREFIX, firstSequence, SEGMENT_SUFFIX));
        active = opener.open(p);
        activeSize = active.size();
        segments.put(firstSequence, p);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException ignored) {
            // directory fsync is not supported on every file system; the segment itself is forced
        }
    }

    private static long parseStart(Path p) {
        String n = p.getFileName().toString();
        return Long.parseLong(n.substring(SEGMENT_PREFIX.length(), n.length() - SEGMENT_SUFFIX.length()));
    }

    private static int crc(byte[] a, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(a, off, len);
        return (int) c.getValue();
    }
}
