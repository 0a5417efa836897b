package io.shadow.mitigation.notify;

import java.time.Duration;

/**
 * How hard the outbox tries: up to {@code attempts} attempts, waiting {@code initialBackoff},
 * then twice as long after each failure, at most {@code maxBackoff}.
 */
public record DeliveryPolicy(int attempts, Duration initialBackoff, Duration maxBackoff, Duration timeout) {
    public static final DeliveryPolicy DEFAULT = new DeliveryPolicy(8, Duration.ofSeconds(1), Duration.ofMinutes(5),
            Duration.ofSeconds(10));

    public DeliveryPolicy {
        if (attempts < 1) {
            throw new IllegalArgumentException("mitigation.channels.delivery.attempts " + attempts + " must be at least 1");
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("mitigation.channels.delivery.backoff " + initialBackoff + " must be >= 0 and <= "
                    + "mitigation.channels.delivery.max-backoff " + maxBackoff);
        }
    }

    /** The wait after the {@code failures}-th consecutive failure. */
    public Duration backoff(int failures) {
        long ms = initialBackoff.toMillis() << Math.min(Math.max(failures - 1, 0), 30);
        return Duration.ofMillis(Math.min(ms, maxBackoff.toMillis()));
    }
}
