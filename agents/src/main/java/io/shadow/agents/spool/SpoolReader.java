package io.shadow.agents.spool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read path of a {@link Spool}: walks a snapshot of its segments from a sequence number, starting
 * where a recent read ended when it can, and reports corrupt regions it skips. Safe to call from many
 * threads at once; it never takes the spool's lock.
 */
final class SpoolReader {
    // logs as Spool: operators and tests follow the spool under one logger
    private static final Logger LOG = LoggerFactory.getLogger(Spool.class);

    /** Where recent reads ended: next sequence -> {segment first sequence, byte position}. */
    private final Map<Long, long[]> readEnds = new ConcurrentHashMap<>();
    private final AtomicLong corruptSkipped = new AtomicLong();

    /**
     * Reads up to {@code max} records with {@code from} ≤ sequence < {@code end} from {@code files} (first
     * sequence -> file, oldest first, as the spool held them under its lock), starting at a remembered
     * read end when one matches.
     */
    List<SpoolRecord> read(List<Map.Entry<Long, Path>> files, long from, int max, long end) {
        List<SpoolRecord> out = new ArrayList<>();
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

    /** The byte position of {@code seq} in the segment starting at {@code segment}, if a recent read ended there; else -1. */
    long position(long seq, long segment) {
        long[] hint = readEnds.get(seq);
        return hint != null && hint[0] == segment ? hint[1] : -1;
    }

    /** Corrupt regions found and skipped while reading or recovering. */
    long corruptRegions() {
        return corruptSkipped.get();
    }

    /** Counts a corrupt region that recovery cut (it logs its own message). */
    void countCorrupt() {
        corruptSkipped.incrementAndGet();
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
}
