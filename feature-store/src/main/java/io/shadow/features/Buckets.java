package io.shadow.features;

import java.time.Instant;
import java.time.ZoneOffset;

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

    public static int hourOfDay(long epochSecond) {
        return Instant.ofEpochSecond(epochSecond).atOffset(ZoneOffset.UTC).getHour();
    }
}
