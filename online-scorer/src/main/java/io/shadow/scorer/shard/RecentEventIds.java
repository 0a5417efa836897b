package io.shadow.scorer.shard;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;

/**
 * The event ids the scorer took recently, for de-duplication: an agent that re-sends a batch whose
 * answer was lost, or one event repeated in a batch, must not count twice in an entity's rates.
 *
 * <p><b>Window.</b> Ids are remembered in generations ("epochs") of {@code ceil(capacity / 16)} ids
 * per stripe; an id is forgotten when the 17th epoch after its own begins. So every id is remembered
 * until at least {@code capacity} newer distinct ids were taken (per stripe; the stripes share the
 * capacity evenly), and none longer than 17/16 of that. An id is never forgotten sooner, whatever the
 * hashes: a full bucket spills into the next one rather than dropping an id. (One exception: an id
 * {@link #forget forgotten} after its epoch ended still counted towards the window. Ids are forgotten
 * only for the events of a batch that failed before they were scored, right after they were taken.)
 *
 * <p><b>Ids.</b> Kept as 64-bit hashes of tenant, host and id (each with its length), salted with a
 * secret random number (so that no sender can choose ids that pile up in one place; it is kept with
 * the window's checkpoint, readable by its owner only). The table keeps the upper 48
 * bits of each beside its 16-bit epoch; the stripe comes from the lower 16 and the bucket from all 64
 * mixed again, so a new id is taken for a remembered one with odds of about 1 in 10^13 (with 32 bits,
 * as {@code String.hashCode}, hundreds of ids in a million would share one).
 *
 * <p><b>Cost.</b> Each stripe is an array of buckets of 15 entries and one spill marker (128 bytes,
 * two or three cache lines), sized so that buckets are a third full: a check reads one bucket
 * (more only when it overflowed, odds of about 1 in 10,000), expired entries are reused in place,
 * and nothing else is touched (no delete, no ring of arrival order). About 27 bytes per remembered id;
 * no allocation. A batch takes each stripe's lock once ({@link #addAll}).
 *
 * <p><b>Restarts.</b> {@link #write} and {@link #read} keep the window (salt and tables) across a
 * restart, so a batch re-sent because the scorer stopped while it was in flight is still a duplicate.
 * Writing copies 64 KB of a table at a time under its lock, so a checkpoint neither holds up scoring
 * nor allocates a copy of the window.
 */
public final class RecentEventIds {
    /** Full epochs an id outlives: a window of 16 to 17 epochs. */
    static final int EPOCHS = 16;
    private static final long FNV_PRIME = 0x100000001b3L;
    /** The start of a window {@link #write} wrote ("SDEP"), and its format. */
    private static final int MAGIC = 0x53444550;
    private static final int FORMAT = 2;
    /** Entries copied under a stripe's lock at a time while writing (64 KB). */
    private static final int CHUNK = 8192;
    /** The most ids one table holds (6.8 GB; its array stays within Java's limits with one stripe). */
    static final int MAX_CAPACITY = 250_000_000;
    private final Stripe[] stripes;
    private final long seed;

    /**
     * @param capacity distinct ids remembered at least, in all (0: none, no de-duplication)
     * @param stripes independent tables, each with its own lock (one per shard)
     */
    public RecentEventIds(int capacity, int stripes) {
        this(capacity, stripes, new SecureRandom().nextLong());
    }

    private RecentEventIds(int capacity, int stripes, long seed) {
        if (capacity < 0 || capacity > MAX_CAPACITY || stripes < 1) {
            throw new IllegalArgumentException("invalid de-duplication window " + capacity + " over " + stripes
                    + " stripes; expected 0 to " + MAX_CAPACITY + " ids over at least 1 stripe");
        }
        this.seed = seed;
        this.stripes = new Stripe[capacity == 0 ? 0 : stripes];
        int each = (capacity + stripes - 1) / Math.max(1, stripes);
        for (int i = 0; i < this.stripes.length; i++) {
            this.stripes[i] = new Stripe(each);
        }
    }

    /** No de-duplication. */
    public static RecentEventIds none() {
        return new RecentEventIds(0, 1);
    }

    public boolean enabled() {
        return stripes.length > 0;
    }

    /** A 64-bit hash of tenant and event id. */
    public long hash(String tenant, String eventId) {
        return hash(tenant, null, eventId);
    }

