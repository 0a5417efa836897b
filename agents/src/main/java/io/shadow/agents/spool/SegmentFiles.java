package io.shadow.agents.spool;

import java.nio.file.Path;

/** How segment files are named: {@code segment-<first sequence, 20 digits>.log} in the spool directory. */
final class SegmentFiles {
    private static final String SEGMENT_PREFIX = "segment-";
    private static final String SEGMENT_SUFFIX = ".log";

    private SegmentFiles() {
    }

    /** The file of the segment whose first record has sequence {@code firstSequence}. */
    static Path file(Path dir, long firstSequence) {
        return dir.resolve(String.format("%s%020d%s", SEGMENT_PREFIX, firstSequence, SEGMENT_SUFFIX));
    }

    static boolean isSegment(Path p) {
        return p.getFileName().toString().startsWith(SEGMENT_PREFIX)
                && p.getFileName().toString().endsWith(SEGMENT_SUFFIX);
    }

    /** The first sequence of a segment, from its file name. */
    static long parseStart(Path p) {
        String n = p.getFileName().toString();
        return Long.parseLong(n.substring(SEGMENT_PREFIX.length(), n.length() - SEGMENT_SUFFIX.length()));
    }
}
