package io.shadow.scorer.intake;

import io.shadow.features.ActivityEvent;
import io.shadow.features.EntityKey;
import io.shadow.features.baseline.BaselineSnapshot;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which tenants the baselines served cover. An event of another tenant is accepted but cannot be
 * judged (there is nothing to compare it with): such events are counted in the answer and a warning
 * naming the tenant is logged once per tenant and baselines version. Tenant ids are compared as
 * they are: {@code Acme} is not {@code acme}. Bounded against a sender making up tenants: at most
 * {@link #MAX_WARNED} tenants are remembered as warned about (as the gateway's decisions do), a request
 * logs at most {@link #MAX_LOGGED_PER_REQUEST} tenants by name and one line for the rest (once a minute
 * once the memory is full), and an answer names at most {@link #MAX_NAMED} tenants and counts the others.
 */
public final class TenantCoverage {
    private static final Logger LOG = LoggerFactory.getLogger(TenantCoverage.class);
    /** Tenants remembered as warned about per baselines version (the gateway's decisions keep as many). */
    public static final int MAX_WARNED = 1024;
    /** Tenants one request logs a line for; the rest of its new ones share one line. */
    static final int MAX_LOGGED_PER_REQUEST = 5;
    /** Tenants an answer names in {@code warnings}; the rest are counted in one more warning. */
    public static final int MAX_NAMED = 20;
    private static final long SUMMARY_EVERY_NANOS = 60_000_000_000L;

    /** The tenants of one snapshot, and those already warned about under it. */
    private record Known(BaselineSnapshot snapshot, Set<String> tenants, Set<String> warned) {
    }

    private volatile Known known = new Known(null, Set.of(), Set.of());
    private final java.util.concurrent.atomic.AtomicLong lastSummary = new java.util.concurrent.atomic.AtomicLong(
            System.nanoTime() - SUMMARY_EVERY_NANOS);

    /**
     * Events of tenants without baselines; the first {@link #MAX_NAMED} of those tenants in the order
     * first seen, and how many more there were.
     */
    public record Gaps(int events, List<String> tenants, int moreTenants) {
        public static final Gaps NONE = new Gaps(0, List.of(), 0);

        public Gaps(int events, List<String> tenants) {
            this(events, tenants, 0);
        }

        /** One sentence per named tenant, and one for the others, for the answer (it names no other tenant). */
        public List<String> warnings() {
            List<String> out = new ArrayList<>(tenants.size() + 1);
            for (String t : tenants) {
                out.add(unjudged(t));
            }
            if (moreTenants > 0) {
                out.add("and " + moreTenants + " more tenant(s) without baselines in this request (" + events
                        + " unjudged event(s) in all; only the first " + tenants.size() + " are named): their events "
                        + "are accepted but not judged");
            }
            return out;
        }
    }

    /** The events of {@code events} whose tenant {@code snapshot} has no baselines for. */
    public Gaps check(List<ActivityEvent> events, BaselineSnapshot snapshot) {
        Known k = known(snapshot);
        int n = 0;
        Set<String> missing = null;
        String last = null;
        boolean lastCovered = true;
        for (ActivityEvent e : events) {
            if (!e.tenant().equals(last)) {
                last = e.tenant();
                lastCovered = k.tenants().contains(last);
            }
            if (!lastCovered) {
                n++;
                if (missing == null) {
                    missing = new LinkedHashSet<>();
                }
                missing.add(last);
            }
        }
        if (missing == null) {
            return Gaps.NONE;
        }
        int logged = 0;
        int unlogged = 0;
        String firstUnlogged = null;
        for (String t : missing) {
            if (k.warned().contains(t)) {
                continue;
            }
            boolean remembered = k.warned().size() < MAX_WARNED && k.warned().add(t);
            if (remembered && logged < MAX_LOGGED_PER_REQUEST) {
                logged++;
                LOG.warn("{} (baselines v{} cover {} tenant(s){})", unjudged(t), snapshot.version(),
                        k.tenants().size(), similar(t, k.tenants()));
            } else {
                unlogged++;
                firstUnlogged = firstUnlogged == null ? t : firstUnlogged;
            }
        }
        if (unlogged > 0) {
            long now = System.nanoTime();
            long prev = lastSummary.get();
            // while tenants are still being remembered each is summarised once; beyond that, once a minute
            if (k.warned().size() < MAX_WARNED || now - prev >= SUMMARY_EVERY_NANOS && lastSummary.compareAndSet(prev,
                    now)) {
                LOG.warn("{} more tenant(s) without baselines in one request, not named one by one (the first: '{}'); "
                        + "their events are accepted but not judged (baselines v{} cover {} tenant(s); at most {} "
                        + "tenants are remembered as warned about per baselines version)", unlogged, firstUnlogged,
                        snapshot.version(), k.tenants().size(), MAX_WARNED);
            }
        }
        List<String> named = new ArrayList<>(Math.min(missing.size(), MAX_NAMED));
        for (String t : missing) {
            if (named.size() == MAX_NAMED) {
                break;
            }
            named.add(t);
        }
        return new Gaps(n, List.copyOf(named), missing.size() - named.size());
    }

    /** How many tenants are remembered as warned about under the current baselines (at most {@link #MAX_WARNED}). */
    public int remembered() {
        return known.warned().size();
    }

    private static String unjudged(String tenant) {
        return "no baselines exist for tenant '" + tenant + "': its events are accepted but not judged until the "
                + "nightly run has built baselines from its history (tenant ids are case-sensitive)";
    }

    /** Operators' hint for a mistyped id: the covered tenants that differ only in case. */
    private static String similar(String tenant, Set<String> covered) {
        Set<String> like = new TreeSet<>();
        for (String c : covered) {
            if (c.equalsIgnoreCase(tenant)) {
                like.add(c);
            }
        }
        return like.isEmpty() ? "" : "; did the sender mean " + String.join(" or ", like) + "?";
    }

    private Known known(BaselineSnapshot snapshot) {
        Known k = known;
        if (k.snapshot() != snapshot) {
            Set<String> tenants = new HashSet<>();
            for (EntityKey key : snapshot.entities().keySet()) {
                tenants.add(key.tenant());
            }
            k = new Known(snapshot, Set.copyOf(tenants), ConcurrentHashMap.newKeySet());
            known = k;
        }
        return k;
    }
}
