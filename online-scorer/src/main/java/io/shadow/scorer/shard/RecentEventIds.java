package io.shadow.scorer.shard;

import java.security.SecureRandom;

/**
 * The last {@code capacity} distinct event ids the scorer took, for de-duplication: an agent that
 * re-sends a batch whose answer was lost, or one event repeated in a batch, must not count twice
 * in an entity's rates. Ids are kept as 64-bit hashes of tenant and id (with a million remembered, a
 * new id is taken for one of them with odds of about 1 in 10^13; with 32 bits, as
 * {@code String.hashCode}, about 1 in 4,000, and hundreds of ids in a million would share one), salted
 * per process so that no sender can choose ids that pile up on one slot. Each stripe is an
 * open-addressing table (linear probing, at most half full) beside a ring of its hashes in arrival
 * order: when full, the oldest is forgotten. A check is O(1) and allocates nothing; memory is 24 to
 * 40 bytes per id (the ring's 8, the table's 16 to 32 as it is rounded to a power of two per stripe).
 * Not checkpointed: a restarted scorer starts with an empty window.
 */
public final class RecentEventIds {
    private static final long FNV_PRIME = 0x100000001b3L;
    private final Stripe[] stripes;
    private final long seed;

    /**
     * @param capacity distinct ids remembered in all (0: none, no de-duplication)
     * @param stripes independent tables, each with its own lock (one per shard)
     */
    public RecentEventIds(int capacity, int stripes) {
        if (capacity < 0 || stripes < 1) {
            throw new IllegalArgumentException("invalid de-duplication window " + capacity + " over " + stripes
                    + " stripes; expected 0 or more ids over at least 1 stripe");
        }
        this.seed = new SecureRandom().nextLong();
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

    /** A 64-bit hash of tenant and event id, never 0 (0 marks an empty slot). */
    public long hash(String tenant, String eventId) {
        return hash(tenant, null, eventId);
    }

    /**
     * A 64-bit hash of tenant, host and event id, never 0: with the host in it, a sender that may only
     * report its own host (a bound agent token) cannot pre-empt another host's events by their ids.
     */
    public long hash(String tenant, String host, String eventId) {
        long h = seed;
        h = chars(h, tenant == null ? "" : tenant);
        h = (h ^ (tenant == null ? -1 : tenant.length())) * FNV_PRIME; // "ab"+"c" is not "a"+"bc"
        h = chars(h, host == null ? "" : host);
        h = (h ^ (host == null ? -1 : host.length())) * FNV_PRIME;
        h = chars(h, eventId);
        h = mix(h);
        return h == 0 ? 1 : h;
    }

    /** Remembers {@code hash}; false when it was remembered already (a duplicate). */
    public boolean add(long hash) {
        Stripe s = stripes[stripeOf(hash)];
        synchronized (s) {
            return s.add(hash);
        }
    }

    /**
     * Forgets a hash added by a batch that was not scored after all, so that its sender's retry is
     * scored. Its place in the ring stays taken until it comes round, and should the id be added again,
     * that old place forgets it early: the window is that much shorter for it.
     */
    public void forget(long hash) {
        Stripe s = stripes[stripeOf(hash)];
        synchronized (s) {
            s.remove(hash);
        }
    }

    private int stripeOf(long hash) {
        return (int) Long.remainderUnsigned(hash >>> 40, stripes.length);
    }

    private static long chars(long h, String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            h = (h ^ s.charAt(i)) * FNV_PRIME;
        }
        return h;
    }

    /** MurmurHash3's finaliser: every input bit reaches every output bit (FNV alone mixes the low bits poorly). */
    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /** One table with its ring of hashes in arrival order; guarded by its own monitor. */
    private static final class Stripe {
        final long[] slots;
        final long[] ring;
        final int mask;
        int oldest;
        int size;

        Stripe(int capacity) {
            ring = new long[Math.max(1, capacity)];
            slots = new long[Integer.highestOneBit(Math.max(2, ring.length * 2 - 1)) << 1];
            mask = slots.length - 1;
        }

        boolean add(long h) {
            if (find(h) >= 0) {
                return false;
            }
            if (size == ring.length) {
                remove(ring[oldest]); // may be gone already (forgotten): then nothing to do
                oldest = (oldest + 1) % ring.length;
                size--;
            }
            int i = home(h);
            while (slots[i] != 0) {
                i = (i + 1) & mask;
            }
            slots[i] = h;
            ring[(oldest + size) % ring.length] = h;
            size++;
            return true;
        }

        int find(long h) {
            for (int i = home(h); slots[i] != 0; i = (i + 1) & mask) {
                if (slots[i] == h) {
                    return i;
                }
            }
            return -1;
        }

        /** Deletes with backward shift, so that probing never needs tombstones. */
        void remove(long h) {
            int hole = find(h);
            if (hole < 0) {
                return;
            }
            slots[hole] = 0;
            for (int j = (hole + 1) & mask; slots[j] != 0; j = (j + 1) & mask) {
                // the entry at j may fill the hole when the hole lies between its home and j
                if (((j - home(slots[j])) & mask) >= ((j - hole) & mask)) {
                    slots[hole] = slots[j];
                    slots[j] = 0;
                    hole = j;
                }
            }
        }

        int home(long h) {
            return (int) h & mask;
        }
    }
}
