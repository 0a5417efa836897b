package io.shadow.scorer;

import io.shadow.features.config.ConfigException;
import io.shadow.features.json.TransferLimit;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The serving knobs of the scorer (configuration keys {@code scorer.*}, see
 * {@code docs/configuration.md}); {@link #defaults()} holds the documented defaults.
 *
 * @param shards threads that score, each owning the entities whose key hashes to it; 0: one per core
 * @param maxInFlight scoring requests processed at once; more wait in the queue
 * @param maxQueued requests that may wait for a slot; one more is answered 429 with {@code Retry-After}
 * @param queueTimeout how long a request may wait for a slot before it is answered 503 with {@code Retry-After}
 * @param retryAfterSeconds the {@code Retry-After} of overload answers
 * @param maxEntities entities whose online state is kept; beyond it the least recently seen are forgotten
 *     until 90 % remain
 * @param checkpointDir where the per-entity state is checkpointed; null: no checkpoints (a restart starts cold)
 * @param checkpointInterval time between checkpoints while serving (one is also written on shutdown);
 *     zero: only on shutdown
 * @param reloadInterval time between looks for new baselines and a new champion model; zero: no periodic reload
 * @param modelPoll time between looks at the registry's {@code champion} alias alone (one small
 *     registry call; the model is downloaded and swapped in only when the alias moved); zero: only at reloads
 * @param maxFutureSkew how far ahead of the scorer's clock an event's time may be; later events are
 *     rejected (one event dated in the future would move its entities' current bucket there and blind
 *     their volume checks until then), from 1 second to 1 day
 * @param defaultTenant the tenant of events that name none; empty: {@code tenant} is required (a
 *     single-tenant installation may name its tenant here)
 * @param maxTransferBytes the most bytes an event may report in {@code bytes_in} or {@code bytes_out};
 *     a larger value is rejected (one absurd value would weigh on its entities' volume statistics for
 *     a long while), at least 1
 * @param dedupeWindow distinct event ids (with their tenant and host) remembered across all shards: an
 *     event whose id is among them is answered as a duplicate and not scored again; each id is kept until
 *     at least this many newer ones were taken (at most 17/16 of it), the oldest forgotten first. About
 *     27 bytes each; 0: no de-duplication, at most {@value #MAX_DEDUPE_WINDOW}
 */
public record ScorerSettings(int shards, int maxInFlight, int maxQueued, Duration queueTimeout, int retryAfterSeconds,
        int maxEntities, Path checkpointDir, Duration checkpointInterval, Duration reloadInterval,
        Duration modelPoll, Duration maxFutureSkew, String defaultTenant, long maxTransferBytes, int dedupeWindow) {
    /** Scoring threads at most: more only cost memory and switches on any machine Shadow runs on. */
    public static final int MAX_SHARDS = 256;


    /** The default {@link #dedupeWindow}: about 27 MB of heap. */
    public static final int DEFAULT_DEDUPE_WINDOW = 1_000_000;
    /** The largest {@link #dedupeWindow}: about 2.7 GB of heap. */
    public static final int MAX_DEDUPE_WINDOW = 100_000_000;

    /** The longest {@link #maxFutureSkew}: a day covers any local time mislabelled as UTC. */
    private static final Duration MAX_FUTURE_SKEW_LIMIT = Duration.ofDays(1);

    public ScorerSettings {
        check(shards >= 0 && shards <= MAX_SHARDS, "scorer.shards", shards, "0 (one per core) to " + MAX_SHARDS
                + " (each is a thread)");
        check(maxInFlight >= 1, "scorer.max-in-flight", maxInFlight, "at least 1");
        check(maxQueued >= 0, "scorer.max-queued", maxQueued, "0 or more");
        check(!queueTimeout.isNegative(), "scorer.queue-timeout", queueTimeout, "a duration of 0 or more, e.g. PT0.5S");
        check(retryAfterSeconds >= 1, "scorer.retry-after-seconds", retryAfterSeconds, "at least 1");
        check(maxEntities >= 10, "scorer.max-entities", maxEntities, "at least 10");
        check(!checkpointInterval.isNegative(), "scorer.checkpoint-interval", checkpointInterval,
                "a duration of 0 or more, e.g. PT1M");
        check(!reloadInterval.isNegative(), "scorer.reload-interval", reloadInterval,
                "a duration of 0 or more, e.g. PT1M");
        check(!modelPoll.isNegative(), "scorer.model.poll", modelPoll, "a duration of 0 or more, e.g. PT15S");
        check(maxFutureSkew != null && maxFutureSkew.compareTo(Duration.ofSeconds(1)) >= 0
                && maxFutureSkew.compareTo(MAX_FUTURE_SKEW_LIMIT) <= 0, "scorer.max-future-skew", maxFutureSkew,
                "a duration from PT1S to P1D, e.g. PT5M");
        check(defaultTenant != null && defaultTenant.equals(defaultTenant.strip()), "scorer.default-tenant",
                "'" + defaultTenant + "'", "empty (events must name their tenant) or a tenant id without surrounding "
                        + "spaces; tenant ids are case-sensitive");
        check(maxTransferBytes >= 1, "scorer.max-transfer-bytes", maxTransferBytes,
                "a positive number of bytes, e.g. " + TransferLimit.DEFAULT_MAX_BYTES + " (1 TiB)");
        check(dedupeWindow >= 0 && dedupeWindow <= MAX_DEDUPE_WINDOW, "scorer.dedupe-window", dedupeWindow,
                "0 (no de-duplication) to " + MAX_DEDUPE_WINDOW + " event ids, e.g. " + DEFAULT_DEDUPE_WINDOW);
    }

    public static ScorerSettings defaults() {
        return new ScorerSettings(0, 8, 64, Duration.ofMillis(500), 1, 200_000, null, Duration.ofMinutes(1),
                Duration.ofMinutes(1), Duration.ofSeconds(15), Duration.ofMinutes(5), "",
                TransferLimit.DEFAULT_MAX_BYTES, DEFAULT_DEDUPE_WINDOW);
    }

    public ScorerSettings withCheckpointDir(Path dir) {
        return new ScorerSettings(shards, maxInFlight, maxQueued, queueTimeout, retryAfterSeconds, maxEntities, dir,
                checkpointInterval, reloadInterval, modelPoll, maxFutureSkew, defaultTenant, maxTransferBytes,
                dedupeWindow);
    }

    public ScorerSettings withAdmission(int inFlight, int queued, Duration timeout) {
        return new ScorerSettings(shards, inFlight, queued, timeout, retryAfterSeconds, maxEntities, checkpointDir,
                checkpointInterval, reloadInterval, modelPoll, maxFutureSkew, defaultTenant, maxTransferBytes,
                dedupeWindow);
    }

    public ScorerSettings withMaxEntities(int max) {
        return new ScorerSettings(shards, maxInFlight, maxQueued, queueTimeout, retryAfterSeconds, max, checkpointDir,
                checkpointInterval, reloadInterval, modelPoll, maxFutureSkew, defaultTenant, maxTransferBytes,
                dedupeWindow);
    }

    public ScorerSettings withIntervals(Duration checkpoint, Duration reload) {
        return new ScorerSettings(shards, maxInFlight, maxQueued, queueTimeout, retryAfterSeconds, maxEntities,
                checkpointDir, checkpoint, reload, modelPoll, maxFutureSkew, defaultTenant, maxTransferBytes,
                dedupeWindow);
    }

    public ScorerSettings withShards(int n) {
        return new ScorerSettings(n, maxInFlight, maxQueued, queueTimeout, retryAfterSeconds, maxEntities,
                checkpointDir, checkpointInterval, reloadInterval, modelPoll, maxFutureSkew, defaultTenant,
                maxTransferBytes, dedupeWindow);
    }

    public ScorerSettings withModelPoll(Duration poll) {
        return new ScorerSettings(shards, maxInFlight, maxQueued, queueTimeout, retryAfterSeconds, maxEntities,
                checkpointDir, checkpointInterval, reloadInterval, poll, maxFutureSkew, defaultTenant,
                maxTransferBytes, dedupeWindow);
    }

    /** The intake's rules: how far ahead of the scorer's clock an event may be; the tenant of events without one. */
    public ScorerSettings withIntake(Duration futureSkew, String tenant) {
        return new ScorerSettings(shards, maxInFlight, maxQueued, queueTimeout, retryAfterSeconds, maxEntities,
                checkpointDir, checkpointInterval, reloadInterval, modelPoll, futureSkew, tenant, maxTransferBytes,
                dedupeWindow);
    }

    /** The intake's limit on {@code bytes_in} and {@code bytes_out} of one event. */
    public ScorerSettings withMaxTransferBytes(long max) {
        return new ScorerSettings(shards, maxInFlight, maxQueued, queueTimeout, retryAfterSeconds, maxEntities,
                checkpointDir, checkpointInterval, reloadInterval, modelPoll, maxFutureSkew, defaultTenant, max,
                dedupeWindow);
    }

    /** How many recent event ids are remembered for de-duplication; 0: none. */
    public ScorerSettings withDedupeWindow(int ids) {
        return new ScorerSettings(shards, maxInFlight, maxQueued, queueTimeout, retryAfterSeconds, maxEntities,
                checkpointDir, checkpointInterval, reloadInterval, modelPoll, maxFutureSkew, defaultTenant,
                maxTransferBytes, ids);
    }

    /** The shard count in force: {@code shards}, or one per core when 0. */
    public int effectiveShards() {
        return shards > 0 ? shards : Runtime.getRuntime().availableProcessors();
    }

    /** A {@link ConfigException} naming the key, so that the command can say where the value came from. */
    private static void check(boolean ok, String key, Object value, String expected) {
        ConfigException.check(ok, key, value, expected);
    }
}
