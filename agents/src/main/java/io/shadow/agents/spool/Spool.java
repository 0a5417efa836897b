package io.shadow.agents.spool;

import io.shadow.features.files.OwnerOnly;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
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
    private static final int HEADER = SegmentReader.HEADER;

    private final Path dir;
    private final Cursors cursors;
    private String id;
    private final long maxBytes;
    /** Guards appends (the whole {@link SpoolWriter}) and the segment map; readers only snapshot under it. */
    private final ReentrantLock lock = new ReentrantLock();
    /** First sequence of each segment -> its file. */
    private final TreeMap<Long, Path> segments = new TreeMap<>();
    private final AtomicLong refused = new AtomicLong();
    /** Why the last append was refused (full, or a failed write); null once one succeeds or space was freed. */
    private volatile String refusal;
    /** Consumers of this process (the configured shippers): only their cursors hold segments. */
    private final java.util.Set<String> registered = new java.util.concurrent.ConcurrentSkipListSet<>();
    private final SpoolWriter writer;
    private final SpoolReader reader = new SpoolReader();

    /** Opens a segment for appending; tests give one whose writes fail as on a full disk. */
    interface SegmentOpener {
        FileChannel open(Path segment) throws IOException;
    }

    private Spool(Path dir, long segmentBytes, long maxBytes, SegmentOpener opener) {
        this.dir = dir;
        this.cursors = new Cursors(dir);
        this.maxBytes = maxBytes;
        this.writer = new SpoolWriter(dir, segmentBytes, opener, segments);
    }

    /**
     * Opens (creating if needed) a spool, recovering from a crash.
     *
     * @param segmentBytes size at which a new segment starts
     * @param maxBytes bound on unshipped data on disk
     */
    public static Spool open(Path dir, long segmentBytes, long maxBytes) {
        return open(dir, segmentBytes, maxBytes, p -> FileChannel.open(p, java.util.Set.of(StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.APPEND), OwnerOnly.file(p))); // what the agent captured
    }

    static Spool open(Path dir, long segmentBytes, long maxBytes, SegmentOpener opener) {
        if (segmentBytes <= HEADER || maxBytes < segmentBytes) {
            throw new IllegalArgumentException("spool.segment-bytes (" + segmentBytes + ") must be > 8 and "
                    + "<= spool.max-bytes (" + maxBytes + ")");
        }
        Spool s = new Spool(dir, segmentBytes, maxBytes, opener);
        try {
            if (!Files.isDirectory(dir)) {
                OwnerOnly.createFolder(dir);
            }
            s.recover();
            s.id = identity(dir);
        } catch (IOException e) {
            try {
                s.close(); // recovery may have opened the active segment: do not leave its channel open
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw new UncheckedIOException(openProblem(dir, e), e);
        }
        return s;
    }

    /** Why the spool directory cannot be used, naming spool.dir and the fix. */
    private static String openProblem(Path dir, IOException e) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            return "spool.dir " + dir + " is a regular file, not a directory; set spool.dir to a directory (it is "
                    + "created if missing) or move the file away";
        }
        Path existing = dir.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing != null && !Files.isDirectory(existing)) {
            return "spool.dir " + dir + " cannot be created: " + existing + " is a regular file, not a directory; "
                    + "set spool.dir to a directory";
        }
        if (existing != null && (!Files.isWritable(existing) || e instanceof java.nio.file.AccessDeniedException)) {
            return "spool.dir " + dir + " is not writable by this user (" + (existing.equals(dir.toAbsolutePath())
                    ? "the directory" : "its parent " + existing) + " is read-only for it: " + e.getMessage()
                    + "); give the agent's user write access, or set spool.dir to a writable directory";
        }
        return "cannot open spool.dir " + dir + ": " + e + "; check the directory exists and is writable by the "
                + "agent's user";
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
            writer.refuseIfBroken();
            long size = 0;
            for (int i = 0; i < count; i++) {
                size += HEADER + length.applyAsInt(i);
            }
            if (writer.totalBytes() + size > maxBytes) {
                // what every consumer has shipped still counts while it sits in the active segment: drop it first
                reclaimShipped();
            }
            long totalBytes = writer.totalBytes();
            if (totalBytes + size > maxBytes) {
                refused.addAndGet(count);
                SpoolFullException full = new SpoolFullException(totalBytes, maxBytes, dir.toString(), oldestWaitsFor());
                refusal = full.getMessage();
                throw full;
            }
            try {
                long first = writer.append(count, array, offset, length);
                refusal = null;
                return first;
            } catch (UncheckedIOException e) {
                // no space left: if what the spool holds is all shipped, deleting it makes room; else refuse
                if (writer.writeFailure().isEmpty() && reclaimShipped()) {
                    try {
                        long first = writer.append(count, array, offset, length);
                        refusal = null;
                        return first;
                    } catch (UncheckedIOException again) {
                        refusal = again.getMessage();
                        throw again;
                    }
                }
                refusal = e.getMessage();
                throw e;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Why the last append was refused (the spool was full, or the disk under it), while no append has
     * succeeded since and no space was freed; empty otherwise.
     */
    public Optional<String> appendRefusal() {
        return Optional.ofNullable(refusal);
    }

    /**
     * When every registered consumer has shipped every record, replaces the segments, the active one
     * included, with an empty segment that continues the numbering: only complete segments are deleted
     * otherwise, and a full disk holding one shipped active segment would refuse every write for good.
     * Called under the lock; returns whether anything was freed.
     */
    private boolean reclaimShipped() {
        if (registered.isEmpty() || segments.isEmpty() || segments.lastKey() == writer.nextSequence()
                && segments.size() == 1) {
            return false;
        }
        for (String c : registered) {
            if (cursor(c) < writer.nextSequence()) {
                return false;
            }
        }
        try {
            long freed = writer.dropShipped();
            LOG.info("spool {}: every consumer ({}) has shipped all {} record(s) it held; its segments were deleted "
                    + "({} bytes freed) and it continues at sequence {} in a new segment", dir, String.join(", ",
                    registered), writer.nextSequence(), freed, writer.nextSequence());
            refusal = null;
            return true;
        } catch (IOException e) {
            LOG.warn("spool {}: could not delete its shipped segments ({})", dir, e.toString());
            return false;
        }
    }

    /** Unshipped records and bytes of one consumer (the bytes exact once it has shipped from this process). */
    public record Backlog(long records, long bytes) {
    }

    /** What {@code consumer} has not shipped yet: records, and the bytes they take in the segments. */
    public Backlog backlog(String consumer) {
        long end;
        List<java.util.Map.Entry<Long, Path>> files;
        long activeBytes;
        lock.lock();
        try {
            end = writer.acknowledged();
            files = new ArrayList<>(segments.entrySet());
            activeBytes = writer.activeSize();
        } finally {
            lock.unlock();
        }
        long at = cursor(consumer);
        long first = files.isEmpty() ? end : files.get(0).getKey();
        long records = Math.max(0, end - Math.max(at, first));
        long bytes = 0;
        for (int i = 0; i < files.size(); i++) {
            long start = files.get(i).getKey();
            long next = i + 1 < files.size() ? files.get(i + 1).getKey() : end;
            if (next <= at || start >= end) {
                continue;
            }
            long size;
            try {
                size = i + 1 < files.size() ? Files.size(files.get(i).getValue()) : activeBytes;
            } catch (IOException e) {
                continue; // deleted by a concurrent trim
            }
            if (start >= at) {
                bytes += size;
            } else {
                long pos = reader.position(at, start);
                bytes += pos < 0 ? size : Math.max(0, size - pos);
            }
        }
        return new Backlog(records, records == 0 ? 0 : bytes);
    }

    /** Why appends are refused until a restart (a failed write that could not be rolled back), if they are. */
    public Optional<String> writeFailure() {
        return writer.writeFailure();
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

    public long appendOne(byte[] payload) {
        return append(List.of(payload));
    }

    /** Sequence number the next appended record will get. */
    public long nextSequence() {
        lock.lock();
        try {
            return writer.nextSequence();
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
        List<java.util.Map.Entry<Long, Path>> files;
        long end;
        lock.lock();
        try {
            // an append holds the lock until its batch is forced or rolled back: records from here on
            // may still be undone, and a consumer that shipped one would skip its replacement
            end = writer.acknowledged();
            Long floor = segments.floorKey(from);
            files = new ArrayList<>((floor == null ? segments : segments.tailMap(floor, true)).entrySet());
        } finally {
            lock.unlock();
        }
        return reader.read(files, from, max, end);
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
            oldest = segments.isEmpty() ? writer.nextSequence() : segments.firstKey();
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
                writer.trimmed(size);
                refusal = null;
            }
            if (refusal != null && consumers.containsAll(registered)) {
                // writes are being refused: what every consumer has shipped makes room now, not at the next try
                reclaimShipped();
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
        return reader.corruptRegions();
    }

    public long sizeBytes() {
        lock.lock();
        try {
            return writer.totalBytes();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            writer.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            lock.unlock();
        }
    }

    /** Repairs the segments on disk after a crash and resumes appending where they end. */
    private void recover() throws IOException {
        SpoolRecovery.Resume at = SpoolRecovery.recover(dir, cursors, segments);
        if (at.tailCut()) {
            reader.countCorrupt();
        }
        writer.resume(at);
    }
}
