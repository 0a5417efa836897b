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
 * they are: {@code Acme} is not {@code acme}.
 */
public final class TenantCoverage {
    private static final Logger LOG = LoggerFactory.getLogger(TenantCoverage.class);

    /** The tenants of one snapshot, and those already warned about under it. */
    private record Known(BaselineSnapshot snapshot, Set<String> tenants, Set<String> warned) {
    }

    private volatile Known known = new Known(null, Set.of(), Set.of());

    /** Events of tenants without baselines, and those tenants in the order first seen. */
    public record Gaps(int events, List<String> tenants) {
        public static final Gaps NONE = new Gaps(0, List.of());

        /** One sentence per tenant, for the answer (it names no other tenant). */
        public List<String> warnings() {
            List<String> out = new ArrayList<>(tenants.size());
            for (String t : tenants) {
                out.add(unjudged(t));
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
        for (String t : missing) {
            if (k.warned().add(t)) {
                LOG.warn("{} (baselines v{} cover {} tenant(s){})", unjudged(t), snapshot.version(),
                        k.tenants().size(), similar(t, k.tenants()));
            }
        }
        return new Gaps(n, List.copyOf(missing));
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
