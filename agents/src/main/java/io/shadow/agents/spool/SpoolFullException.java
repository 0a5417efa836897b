package io.shadow.agents.spool;

/** The spool reached its size bound; the caller must not acknowledge the events it tried to add. */
public final class SpoolFullException extends RuntimeException {
    public SpoolFullException(long sizeBytes, long maxBytes, String dir) {
        super("spool " + dir + " is full (" + sizeBytes + " of " + maxBytes + " bytes, unshipped); events were "
                + "refused, not acknowledged. Restore the landing zone or scorer so shipping catches up, or raise "
                + "spool.max-bytes");
    }
}
