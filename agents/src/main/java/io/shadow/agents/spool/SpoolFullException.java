package io.shadow.agents.spool;

import java.util.List;

/** The spool reached its size bound; the caller must not acknowledge the events it tried to add. */
public final class SpoolFullException extends RuntimeException {
    /** @param waitingFor the consumers furthest behind, whose cursors keep the oldest data (may be empty) */
    public SpoolFullException(long sizeBytes, long maxBytes, String dir, List<String> waitingFor) {
        super("spool " + dir + " is full (" + sizeBytes + " of " + maxBytes + " bytes, unshipped"
                + (waitingFor.isEmpty() ? "" : "; the oldest is still to be shipped by consumer"
                        + (waitingFor.size() > 1 ? "s " : " ") + String.join(" and ", waitingFor)) + "); "
                + "events were refused, not acknowledged. Restore the landing zone or scorer so shipping catches up, "
                + "or raise spool.max-bytes");
    }
}
