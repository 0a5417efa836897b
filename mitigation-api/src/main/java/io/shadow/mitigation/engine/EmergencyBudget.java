package io.shadow.mitigation.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * A circuit breaker on the emergency path, per tenant: at most {@code limit} emergency mitigations within
 * {@code window} of this process's clock. The emergency path acts with no one in the loop (a lock-out, a
 * shutdown, a key rotation), so a flood of high-risk anomalies — forged telemetry sent with a stolen agent
 * token, a bad model, a misconfigured feed — must not lock a whole tenant out at machine speed. Beyond the
 * budget, high-band anomalies are contained at medium (reversible, time-limited, decided by a person) and the
 * security team is told once per window.
 *
 * <p>Counted per process: several Shadow processes on one store each keep their own budget. The time is the
 * process's clock, never an event's (senders choose those).
 */
final class EmergencyBudget {
    /** What {@link #take} decided. */
    enum Verdict {
        /** Not an emergency to take (no high band, one already in force, a dry-run profile): nothing counted. */
        NOT_ASKED,
        /** Within the budget: take the emergency path. */
        TAKEN,
        /** Over the budget: contain at medium, and tell the security team (the first refusal of the window). */
        REFUSED_TELL,
        /** Over the budget, already told. */
        REFUSED;

        /** Whether the anomaly is to be contained at medium instead. */
        boolean refused() {
            return this == REFUSED || this == REFUSED_TELL;
        }
    }

    private final int limit;
    private final Duration window;
    private final Map<String, ArrayDeque<Instant>> taken = new HashMap<>();
    /** Per tenant, until when the security team knows the budget is used up. */
    private final Map<String, Instant> toldUntil = new HashMap<>();

    EmergencyBudget(int limit, Duration window) {
        if (limit < 0 || window == null || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("emergency budget " + limit + " per " + window + ": expected a limit "
                    + "of 0 or more and a positive window");
        }
        this.limit = limit;
        this.window = window;
    }

    int limit() {
        return limit;
    }

    Duration window() {
        return window;
    }

    /** Takes one emergency of {@code tenant}'s budget at {@code now}, or says it is used up. */
    synchronized Verdict take(String tenant, Instant now) {
        ArrayDeque<Instant> times = taken.computeIfAbsent(tenant, t -> new ArrayDeque<>());
        Instant since = now.minus(window);
        while (!times.isEmpty() && !times.peekFirst().isAfter(since)) {
            times.pollFirst();
        }
        if (times.size() < limit) {
            times.addLast(now);
            return Verdict.TAKEN;
        }
        Instant told = toldUntil.get(tenant);
        if (told != null && now.isBefore(told)) {
            return Verdict.REFUSED;
        }
        toldUntil.put(tenant, now.plus(window));
        return Verdict.REFUSED_TELL;
    }

    /** Forgets that the security team was told for this window (telling it failed with the anomaly's recording). */
    synchronized void untell(String tenant) {
        toldUntil.remove(tenant);
    }

    /** Gives back what {@link #take} took at {@code at}: the emergency could not be recorded, and will be asked again. */
    synchronized void giveBack(String tenant, Instant at) {
        ArrayDeque<Instant> times = taken.get(tenant);
        if (times != null) {
            times.removeLastOccurrence(at);
        }
    }
}
