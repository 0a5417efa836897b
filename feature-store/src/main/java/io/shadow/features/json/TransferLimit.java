package io.shadow.features.json;

import io.shadow.features.ActivityEvent;

/**
 * The most bytes one event may report in {@code bytes_in} or {@code bytes_out}. The wire format
 * takes any non-negative long; on the detector's log scale an absurd value (9e18 from a buggy or
 * hostile agent) stays finite, but it weighs on its entities' sustained-deviation sums and feature
 * covariance for a long while and stretches their nightly baselines. So the scorer refuses such an
 * event and ingest quarantines it.
 */
public final class TransferLimit {
    /** The default limit: 1 TiB per event, far beyond any single transfer a sender reports. */
    public static final long DEFAULT_MAX_BYTES = 1L << 40;

    private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private TransferLimit() {
    }

    /**
     * Throws {@link EventFormatException} naming the first of {@code bytes_in}, {@code bytes_out} of
     * {@code e} above {@code maxBytes}; {@code fix} ends its message (what the sender or operator can do).
     */
    public static void check(ActivityEvent e, long maxBytes, String fix) {
        within("bytes_in", e.bytesIn(), maxBytes, fix);
        within("bytes_out", e.bytesOut(), maxBytes, fix);
    }

    /** Whether {@code e} reports at most {@code maxBytes} in {@code bytes_in} and {@code bytes_out}. */
    public static boolean allows(ActivityEvent e, long maxBytes) {
        return e.bytesIn() <= maxBytes && e.bytesOut() <= maxBytes;
    }

    private static void within(String field, long value, long max, String fix) {
        if (value > max) {
            throw new EventFormatException(field, value + " is more than " + size(max) + ", the most one event may "
                    + "report; one such value would weigh on its principal's and host's volume statistics for a "
                    + "long while. " + fix);
        }
    }

    /** {@code 1099511627776 bytes (1 TiB)}: the exact number, and the binary unit it is a whole multiple of. */
    private static String size(long bytes) {
        for (int i = UNITS.length; i >= 1; i--) {
            long unit = 1L << (10 * i);
            if (bytes >= unit && bytes % unit == 0) {
                return bytes + " bytes (" + bytes / unit + " " + UNITS[i - 1] + ")";
            }
        }
        return bytes + " bytes";
    }
}
