package io.shadow.scorer.shard;

import io.shadow.features.ActivityEvent;
import io.shadow.scorer.OnlineScorer;
import io.shadow.scorer.ScoredEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Scores events on a fixed set of shard threads, each owning the entities whose key (tenant and
 * principal, or host for events without one) hashes to it. An entity's state is thus only touched
 * by its own shard: no lock contention between requests, and an entity's events are scored in
 * the order their requests arrived. A batch is sorted by event time, split by shard and scored on
 * every shard at once, so even one connection uses all cores; the results come back in time order.
 * The queues need no bound of their own: admission control bounds the requests in flight.
 */
public final class EntityShards implements AutoCloseable {
    private static final Comparator<ActivityEvent> BY_TIME = Comparator.comparing(ActivityEvent::time);
    private final OnlineScorer scorer;
    private final Worker[] workers;

    public EntityShards(OnlineScorer scorer, int shards) {
        if (shards < 1) {
            throw new IllegalArgumentException("invalid scorer.shards = " + shards + "; expected at least 1");
        }
        this.scorer = scorer;
        this.workers = new Worker[shards];
        for (int i = 0; i < shards; i++) {
            workers[i] = new Worker("shadow-scorer-shard-" + i);
            workers[i].start();
        }
    }

    public int shards() {
        return workers.length;
    }

    /** The shard of an event's entity. */
    public int shardOf(ActivityEvent e) {
        String id = e.principal() != null ? e.principal() : e.host();
        int h = e.tenant().hashCode() * 31 + (id == null ? 0 : id.hashCode());
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
        ScoredEvent[] out = new ScoredEvent[ordered.length];
        List<List<Integer>> byShard = new ArrayList<>(workers.length);
        for (int i = 0; i < workers.length; i++) {
            byShard.add(new ArrayList<>());
        }
        for (int i = 0; i < ordered.length; i++) {
            byShard.get(shardOf(ordered[i])).add(i);
        }
        int parts = (int) byShard.stream().filter(l -> !l.isEmpty()).count();
        Part.Done done = new Part.Done(parts);
        for (int s = 0; s < workers.length; s++) {
            if (!byShard.get(s).isEmpty()) {
                workers[s].queue.add(new Part(ordered, byShard.get(s), out, done));
            }
        }
        done.latch.await();
        if (done.failure != null) {
            throw new IllegalStateException("scoring failed: " + done.failure.getMessage(), done.failure);
        }
        return Arrays.asList(out);
    }

    @Override
    public void close() {
        for (Worker w : workers) {
            w.interrupt();
        }
    }

    /** The events of one batch that fall to one shard, by position in the time-ordered batch. */
    private record Part(ActivityEvent[] events, List<Integer> positions, ScoredEvent[] out, Done done) {
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
                }
                try {
                    for (int i : p.positions()) {
                        p.out()[i] = scorer.score(p.events()[i]);
                    }
                } catch (RuntimeException | Error e) {
                    p.done().failure = e;
                } finally {
                    p.done().latch.countDown();
                }
            }
        }
    }
}
