package io.shadow.features;

import java.time.Instant;

/** Fixed five-minute time buckets in UTC: the grain of every numeric feature and baseline. */
public final class Buckets {
    public static final long SECONDS = 300;

    private Buckets() {
    }

    public static long start(Instant t) {
        return Math.floorDiv(t.getEpochSecond(), SECONDS) * SECONDS;
    }

    public static long start(long epochSecond) {
        return Math.floorDiv(epochSecond, SECONDS) * SECONDS;
    }

    /** The UTC hour of day, 0–23 (plain arithmetic: UTC has no offsets to look up). */
    public static int hourOfDay(long epochSecond) {
        return (int) (Math.floorMod(epochSecond, 86_400L) / 3_600);
    }
}
