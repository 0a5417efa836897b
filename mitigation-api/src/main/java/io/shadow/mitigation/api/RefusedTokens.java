package io.shadow.mitigation.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests refused for an unknown bearer token (401), told to the log as one WARN line a minute at
 * most: how many since the last line, and where the latest came from. A wrong token in a client's
 * configuration or someone guessing tokens shows without one line per request; the token itself is
 * never logged (it may be a real one of another service, mistyped).
 */
final class RefusedTokens {
    private static final Logger LOG = LoggerFactory.getLogger(RefusedTokens.class);
    static final Duration EVERY = Duration.ofMinutes(1);
    private final Clock clock;
    private long count;
    private Instant since;
    private Instant quietUntil = Instant.MIN;

    RefusedTokens(Clock clock) {
        this.clock = clock;
    }

    /** One refusal of a request from {@code remote} (its address); logs when the last line is a minute old. */
    synchronized void refused(String remote) {
        Instant now = clock.instant();
        if (count == 0) {
            since = now;
        }
        count++;
        if (now.isBefore(quietUntil)) {
            return;
        }
        LOG.warn("refused {} request{} with an unknown bearer token (401) since {}, the latest from {}; check the "
                + "token that client sends (auth.tokens)", count, count == 1 ? "" : "s", since, remote);
        count = 0;
        quietUntil = now.plus(EVERY);
    }
}
