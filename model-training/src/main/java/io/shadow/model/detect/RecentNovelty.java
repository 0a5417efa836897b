package io.shadow.model.detect;

import io.shadow.features.Buckets;
import io.shadow.features.NoveltyAttribute;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * An entity's recently first-seen values, each with the evidence it carried when new, so that the
 * evidence is not spent on the one event that showed the value: a stolen credential's later calls from
 * the attacker's network still carry that network's novelty, and every anomaly of the entity can name
 * what is new. At most {@link #MAX} values (the weakest goes first), forgotten once their evidence has
 * fallen below {@link #FORGET_BELOW} of what it was.
 *
 * <p>A value's evidence at a later event is a tail that stays calibrated although the same value is
 * judged again bucket after bucket, with a fresh numeric deviation each time ({@link Value#lnTailAt}):
 * its chance of a new value {@code p}, halved in log every {@code halfLife} seconds ({@code p^w},
 * w = 0.5^(age / halfLife)), times the number {@code j} of five-minute buckets it has been judged in
 * (a union bound: the j-th test charges the value for all j it took part in). On normal activity the
 * combined test with a tail q alerts with a chance about c/q (c set by the threshold), so the value's first
 * j tests together alert at most (c/p)(1 + 1/2 + ... + 1/j): the harmonic number (4.5 for the 48 buckets
 * of four half-lives) times what one test with its undivided evidence would, where the evidence used
 * whole in every test gave j times; and as a value that rare turns up only with chance {@code p}, the
 * false alarms it brings stay within that small factor of the threshold's rate. The decay stays beside the
 * bound: {@code p^w >= p} keeps the tail valid, and it makes the later tests weigh less again, so a rare
 * value (p = 1e-4, j p still 0.005 after four hours) is spent within hours, while a stolen session, used
 * in its first hour, loses little to it.
 *
 * <p>The values first seen in one event are one piece of evidence (their chances multiplied, as that
 * event's first-sight score has them); values first seen by different events are separate pieces, each
 * its own term in Fisher's method ({@link #pieces}), so several that came one by one (a developer's new
 * tools in an hour) are charged for being several rather than multiplied into one rare event.
 * Not thread-safe; its {@link EntityState} is locked.
 */
final class RecentNovelty {
    static final int MAX = 8;
    /** Share of a value's first evidence below which it is no longer recent (four half-lives). */
    static final double FORGET_BELOW = 1.0 / 16;
    private static final NoveltyAttribute[] ATTRIBUTES = NoveltyAttribute.values();

    /** One recently first-seen value. */
    record Value(NoveltyAttribute attribute, String value, long firstSeen, double lnFirst) {
        /** ln of its evidence at {@code t}: the first evidence, halved every {@code halfLife} seconds. */
        double lnAt(long t, long halfLife) {
            return lnFirst * weightAt(t, halfLife);
        }

        /**
         * ln of its tail for a judgement at {@code t}: the decayed evidence times the buckets it has been judged
         * in (its first's to {@code t}'s, at least 1), at most 0 (no evidence once that product reaches 1).
         */
        double lnTailAt(long t, long halfLife) {
            return Math.min(0, lnAt(t, halfLife) + Math.log(bucketsJudged(t)));
        }

        /** The five-minute buckets from the first sight's to {@code t}'s, both included: the tests it took part in. */
        long bucketsJudged(long t) {
            return Math.max(1, (Buckets.start(t) - Buckets.start(firstSeen)) / Buckets.SECONDS + 1);
        }

        double weightAt(long t, long halfLife) {
            return halfLife <= 0 ? (t == firstSeen ? 1 : 0) : Math.pow(0.5, Math.max(0, t - firstSeen) / (double) halfLife);
        }
    }

    private Value[] values;
    private int size;

    /** Notes a value first seen at {@code t} with evidence {@code lnP} (below 0). */
    void firstSeen(NoveltyAttribute attribute, String value, double lnP, long t, long halfLife) {
        if (!(lnP < 0)) {
            return;
        }
        forget(t, halfLife);
        int at = indexOf(attribute, value);
        if (at < 0) {
            if (values == null) {
                values = new Value[2];
            }
            if (size == values.length && size < MAX) {
                values = java.util.Arrays.copyOf(values, Math.min(MAX, size * 2));
            }
            at = size < MAX ? size++ : weakest(t, halfLife);
            if (at < 0 || (size == MAX && values[at] != null && values[at].lnAt(t, halfLife) < lnP)) {
                return; // every value held is stronger evidence than this one
            }
        }
        values[at] = new Value(attribute, value, t, lnP);
    }

    /** Hands each recent value to {@code sink}, oldest first. */
    void forEach(long t, long halfLife, Consumer<Value> sink) {
        forget(t, halfLife);
        for (int k = 0; k < size; k++) {
            sink.accept(values[k]);
        }
    }

    /** How many values are recent at {@code t} (forgetting those that are no longer). */
    int count(long t, long halfLife) {
        if (size > 0) {
            forget(t, halfLife);
        }
        return size;
    }

    /**
     * How many independent pieces of evidence the recent values are: one per event that showed any of them
     * first (values first seen in the same second count as one event's). Call after {@link #count}.
     */
    int pieces() {
        int n = 0;
        for (int k = 0; k < size; k++) {
            n += firstOfItsEvent(k) ? 1 : 0;
        }
        return n;
    }

    /**
     * The sum of the {@link #pieces}' ln tails at {@code t}, for Fisher's method with one term each. An
     * event's first-seen values weigh jointly (their chances multiplied: the chance of that event, as its own
     * first-sight score has it), charged once for the buckets the piece has been judged in, as
     * {@link Value#lnTailAt} charges one value.
     */
    double lnTailsAt(long t, long halfLife) {
        double ln = 0;
        for (int k = 0; k < size; k++) {
            if (!firstOfItsEvent(k)) {
                continue;
            }
            double piece = 0;
            for (int m = k; m < size; m++) {
                if (values[m].firstSeen() == values[k].firstSeen()) {
                    piece += values[m].lnAt(t, halfLife);
                }
            }
            ln += Math.min(0, piece + Math.log(values[k].bucketsJudged(t)));
        }
        return ln;
    }

    /** Whether no value before {@code k} was first seen with it (the replaced weakest may sit anywhere). */
    private boolean firstOfItsEvent(int k) {
        for (int m = 0; m < k; m++) {
            if (values[m].firstSeen() == values[k].firstSeen()) {
                return false;
            }
        }
        return true;
    }

    /** The attributes of the recent values, in attribute order, joined by '+'. */
    String attributes() {
        StringBuilder b = new StringBuilder();
        for (NoveltyAttribute a : ATTRIBUTES) {
            for (int k = 0; k < size; k++) {
                if (values[k].attribute() == a) {
                    b.append(b.length() == 0 ? "" : "+").append(a.wireName());
                    break;
                }
            }
        }
        return b.toString();
    }

    int size() {
        return size;
    }

    private void forget(long t, long halfLife) {
        int kept = 0;
        for (int k = 0; k < size; k++) {
            Value v = values[k];
            if (v.weightAt(t, halfLife) >= FORGET_BELOW) {
                values[kept++] = v;
            }
        }
        for (int k = kept; k < size; k++) {
            values[k] = null;
        }
        size = kept;
        if (size == 0) {
            values = null;
        }
    }

    private int weakest(long t, long halfLife) {
        int w = -1;
        double weakest = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < size; k++) {
            double ln = values[k].lnAt(t, halfLife);
            if (ln > weakest) {
                weakest = ln;
                w = k;
            }
        }
        return w;
    }

    private int indexOf(NoveltyAttribute attribute, String value) {
        for (int k = 0; k < size; k++) {
            if (values[k].attribute() == attribute && values[k].value().equals(value)) {
                return k;
            }
        }
        return -1;
    }

    /** Count, then per value: attribute ordinal (the header's order), value, first seen, first evidence. */
    void write(DataOutput out) throws IOException {
        out.writeInt(size);
        for (int k = 0; k < size; k++) {
            Value v = values[k];
            out.writeInt(v.attribute().ordinal());
            StateFormat.writeString(out, v.value());
            out.writeLong(v.firstSeen());
            out.writeDouble(v.lnFirst());
        }
    }

    /** Reads what {@link #write} wrote; {@code attributes} maps the file's ordinals to this build's (-1: gone). */
    void read(DataInput in, int[] attributes) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 1024) {
            throw new IOException("corrupt detector state: " + n + " recent first-seen values");
        }
        for (int k = 0; k < n; k++) {
            int fileOrdinal = in.readInt();
            String value = StateFormat.readString(in);
            long firstSeen = in.readLong();
            double lnFirst = in.readDouble();
            int a = fileOrdinal >= 0 && fileOrdinal < attributes.length ? attributes[fileOrdinal] : -1;
            if (a >= 0 && size < MAX && lnFirst < 0) {
                if (values == null) {
                    values = new Value[MAX];
                }
                values[size++] = new Value(ATTRIBUTES[a], value, firstSeen, lnFirst);
            }
        }
    }
}