    /**
     * A 64-bit hash of tenant, host and event id: with the host in it, a sender that may only
     * report its own host (a bound agent token) cannot pre-empt another host's events by their ids.
     */
    public long hash(String tenant, String host, String eventId) {
        long h = seed;
        h = chars(h, tenant == null ? "" : tenant);
        h = (h ^ (tenant == null ? -1 : tenant.length())) * FNV_PRIME; // "ab"+"c" is not "a"+"bc"
        h = chars(h, host == null ? "" : host);
        h = (h ^ (host == null ? -1 : host.length())) * FNV_PRIME;
        h = chars(h, eventId);
        h = (h ^ eventId.length()) * FNV_PRIME;
        return mix(h);
    }

    /** Remembers {@code hash}; false when it was remembered already (a duplicate). */
    public boolean add(long hash) {
        Stripe s = stripes[stripeOf(hash)];
        synchronized (s) {
            return s.add(hash);
        }
    }

    /**
     * Remembers {@code hashes} in order, taking each stripe's lock once; {@code duplicate[i]} is set
     * for each one remembered already (earlier, or earlier in {@code hashes}).
     */
    public void addAll(long[] hashes, boolean[] duplicate) {
        int n = hashes.length;
        int[] stripeOf = new int[n];
        int[] homes = new int[n];
        long pending = 0; // stripes with ids to take (the first 64 told apart; more are visited each)
        long touched = 0;
        for (int i = 0; i < n; i++) {
            stripeOf[i] = stripeOf(hashes[i]);
            pending |= 1L << (stripeOf[i] & 63);
            Stripe s = stripes[stripeOf[i]];
            homes[i] = s.home(hashes[i]);
            // read each bucket's two cache lines before taking any: these loads do not wait for one
            // another, so the batch's cache misses overlap instead of coming one after the other
            // (the reads are unguarded; what they see does not matter, only that the lines come in)
            int base = homes[i] * Stripe.WIDTH;
            touched += s.slots[base] + s.slots[base + Stripe.WIDTH / 2] + s.slots[base + Stripe.WIDTH - 1];
        }
        if (touched == 0x5a5a5a5a5a5a5a5aL) {
            sink = touched; // (practically never: a write every batch would bounce this object's cache line)
        }
        for (int k = 0; k < stripes.length; k++) {
            if ((pending & (1L << (k & 63))) == 0) {
                continue;
            }
            Stripe s = stripes[k];
            synchronized (s) {
                for (int i = 0; i < n; i++) {
                    if (stripeOf[i] == k) {
                        duplicate[i] = !s.add(hashes[i], homes[i]);
                    }
                }
            }
        }
    }

