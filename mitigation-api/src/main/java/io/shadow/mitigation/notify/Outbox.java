package io.shadow.mitigation.notify;

import io.shadow.mitigation.store.OutboxStore;
import io.shadow.mitigation.store.OutboxStore.Delivery;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends what waits in the outbox: one thread picks due deliveries, hands each to its channel's
 * {@link Courier}, and on failure schedules the next attempt after the policy's backoff, until
 * the attempts run out. Enqueuing never blocks on the network, so acting stays fast.
 */
public final class Outbox implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
    private final OutboxStore store;
    private final DeliveryPolicy policy;
    private final Map<String, Courier> couriers = new HashMap<>();
    private final Clock clock = Clock.systemUTC();
    private final ScheduledExecutorService thread;
    private final AtomicBoolean kicked = new AtomicBoolean();
    private volatile boolean closing;

    public Outbox(OutboxStore store, DeliveryPolicy policy, List<Courier> couriers) {
        this.store = store;
        this.policy = policy;
        couriers.forEach(c -> this.couriers.put(c.channel(), c));
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "shadow-outbox");
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(this::drainSafely, 0, 200, TimeUnit.MILLISECONDS);
    }

    public OutboxStore store() {
        return store;
    }

    public boolean handles(String channel) {
        return couriers.containsKey(channel);
    }

    /** Queues a message and wakes the sender; returns the delivery id. */
    public String enqueue(String channel, String destination, String event, String subject, String body) {
        return enqueue(null, channel, destination, event, subject, body);
    }

    /**
     * As {@link #enqueue(String, String, String, String, String)}, once per {@code key} (a notification's id) and
     * destination: queuing it again (a notice held while the store was out and sent again, all its destinations
     * with it) adds nothing. A null key queues every time.
     */
    public String enqueue(String key, String channel, String destination, String event, String subject,
            String body) {
        if (!couriers.containsKey(channel)) {
            throw new IllegalStateException("no " + channel + " channel configured");
        }
        String id = key == null ? null : "dlv-" + java.util.UUID.nameUUIDFromBytes((key + "\n" + channel + "\n"
                + destination).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        id = store.enqueue(id, channel, destination, event, subject, body, clock.instant());
        if (kicked.compareAndSet(false, true)) {
            thread.execute(this::drainSafely);
        }
        return id;
    }

    private void drainSafely() {
        kicked.set(false);
        try {
            drain();
        } catch (RuntimeException e) {
            if (closing) {
                // stopped mid-sweep: what was not recorded as delivered is attempted again at the next start
                LOG.info("outbox stopped during a sweep ({}); undelivered messages are sent after the next start",
                        e.getMessage());
            } else {
                io.shadow.mitigation.store.StoreException.logTaskFailure(LOG, "outbox sweep", e);
            }
        }
    }

    /** Attempts every due delivery once; returns how many were attempted. */
    int drain() {
        int n = 0;
        List<Delivery> due;
        while (!(due = store.due(clock.instant(), 50)).isEmpty()) {
            for (Delivery d : due) {
                attempt(d);
                n++;
            }
        }
        return n;
    }

    private void attempt(Delivery d) {
        int attempt = d.attempts() + 1;
        try {
            couriers.get(d.channel()).deliver(d, attempt);
            store.delivered(d, attempt, clock.instant());
        } catch (Exception e) {
            String error = e.getMessage() == null ? e.toString() : e.getMessage();
            if (attempt >= policy.attempts()) {
                LOG.error("{} {} to {} failed for good after {} attempt(s): {}", d.channel(), d.event(),
                        d.destination(), attempt, error);
                store.failed(d, attempt, error);
            } else {
                Instant next = clock.instant().plus(policy.backoff(attempt));
                LOG.warn("{} {} to {} failed (attempt {} of {}): {}; next attempt at {}", d.channel(), d.event(),
                        d.destination(), attempt, policy.attempts(), error, next);
                store.retry(d, attempt, next, error);
            }
        }
    }

    @Override
    public void close() {
        closing = true;
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
