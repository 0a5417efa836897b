package io.shadow.model.detect;

import io.shadow.features.NoveltyAttribute;
import io.shadow.features.baseline.EntityBaseline;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One entity's first-seen values since the baseline snapshot: which values of each attribute it
 * showed online and how often it observed one, so a value is new only once and the chance of a new
 * value counts what the entity did since the snapshot as well as before it. Forgotten when a newer
 * snapshot (which holds them) arrives. At most {@link #MAX_REMEMBERED} values are remembered per
 * attribute, so an entity that sprays new values (a scanner, a forged stream) cannot grow the scorer's
 * memory without bound: once an attribute holds that many, a value it does not hold carries no
 * evidence until the next snapshot. By then the entity's own history says new values are its habit
 * (the chance of a new value, distinct over observed, is near 1), so they would weigh little anyway,
 * and a value is never judged new twice. Not thread-safe; its {@link EntityState} is locked.
 */
final class OnlineNovelty {
    private static final NoveltyAttribute[] ATTRIBUTES = NoveltyAttribute.values();
    private static final int A = ATTRIBUTES.length;
    /** Values first seen online remembered per attribute until the next snapshot. */
    static final int MAX_REMEMBERED = 1024;

    /** Values first seen online, per attribute; null until the first one. */
    private Map<NoveltyAttribute, Set<String>> seen;
    private final long[] observations = new long[A];
    private final long[] distinct = new long[A];
    /** {@link #usualTotals} are those of this baseline (derived, not part of the state written out). */
    private EntityBaseline usualTotalsOf;
    private final long[] usualTotals = new long[A];

    /**
     * ln of the evidence the value carries: 0 when the entity's baseline or its online history
     * knows it, negative when it is new (the value is then remembered).
     */
    double lnEvidence(NoveltyAttribute attribute, String value, EntityBaseline own, EntityBaseline population) {
        int a = attribute.ordinal();
        Map<String, Long> usual = own == null ? Map.of() : own.usual(attribute);
        Set<String> online = seen == null ? Set.of() : seen.getOrDefault(attribute, Set.of());
        long n = observations[a] + usualObservations(own, a);
        long d = distinct[a] + usual.size();
        observations[a]++;
        if (usual.containsKey(value) || online.contains(value)) {
            return 0;
        }
        if (online.size() >= MAX_REMEMBERED) {
            return 0;
        }
        if (seen == null) {
            seen = new HashMap<>();
        }
        seen.computeIfAbsent(attribute, x -> new HashSet<>()).add(value);
        distinct[a]++;
        if (notCounted(attribute, population)) {
            return 0;
        }
        double p = NoveltyScoring.newValueProbability(n, d);
        if (population != null) {
            Map<String, Long> pop = population.usual(attribute);
            long total = 0;
            for (long c : pop.values()) {
                total += c;
            }
            p = Math.max(p, NoveltyScoring.populationShare(pop.getOrDefault(value, 0L), total));
        }
        return Math.log(Math.min(1, p));
    }

    /**
     * Whether the snapshot did not count {@code attribute} at all: the tenant's population shows none of its
     * values while it shows values of another attribute of the same entity kind. That is a snapshot built
     * before the attribute was counted (an upgrade, until the next nightly run counts every date again), in
     * which every value would look new; its first sightings are remembered but carry no evidence.
     */
    private static boolean notCounted(NoveltyAttribute attribute, EntityBaseline population) {
        if (population == null || !population.usual(attribute).isEmpty()) {
            return false;
        }
        for (NoveltyAttribute other : ATTRIBUTES) {
            if (other != attribute && other.entityKind() == attribute.entityKind()
                    && !population.usual(other).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** The observations behind the baseline's usual values of attribute {@code a}, summed once per baseline. */
    private long usualObservations(EntityBaseline own, int a) {
        if (own == null) {
            return 0;
        }
        if (own != usualTotalsOf) {
            for (NoveltyAttribute attribute : ATTRIBUTES) {
                long total = 0;
                for (long c : own.usual(attribute).values()) {
                    total += c;
                }
                usualTotals[attribute.ordinal()] = total;
            }
            usualTotalsOf = own;
        }
        return usualTotals[a];
    }

    /** Forgets what was learned online, once a newer snapshot holds it. */
    void reset() {
        seen = null;
        Arrays.fill(observations, 0);
        Arrays.fill(distinct, 0);
    }

    /** Per attribute by ordinal: observations, distinct new values, then the values themselves. */
    void write(DataOutput out) throws IOException {
        for (NoveltyAttribute a : ATTRIBUTES) {
            out.writeLong(observations[a.ordinal()]);
            out.writeLong(distinct[a.ordinal()]);
            Set<String> values = seen == null ? Set.of() : seen.getOrDefault(a, Set.of());
            out.writeInt(values.size());
            for (String v : values) {
                StateFormat.writeString(out, v);
            }
        }
    }

    /**
     * Reads what {@link #write} wrote: {@code attributes[i]} is the current ordinal of the file's
     * i-th attribute, or -1 when it no longer exists (its values are skipped).
     */
    void read(DataInput in, int[] attributes) throws IOException {
        for (int a : attributes) {
            long n = in.readLong();
            long d = in.readLong();
            int count = in.readInt();
            Set<String> values = new HashSet<>(Math.max(4, Math.min(count, MAX_REMEMBERED) * 2));
            for (int k = 0; k < count; k++) {
                String v = StateFormat.readString(in);
                if (values.size() < MAX_REMEMBERED) {
                    values.add(v);
                }
            }
            if (a >= 0) {
                observations[a] = n;
                distinct[a] = d;
                if (!values.isEmpty()) {
                    if (seen == null) {
                        seen = new HashMap<>();
                    }
                    seen.put(ATTRIBUTES[a], values);
                }
            }
        }
    }
}