    /**
     * Writes the window: its salt, then each stripe's table, copied a chunk of 8,192 entries at a time under
     * the stripe's lock (microseconds each: scoring on the shard waits no longer than that, and nothing the
     * size of the table is allocated), then the stripe's counters as they were when its last chunk was
     * copied. Every id taken before the write began is in it; one taken or forgotten during the write may
     * be or not, as if it had come just after (or before) the checkpoint.
     */
    public void write(DataOutputStream out) throws IOException {
        out.writeInt(MAGIC);
        out.writeInt(FORMAT);
        out.writeLong(seed);
        out.writeInt(stripes.length);
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK * Long.BYTES);
        java.nio.LongBuffer longs = chunk.asLongBuffer();
        for (Stripe s : stripes) {
            out.writeInt(s.perEpoch);
            out.writeInt(s.buckets);
            int epoch = 0;
            int taken = 0;
            int sweep = 0;
            for (int i = 0; i < s.slots.length; ) {
                int n = Math.min(s.slots.length - i, CHUNK);
                longs.clear();
                synchronized (s) {
                    longs.put(s.slots, i, n);
                    epoch = s.epoch;
                    taken = s.taken;
                    sweep = s.sweep;
                }
                out.write(chunk.array(), 0, n * Long.BYTES);
                i += n;
            }
            // the counters after the last chunk: no entry written is younger than the epoch restored
            out.writeInt(epoch);
            out.writeInt(taken);
            out.writeInt(sweep);
        }
    }

    /**
     * Reads a window {@link #write} wrote, for {@code capacity} ids over {@code stripes}; null when it
     * was written for another capacity or number of stripes (its tables do not fit: start empty) or by an
     * earlier version (format 1, the counters before the table).
     *
     * @throws IOException when the file is not such a window or is cut short
     */
    public static RecentEventIds read(DataInputStream in, int capacity, int stripes) throws IOException {
        if (in.readInt() != MAGIC) {
            throw new IOException("not a de-duplication window");
        }
        int format = in.readInt();
        if (format == 1) {
            return null;
        }
        if (format != FORMAT) {
            throw new IOException("de-duplication window of unknown format " + format);
        }
        RecentEventIds r = new RecentEventIds(capacity, stripes, in.readLong());
        if (in.readInt() != r.stripes.length) {
            return null;
        }
        byte[] chunk = new byte[CHUNK * Long.BYTES];
        for (Stripe s : r.stripes) {
            if (in.readInt() != s.perEpoch || in.readInt() != s.buckets) {
                return null;
            }
            for (int i = 0; i < s.slots.length; ) {
                int n = Math.min(s.slots.length - i, CHUNK);
                in.readFully(chunk, 0, n * Long.BYTES);
                ByteBuffer.wrap(chunk, 0, n * Long.BYTES).asLongBuffer().get(s.slots, i, n);
                i += n;
            }
            s.epoch = in.readInt() & (int) Stripe.EPOCH_MASK;
            s.taken = Math.floorMod(in.readInt(), s.perEpoch);
            s.sweep = Math.floorMod(in.readInt(), s.buckets);
        }
        return r;
    }

    /** How many changes the window has had (ids taken or forgotten): equal counts, equal windows. */
    public long changes() {
        long n = 0;
        for (Stripe s : stripes) {
            synchronized (s) {
                n += s.changes;
            }
        }
        return n;
    }

    /** Keeps the JIT from dropping {@link #addAll}'s early reads as unused. */
    @SuppressWarnings("unused")
    private long sink;

    /**
     * Forgets a hash added by a batch that was not scored after all, so that its sender's retry is
     * scored.
     */
    public void forget(long hash) {
        Stripe s = stripes[stripeOf(hash)];
        synchronized (s) {
            s.remove(hash);
        }
    }

    /** From the bits the fingerprint does not keep. */
    private int stripeOf(long hash) {
        return (int) ((hash & 0xFFFF) % stripes.length);
    }

    /**
     * FNV-style over the characters, four at a time, rotating after each product (a difference in the
     * top bit of a block would otherwise stay in the top bit, and two such would cancel); the caller
     * mixes in the length, and the final {@link #mix} spreads every bit.
     */
    private static long chars(long h, String s) {
        int n = s.length();
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            long block = s.charAt(i) | (long) s.charAt(i + 1) << 16 | (long) s.charAt(i + 2) << 32
                    | (long) s.charAt(i + 3) << 48;
            h = Long.rotateLeft((h ^ block) * FNV_PRIME, 31);
        }
        for (; i < n; i++) {
            h = (h ^ s.charAt(i)) * FNV_PRIME;
        }
        return h;
    }

    /** MurmurHash3's finaliser: every input bit reaches every output bit (FNV alone mixes the low bits poorly). */
    static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /**
     * One table; guarded by its own monitor. Bucket {@code b} is {@code slots[16b .. 16b+15]}: slot 0
     * is its spill marker ({@code SPILLED | epoch} of the last id that went on to the next bucket
     * because this one was full, 0 for none), slots 1 to 15 hold entries ({@code fingerprint | epoch},
     * 0 when empty). A look-up goes on to the next bucket only while the spill marker is younger than
     * the window, so it finds every entry that is.
     */
    static final class Stripe {
        static final int WIDTH = 16;
        static final long EPOCH_MASK = 0xFFFF;
        private static final long SPILLED = 1L << 16;
        /** Epochs in which every bucket is swept once: well before the 16-bit epoch comes round. */
        private static final int SWEEP_EPOCHS = 1 << 15;
        final long[] slots;
        final int buckets;
        final int perEpoch;
        /** Buckets swept clean of expired entries at each new epoch, round-robin from {@link #sweep}. */
        private final int sweepPerEpoch;
        int sweep;
        int epoch;
        int taken;
        /** Ids taken or forgotten so far. */
        long changes;

        Stripe(int capacity) {
            perEpoch = Math.max(1, (capacity + EPOCHS - 1) / EPOCHS);
            long live = (long) (EPOCHS + 1) * perEpoch;
            buckets = (int) Math.max(2, (3 * live + WIDTH - 2) / (WIDTH - 1));
            slots = new long[buckets * WIDTH];
            sweepPerEpoch = (buckets + SWEEP_EPOCHS - 1) / SWEEP_EPOCHS;
        }

        boolean add(long h) {
            return add(h, home(h));
        }

        /** {@link #add(long)} with {@code h}'s home bucket known. */
        boolean add(long h, int home) {
            long fp = fingerprint(h);
            int b = home;
            int free = -1;
            for (int hop = 0; hop < buckets; hop++) {
                int base = b * WIDTH;
                for (int j = base + 1; j < base + WIDTH; j++) {
                    long v = slots[j];
                    if (v != 0 && !live(v)) {
                        // cleared as soon as seen, so that no expired entry waits for the 16-bit epoch
                        // to come round and look young again
                        slots[j] = 0;
                        v = 0;
                    }
                    if (v == 0) {
                        if (free < 0) {
                            free = j;
                        }
                    } else if ((v & ~EPOCH_MASK) == fp) {
                        return false;
                    }
                }
                if (!live(slots[base])) {
                    slots[base] = 0;
                    break; // nothing spilled past this bucket within the window
                }
                b = next(b);
            }
            if (free < 0) {
                free = firstFree(home);
            }
            // every bucket passed was full: its marker must outlive this id, so that look-ups go on
            for (int p = home; p != free / WIDTH; p = next(p)) {
                slots[p * WIDTH] = SPILLED | epoch;
            }
            slots[free] = fp | epoch;
            changes++;
            if (++taken == perEpoch) {
                taken = 0;
                epoch = (int) ((epoch + 1) & EPOCH_MASK);
                // a bucket no look-up visits keeps its expired entries: clear a few each epoch, so that none
                // is still there when the epoch counter comes round and would make it look young again
                for (int k = 0; k < sweepPerEpoch; k++) {
                    int base = sweep * WIDTH;
                    for (int j = base; j < base + WIDTH; j++) {
                        if (!live(slots[j])) {
                            slots[j] = 0;
                        }
                    }
                    sweep = next(sweep);
                }
            }
            return true;
        }

        /** The first free slot from bucket {@code b} on. */
        private int firstFree(int b) {
            for (int hop = 0; hop < buckets; hop++) {
                int base = b * WIDTH;
                for (int j = base + 1; j < base + WIDTH; j++) {
                    if (!live(slots[j])) {
                        return j;
                    }
                }
                b = next(b);
            }
            throw new IllegalStateException("de-duplication table full"); // cannot happen: a third full at most
        }

        void remove(long h) {
            long fp = fingerprint(h);
            int b = home(h);
            for (int hop = 0; hop < buckets; hop++) {
                int base = b * WIDTH;
                for (int j = base + 1; j < base + WIDTH; j++) {
                    long v = slots[j];
                    if (live(v) && (v & ~EPOCH_MASK) == fp) {
                        slots[j] = 0;
                        changes++;
                        if ((v & EPOCH_MASK) == epoch && taken > 0) {
                            taken--; // taken in this epoch: it no longer counts towards the window
                        }
                        return;
                    }
                }
                if (!live(slots[base])) {
                    return;
                }
                b = next(b);
            }
        }

        /** An entry or spill marker (not 0) from the last {@link #EPOCHS} full epochs or the current one. */
        private boolean live(long v) {
            return v != 0 && ((epoch - v) & EPOCH_MASK) <= EPOCHS;
        }

        private int next(int b) {
            return b + 1 == buckets ? 0 : b + 1;
        }

        /** The bucket, from all 64 bits mixed again (Lemire's multiply-shift range reduction). */
        int home(long h) {
            return (int) (((mix(h ^ 0x9e3779b97f4a7c15L) >>> 32) * buckets) >>> 32);
        }

        /** The hash's upper 48 bits, never 0. */
        static long fingerprint(long h) {
            long fp = h & ~EPOCH_MASK;
            return fp == 0 ? 1L << 16 : fp;
        }
    }
}
