package io.shadow.model.detect;

import io.shadow.features.EntityKey;
import io.shadow.features.baseline.BaselineSnapshot;
import java.util.Arrays;
import java.util.Locale;

/**
 * Whether a baseline snapshot holds an entity named as another one with the case aside: {@code ALICE} when only
 * {@code alice} has a baseline. Such an entity is no newcomer (a gateway that ignores case takes them for one
 * principal, and an attacker with alice's credentials may sign in as {@code ALICE}), so its anomalies carry no
 * cold-start evidence and keep the emergency path. Built at the first question for a snapshot: a sorted array of
 * 64-bit hashes of the folded names, 8 bytes an entity; a hash collision only means an entity is not called new.
 */
final class Spellings {
    private final BaselineSnapshot snapshot;
    private volatile long[] folded;

    Spellings(BaselineSnapshot snapshot) {
        this.snapshot = snapshot;
    }

    /** Whether an entity of {@code key}'s tenant and kind spelt as {@code key}'s id, the case aside, has a baseline. */
    boolean known(EntityKey key) {
        long[] f = folded;
        if (f == null) {
            synchronized (this) {
                if (folded == null) {
                    folded = build(snapshot);
                }
                f = folded;
            }
        }
        return Arrays.binarySearch(f, hash(key)) >= 0;
    }

    private static long[] build(BaselineSnapshot snapshot) {
        long[] out = snapshot.entities().keySet().stream().filter(k -> !EntityKey.POPULATION.equals(k.id()))
                .mapToLong(Spellings::hash).toArray();
        Arrays.sort(out);
        return out;
    }

    /** FNV-1a over tenant, kind and the id in lower case (as the gateway folds it), separated by NULs. */
    private static long hash(EntityKey k) {
        long h = 0xcbf29ce484222325L;
        for (String part : new String[] {k.tenant(), k.kind().wireName(), k.id().toLowerCase(Locale.ROOT)}) {
            for (int i = 0; i < part.length(); i++) {
                h = (h ^ part.charAt(i)) * 0x100000001b3L;
            }
            h = (h ^ 0) * 0x100000001b3L;
        }
        return h;
    }
}
