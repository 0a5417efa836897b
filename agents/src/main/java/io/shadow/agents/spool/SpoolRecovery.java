package io.shadow.agents.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a spool back after a crash, on open: finds its segments, cuts a torn or corrupt tail off the
 * newest one, and works out where appends resume, never at a sequence a consumer's cursor has passed.
 */
final class SpoolRecovery {
    // logs as Spool: operators and tests follow the spool under one logger
    private static final Logger LOG = LoggerFactory.getLogger(Spool.class);

    /**
     * Where appends resume: at {@code nextSequence}, after the first {@code tailBytes} of the segment
     * {@code tail}, or in a new segment when {@code tail} is null. {@code tailCut} tells whether a torn or
     * corrupt tail was cut.
     */
    record Resume(long nextSequence, long totalBytes, Path tail, long tailBytes, boolean tailCut) {
    }

    private SpoolRecovery() {
    }

    /** Fills {@code segments} (first sequence -> file) with the segments in {@code dir} and repairs the newest. */
    static Resume recover(Path dir, Cursors cursors, TreeMap<Long, Path> segments) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(SegmentFiles::isSegment).forEach(p -> segments.put(SegmentFiles.parseStart(p), p));
        }
        long totalBytes = 0;
        for (Path p : segments.values()) {
            totalBytes += Files.size(p);
        }
        if (segments.isEmpty()) {
            return new Resume(aheadOfCursors(dir, cursors, 0), totalBytes, null, 0, false);
        }
        var last = segments.lastEntry();
        long[] scan = scanValidPrefix(last.getValue());
        long validBytes = scan[0];
        long records = scan[1];
        long size = Files.size(last.getValue());
        boolean cut = validBytes < size;
        if (cut) {
            LOG.warn("spool segment {} has a torn or corrupt tail: cut {} bytes after {} good records",
                    last.getValue(), size - validBytes, records);
            try (FileChannel ch = FileChannel.open(last.getValue(), StandardOpenOption.WRITE)) {
                ch.truncate(validBytes);
                ch.force(true);
            }
            totalBytes -= size - validBytes;
        }
        long nextSequence = last.getKey() + records;
        long resume = aheadOfCursors(dir, cursors, nextSequence);
        if (resume > nextSequence) {
            return new Resume(resume, totalBytes, null, 0, cut);
        }
        return new Resume(nextSequence, totalBytes, last.getValue(), validBytes, cut);
    }

    /**
     * Where numbering must resume so no new record gets a sequence a cursor has passed: records a consumer
     * shipped are gone from disk (a batch refused after a failed rollback, shipped by an older agent and cut
     * on start; a damaged disk), and a record reusing their numbers would never be shipped to it.
     */
    private static long aheadOfCursors(Path dir, Cursors cursors, long recovered) {
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
}
