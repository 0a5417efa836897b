package io.shadow.agents.ship;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with full jitter, capped; {@link #reset()} after a success. */
public final class Backoff {
    private final Duration initial;
    private final Duration max;
    private int failures;

    public Backoff(Duration initial, Duration max) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial (" + initial + ") <= max (" + max + ")");
        }
        this.initial = initial;
        this.max = max;
    }

    /** The delay before the next attempt, growing with each consecutive failure. */
    public Duration nextDelay() {
        long cap = Math.min(max.toMillis(), initial.toMillis() << Math.min(failures, 20));
        failures++;
        return Duration.ofMillis(cap / 2 + ThreadLocalRandom.current().nextLong(cap / 2 + 1));
    }

    public int failures() {
        return failures;
    }

    public void reset() {
        failures = 0;
    }
}
