package io.shadow.scorer.shard;

import io.shadow.features.ActivityEvent;
import io.shadow.features.EntityKey;
import io.shadow.features.EntityKind;
import io.shadow.features.FeatureDefinitions;
import io.shadow.features.signal.Assessment;
import io.shadow.scorer.OnlineScorer;
import io.shadow.scorer.ScoredEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores events on a fixed set of shards, each owning the entities (principals and hosts) whose key
 * hashes to it. An event that concerns a principal and a host is observed for each under its
 * owner's lock, so an entity's state is only touched by one thread at a time, with no global lock,
 * and every entity sees its events in time order within a batch, and a request's events after those
 * of every request that was answered before it came (concurrent requests take a shard's lock in
 * either order). A batch is sorted by event time, split by shard and scored on every shard's thread at
 * once, so even one connection uses all cores; the results come back in time order. A single event
 * or a batch of at most {@link #INLINE_MAX} is scored on the caller's thread instead, taking the
 * shards' locks in turn: waking a shard thread and waiting for it would be most of its latency.
 * The queues need no bound of their own: admission control bounds the requests in flight.
 * Before that, an event whose tenant and id are among the {@link RecentEventIds} is answered as a
 * duplicate and not scored again: an agent re-sending a batch must not double its entities' rates.
 */
public final class EntityShards implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EntityShards.class);
    private static final Comparator<ActivityEvent> BY_TIME = Comparator.comparing(ActivityEvent::time);
    private final OnlineScorer scorer;
    /**
     * Batches of at most this many events are scored on the caller's thread: below it, handing them
     * to the shard threads and waiting costs more than the parallelism gains.
     */
    static final int INLINE_MAX = 16;
    private final Worker[] workers;
    /** Per shard, the lock held while its entities are observed: by its thread, or a caller scoring inline. */
    private final Object[] guards;
    private final RecentEventIds recent;

    /** Without de-duplication. */
    public EntityShards(OnlineScorer scorer, int shards) {
        this(scorer, shards, RecentEventIds.none());
    }

    /** De-duplicating on {@code recent} (see {@link RecentEventIds}). */
    public EntityShards(OnlineScorer scorer, int shards, RecentEventIds recent) {
        if (shards < 1) {
            throw new IllegalArgumentException("invalid scorer.shards = " + shards + "; expected at least 1");
        }
        this.scorer = scorer;
        this.recent = recent;
        this.workers = new Worker[shards];
        this.guards = new Object[shards];
        for (int i = 0; i < shards; i++) {
            guards[i] = new Object();
        }
        for (int i = 0; i < shards; i++) {
            workers[i] = new Worker("shadow-scorer-shard-" + i);
            workers[i].start();
        }
    }

    public int shards() {
        return workers.length;
    }

    /** The de-duplication window (for checkpoints). */
    public RecentEventIds recent() {
        return recent;
    }

    /** The shard that owns an entity. */
    public int shardOf(EntityKey k) {
        return shardOf(k.tenant(), k.kind(), k.id());
    }

    /** {@link #shardOf(EntityKey)} without making the key (routing asks this for every event). */
    private int shardOf(String tenant, EntityKind kind, String id) {
        int h = (tenant.hashCode() * 31 + kind.ordinal()) * 31 + id.hashCode();
        return Math.floorMod(h ^ (h >>> 16), workers.length);
    }

    public ScoredEvent score(ActivityEvent e) throws InterruptedException {
        return scoreAll(List.of(e)).get(0);
    }

    /** Scores a batch in event-time order; returns the results in that order. */
    public List<ScoredEvent> scoreAll(List<ActivityEvent> events) throws InterruptedException {
        if (events.isEmpty()) {
            return List.of();
        }
        ActivityEvent[] ordered = events.toArray(new ActivityEvent[0]);
        Arrays.sort(ordered, BY_TIME);
        // per event, its id's hash, and whether the window held it already (a duplicate, never scored)
        long[] hashes = new long[ordered.length];
        boolean[] duplicate = new boolean[ordered.length];
        if (recent.enabled()) {
            for (int i = 0; i < ordered.length; i++) {
                hashes[i] = recent.hash(ordered[i].tenant(), ordered[i].host(), ordered[i].eventId());
            }
            recent.addAll(hashes, duplicate);
        }
        boolean[] dispatched = new boolean[1];
        // per event, whether a shard failed before it got to it (set by the shard that failed)
        boolean[] unreached = new boolean[ordered.length];
        try {
            return scoreOrdered(ordered, duplicate, dispatched, unreached);
        } catch (InterruptedException | RuntimeException | Error e) {
            for (int i = 0; i < ordered.length && recent.enabled(); i++) {
                // nothing was scored, or a shard failed before it reached this event: the sender's retry
                // must score it, not answer it as a duplicate
                if (!duplicate[i] && (!dispatched[0] || unreached[i])) {
                    recent.forget(hashes[i]);
                }
            }
            // the events a shard observed (the one it failed on included: the detector may have counted it
            // before the failure) keep their ids: a retry must not count them twice in their entities' rates.
            // Interrupted while the shards work, which events they reached is unknown: the ids stay
            throw e;
        }
    }

    private List<ScoredEvent> scoreOrdered(ActivityEvent[] ordered, boolean[] duplicate, boolean[] dispatched,
            boolean[] unreached) throws InterruptedException {
        int n = workers.length;
        // per event, the shards it concerns as a bit set (at most 64 shards are told apart; more
        // shards simply share bits, which only costs a look at an entity another shard owns)
        long[] shardsOf = new long[ordered.length];
        int[][] byShard = new int[n][];
        int[] counts = new int[n];
        for (int i = 0; i < ordered.length; i++) {
            if (duplicate[i]) {
                continue;
            }
            // the entities the event gives parts to (an API call naming its host is its
            // principal's only), so no shard takes an event it has nothing to observe in
            ActivityEvent e = ordered[i];
            if (FeatureDefinitions.concernsPrincipal(e)) {
                shardsOf[i] |= 1L << (shardOf(e.tenant(), EntityKind.PRINCIPAL, e.principal()) & 63);
            }
            if (FeatureDefinitions.concernsHost(e)) {
                shardsOf[i] |= 1L << (shardOf(e.tenant(), EntityKind.HOST, e.host()) & 63);
            }
            if (shardsOf[i] == 0) {
                shardsOf[i] = 1L; // nothing to observe: shard 0 answers it
            }
            for (int s = 0; s < n; s++) {
                if ((shardsOf[i] & (1L << (s & 63))) != 0) {
                    if (byShard[s] == null) {
                        byShard[s] = new int[ordered.length];
                    }
                    byShard[s][counts[s]++] = i;
                }
            }
        }
        ScoredEvent[][] parts = new ScoredEvent[n][];
        int busy = 0;
        for (int c : counts) {
            busy += c > 0 ? 1 : 0;
        }
        dispatched[0] = true;
        if (ordered.length <= INLINE_MAX) {
            // a handful of events: scored on this thread, one shard's lock at a time, rather than
            // waking shard threads and waiting for them (a single event's latency is mostly that)
            // every shard's part is scored even when one fails, as on the shard threads: their ids are
            // remembered, so a part skipped here would be answered as duplicates on the retry, never scored
            Throwable failure = null;
            for (int s = 0; s < n; s++) {
                if (counts[s] > 0) {
                    parts[s] = new ScoredEvent[ordered.length];
                    try {
                        scorePart(s, ordered, byShard[s], counts[s], parts[s], unreached);
                    } catch (RuntimeException | Error e) {
                        failure = failure == null ? e : failure;
                    }
                }
            }
            if (failure != null) {
                throw new IllegalStateException("scoring failed: " + failure.getMessage(), failure);
            }
        } else {
            Part.Done done = new Part.Done(busy);
            for (int s = 0; s < n; s++) {
                if (counts[s] > 0) {
                    parts[s] = new ScoredEvent[ordered.length];
                    workers[s].queue.add(new Part(s, ordered, byShard[s], counts[s], parts[s], unreached, done));
                }
            }
            done.latch.await();
            if (done.failure != null) {
                throw new IllegalStateException("scoring failed: " + done.failure.getMessage(), done.failure);
            }
        }
        ScoredEvent[] out = new ScoredEvent[ordered.length];
        for (int i = 0; i < ordered.length; i++) {
            out[i] = duplicate[i] ? ScoredEvent.duplicateOf(ordered[i].eventId()) : merge(ordered[i], parts, i);
        }
        return Arrays.asList(out);
    }

    /**
     * Scores the events at {@code positions} for the entities shard {@code shard} owns, holding its lock.
     * When one fails, the part stops there and the events after it are marked in {@code unreached}: their
     * ids are forgotten, so that a retry scores them (the caller's latch, or its own thread, publishes them).
     */
    private void scorePart(int shard, ActivityEvent[] events, int[] positions, int count, ScoredEvent[] out,
            boolean[] unreached) {
        Predicate<EntityKey> owned = k -> shardOf(k) == shard;
        synchronized (guards[shard]) {
            int j = 0;
            try {
                for (; j < count; j++) {
                    int i = positions[j];
                    out[i] = scorer.score(events[i], owned);
                }
            } catch (RuntimeException | Error e) {
                for (int k = j + 1; k < count; k++) {
                    unreached[positions[k]] = true;
                }
                throw e;
            }
        }
    }

    private static ScoredEvent merge(ActivityEvent e, ScoredEvent[][] parts, int i) {
        ScoredEvent only = null;
        List<Assessment> assessments = null;
        List<String> outcomes = null;
        for (ScoredEvent[] shard : parts) {
            ScoredEvent p = shard == null ? null : shard[i];
            if (p == null) {
                continue;
            }
            if (only == null) {
                only = p;
            } else if (p.anomalous()) {
                if (assessments == null) {
                    assessments = new ArrayList<>(only.assessments());
                    outcomes = new ArrayList<>(only.outcomes());
                }
                assessments.addAll(p.assessments());
                outcomes.addAll(p.outcomes());
            }
        }
        if (only == null) {
            return new ScoredEvent(e.eventId(), List.of(), List.of());
        }
        return assessments == null ? only : new ScoredEvent(e.eventId(), assessments, outcomes);
    }

    @Override
    public void close() {
        for (Worker w : workers) {
            w.interrupt();
        }
    }

    /** The events of one batch that concern one shard's entities, by position in the time-ordered batch. */
    private record Part(int shard, ActivityEvent[] events, int[] positions, int count, ScoredEvent[] out,
            boolean[] unreached, Done done) {
        static final class Done {
            final CountDownLatch latch;
            volatile Throwable failure;

            Done(int parts) {
                latch = new CountDownLatch(parts);
            }
        }
    }

    private final class Worker extends Thread {
        final LinkedBlockingQueue<Part> queue = new LinkedBlockingQueue<>();

        Worker(String name) {
            super(name);
            setDaemon(true);
        }

        @Override
        public void run() {
            while (!isInterrupted()) {
                Part p;
                try {
                    p = queue.take();
                } catch (InterruptedException e) {
                    return;
                } catch (Error e) {
                    LOG.error("scorer shard worker {} could not take its next part; it goes on", getName(), e);
                    continue; // a worker that ended would leave every later part of its shard waiting
                }
                try {
                    scorePart(p.shard(), p.events(), p.positions(), p.count(), p.out(), p.unreached());
                } catch (RuntimeException | Error e) {
                    p.done().failure = e;
                } finally {
                    p.done().latch.countDown();
                }
            }
        }
    }
}
