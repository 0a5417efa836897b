package io.shadow.model.detect;

import io.shadow.features.ActivityEvent;
import io.shadow.features.Buckets;
import io.shadow.features.EntityKey;
import io.shadow.features.baseline.BaselineSnapshot;
import io.shadow.features.signal.Anomaly;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The online detector: feeds each event through the shared feature definitions into per-entity
 * state and compares it with the baseline snapshot. An anomaly is raised when a feature's level is
 * unusual — its rate of change can raise the deviation up to twice the level's, so a fast rise
 * counts before the level alone would, while a fast change at an ordinary level does not alert —
 * when it stays above normal (sustained, or in many recent buckets), when it rises bucket after
 * bucket (a run of rising buckets judged together: {@code RisingRuns}), when the entity's features
 * combine as they never do, or when first-seen values are improbable enough. Thread-safe: entities
 * are independent and each is locked on its own.
 *
 * <p>Serving support (issue 8): the per-entity state can be exported and imported
 * ({@link #exportState}, {@link #importState}) so a restarted scorer resumes where it stopped, and
 * the least recently seen entities can be evicted ({@link #evictLeastRecentlySeen}) to bound memory.
 * None of this changes how an event is judged.
 */
public final class Detector {
    private final java.util.concurrent.atomic.LongAdder late = new java.util.concurrent.atomic.LongAdder();
    /** Each thread's collector of an event's parts, reused from event to event. */
    private static final ThreadLocal<EventParts> PARTS = ThreadLocal.withInitial(EventParts::new);
    private final DetectorConfig config;
    private final Map<EntityKey, EntityState> states = new ConcurrentHashMap<>();
    /** The snapshot in use with what is derived from it, switched as one. */
    private volatile Baselines baselines;

    /**
     * A snapshot, the expectations blended from its baselines, and its entity names with the case aside (for telling
     * a new entity from another spelling of a known one).
     */
    private record Baselines(BaselineSnapshot snapshot, Expectations expected, Spellings spellings) {
        Baselines(BaselineSnapshot snapshot, DetectorConfig config) {
            this(snapshot, new Expectations(config), new Spellings(snapshot));
        }
    }

    public Detector(DetectorConfig config, BaselineSnapshot snapshot) {
        this.config = config;
        this.baselines = new Baselines(snapshot, config);
    }

    public DetectorConfig config() {
        return config;
    }

    public BaselineSnapshot snapshot() {
        return baselines.snapshot();
    }

    /** Switches to a newer snapshot; values learned online since the old one are dropped from state. */
    public void updateSnapshot(BaselineSnapshot newer) {
        this.baselines = new Baselines(newer, config);
        for (EntityState s : states.values()) {
            synchronized (s) {
                s.resetOnlineNovelty();
                s.forgetBaselines();
            }
        }
    }

    /**
     * Events that came for an entity after a later one had opened its current 5-minute bucket (an agent
     * shipping a backlog while another source reported the entity, a clock behind, a back-dated event):
     * their volumes are judged on the late events of their bucket alone (the bucket's on-time values are
     * no longer held), with their novelty as usual. Counted per entity: an event late for both its
     * principal and its host counts twice.
     */
    public long lateEvents() {
        return late.sum();
    }

    public int trackedEntities() {
        return states.size();
    }

    /** Observes one event; returns the anomalies it raised (usually none). */
    public List<Anomaly> observe(ActivityEvent e) {
        return observe(e, k -> true);
    }

    /** Observes events in order (a replay); returns every anomaly they raised, in order. */
    public List<Anomaly> observeAll(Iterable<ActivityEvent> events) {
        List<Anomaly> raised = new java.util.ArrayList<>();
        for (ActivityEvent e : events) {
            raised.addAll(observe(e));
        }
        return raised;
    }

    /**
     * Observes one event for the entities {@code part} accepts only (an event can concern a
     * principal and a host; a sharded scorer observes each entity on the thread that owns it, so
     * that every entity sees its events in order). Returns the anomalies raised for them.
     */
    public List<Anomaly> observe(ActivityEvent e, Predicate<EntityKey> part) {
        EventParts parts = PARTS.get().of(e);
        List<Anomaly> out = List.of();
        long now = System.currentTimeMillis();
        long eventBucket = Buckets.start(e.time().getEpochSecond());
        for (int p = 0; p < parts.entities(); p++) {
            EntityKey k = parts.key(p);
            if (!part.test(k)) {
                continue;
            }
            Anomaly a;
            while (true) {
                EntityState state = states.get(k);
                if (state == null) {
                    state = states.computeIfAbsent(k, EntityState::new);
                }
                synchronized (state) {
                    if (state.evicted()) {
                        continue; // evicted between the look-up and the lock: the next look-up makes a new one
                    }
                    state.touch(now);
                    if (eventBucket < state.bucket() && parts.numbers(p) > 0) {
                        late.increment(); // before its entity's current bucket: only novelty is judged
                    }
                    // the snapshot is read under the entity's lock: a switch either comes before
                    // (and this reads the new one) or forgets what this event cached afterwards, so
                    // no entity keeps an old snapshot alive
                    Baselines b = baselines;
                    a = state.observe(e, parts, p, b.snapshot(), b.expected(), b.spellings());
                }
                break;
            }
            if (a != null) {
                if (out.isEmpty()) {
                    out = new ArrayList<>(2);
                }
                out.add(a);
            }
        }
        return out;
    }

    /**
     * Writes every entity's online state (format: {@code StateFormat}). Each entity is written
     * under its lock, so it is consistent on its own; entities observed meanwhile may be written
     * before or after their update. Returns how many entities were written.
     */
    public long exportState(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        long n = StateFormat.write(data, baselines.snapshot().version(), states);
        data.flush();
        return n;
    }

    /**
     * Loads state written by {@link #exportState}, replacing the state of the entities it holds.
     * State built against other baselines than the current snapshot forgets the values it learned
     * online, as {@link #updateSnapshot} does. Returns how many entities were loaded.
     */
    public long importState(InputStream in) throws IOException {
        return importState(in, Instant.MAX).loaded();
    }

    /** What {@link #importState(InputStream, Instant)} did: entities loaded, and those left out. */
    public record Imported(long loaded, long ahead) {
    }

    /**
     * As {@link #importState(InputStream)}, leaving out entities whose current bucket starts after
     * {@code horizon}: an event dated in the future moved it there (every later event would count as
     * late and its volumes go unjudged), so they start from their baselines instead.
     */
    public Imported importState(InputStream in, Instant horizon) throws IOException {
        DataInputStream data = new DataInputStream(in);
        StateFormat.Header h = StateFormat.readHeader(data);
        boolean otherBaselines = h.baselinesVersion() != baselines.snapshot().version();
        long latest = horizon.getEpochSecond();
        long[] ahead = new long[1];
        long read = StateFormat.readStates(data, h, s -> {
            if (s.bucket() > latest) {
                ahead[0]++;
                return;
            }
            if (otherBaselines) {
                s.resetOnlineNovelty();
            }
            EntityState old = states.put(s.key(), s);
            if (old != null) {
                synchronized (old) {
                    old.markEvicted();
                }
            }
        });
        return new Imported(read - ahead[0], ahead[0]);
    }

    /**
     * How much longer an entity with its own nightly baseline is kept than one without: events of many
     * made-up principals, or of a tenant without baselines, go before the state of known entities.
     */
    static final long BASELINED_GRACE_MS = java.time.Duration.ofHours(1).toMillis();

    /**
     * Forgets the least recently observed entities until at most {@code keep} remain, those without a
     * baseline of their own first (as if seen {@link #BASELINED_GRACE_MS} earlier); returns how many
     * were forgotten. A forgotten entity that shows up again starts from its baseline, like a new one.
     */
    public int evictLeastRecentlySeen(int keep) {
        int size = states.size();
        if (size <= keep) {
            return 0;
        }
        BaselineSnapshot current = baselines.snapshot();
        long[] seen = new long[size + 64];
        int n = 0;
        for (EntityState s : states.values()) {
            if (n == seen.length) {
                break;
            }
            seen[n++] = rank(s, current);
        }
        Arrays.sort(seen, 0, n);
        int excess = Math.max(0, n - keep);
        if (excess == 0) {
            return 0;
        }
        long cutoff = seen[excess - 1];
        int evicted = 0;
        for (Map.Entry<EntityKey, EntityState> e : states.entrySet()) {
            if (evicted >= excess) {
                break;
            }
            EntityState s = e.getValue();
            synchronized (s) {
                if (rank(s, current) <= cutoff && !s.evicted() && states.remove(e.getKey(), s)) {
                    s.markEvicted();
                    evicted++;
                }
            }
        }
        return evicted;
    }

    private static long rank(EntityState s, BaselineSnapshot baselines) {
        return baselines.entity(s.key()) != null ? s.lastSeen() + BASELINED_GRACE_MS : s.lastSeen();
    }
}
