package io.shadow.agents.ship;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How shipping to one consumer (the landing zone, the scorer) goes, for {@code GET /health}: when it
 * last shipped, since when it has been failing and why. Written by that consumer's shipping thread,
 * read by the intake's; logs one INFO when shipping resumes after failures.
 */
public final class ShipStatus {
    private static final Logger LOG = LoggerFactory.getLogger(ShipStatus.class);
    private final String consumer;
    private final Clock clock;
    private volatile Instant lastShipped;
    private volatile Instant failingSince;
    private volatile String lastError;
    private volatile Instant lastErrorAt;
    private volatile boolean tokenRefused;
    private volatile long failures;

    public ShipStatus(String consumer, Clock clock) {
        this.consumer = consumer;
        this.clock = clock;
    }

    public String consumer() {
        return consumer;
    }

    /** A batch of {@code records} was shipped (0: there was nothing to ship, which is no failure either). */
    public void succeeded(long records) {
        Instant now = clock.instant();
        if (failingSince != null) {
            LOG.info("shipping to {} resumed after {} failed attempt(s) over {} s (the last: {})", consumer, failures,
                    Duration.between(failingSince, now).toSeconds(), lastError);
        }
        failingSince = null;
        failures = 0;
        tokenRefused = false;
        if (records > 0) {
            lastShipped = now;
        }
    }

    /** An attempt failed; {@code tokenRefused} when the consumer refused the agent's token (401/403). */
    public void failed(String error, boolean tokenRefused) {
        Instant now = clock.instant();
        if (failingSince == null) {
            failingSince = now;
        }
        failures++;
        lastError = error;
        lastErrorAt = now;
        this.tokenRefused = tokenRefused;
    }

    public Instant lastShipped() {
        return lastShipped;
    }

    public Instant failingSince() {
        return failingSince;
    }

    public String lastError() {
        return lastError;
    }

    public Instant lastErrorAt() {
        return lastErrorAt;
    }

    public boolean tokenRefused() {
        return tokenRefused;
    }

    /** How long it has been failing; zero when it is not. */
    public Duration failingFor() {
        Instant since = failingSince;
        return since == null ? Duration.ZERO : Duration.between(since, clock.instant());
    }
}
