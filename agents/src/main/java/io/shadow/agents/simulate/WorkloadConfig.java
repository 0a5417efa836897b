package io.shadow.agents.simulate;

import java.time.Instant;

/**
 * Size and shape of a generated workload.
 *
 * @param employees human principals (at least 12: the scenarios pick from each group); four
 *     service accounts come on top
 * @param historyDays days of normal history before the live phase (at least 7)
 * @param liveHours hours of the live phase, which holds the injected attacks (attacks fall between
 *     10:00 and 17:00 of the live day)
 * @param activity multiplier on every event rate (benchmarks raise it)
 */
public record WorkloadConfig(long seed, String tenant, int employees, int historyDays, int liveHours,
        Instant start, double activity) {

    /** Monday 2026-11-02 00:00 UTC: history runs Monday to Sunday, the live phase on a Monday. */
    public static final Instant DEFAULT_START = Instant.parse("2026-11-02T00:00:00Z");

    public WorkloadConfig {
        if (employees < 12) {
            throw new IllegalArgumentException("workload needs at least 12 employees, got " + employees);
        }
        if (historyDays < 7) {
            throw new IllegalArgumentException("workload needs at least 7 history days, got " + historyDays);
        }
        if (liveHours < 18 || liveHours > 24) {
            throw new IllegalArgumentException("live phase must cover 18 to 24 hours (attacks run until 17:00), got "
                    + liveHours);
        }
        if (activity <= 0) {
            throw new IllegalArgumentException("activity multiplier must be positive, got " + activity);
        }
    }

    public static WorkloadConfig defaults() {
        return new WorkloadConfig(42L, "acme", 16, 7, 24, DEFAULT_START, 1.0);
    }

    public Instant liveStart() {
        return start.plusSeconds(historyDays * 86_400L);
    }

    public Instant liveEnd() {
        return liveStart().plusSeconds(liveHours * 3_600L);
    }
}
