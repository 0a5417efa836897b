package io.shadow.model.intel.index;

import io.shadow.model.intel.Indicator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Indicators matched by exact (normalised) value: domains, URLs, hashes, user agents. Domains also
 * match their subdomains: a look-up of {@code a.evil.example} tries {@code a.evil.example},
 * {@code evil.example}, then {@code example} — one hash look-up per label, no scan.
 */
public final class ValueIndex {
    private final Map<String, Indicator[]> byValue;

    private ValueIndex(Map<String, Indicator[]> byValue) {
        this.byValue = byValue;
    }

    public static ValueIndex of(List<Indicator> indicators) {
        Map<String, List<Indicator>> m = new HashMap<>();
        for (Indicator i : indicators) {
            m.computeIfAbsent(i.value(), k -> new ArrayList<>(1)).add(i);
        }
        Map<String, Indicator[]> frozen = new HashMap<>(m.size() * 2);
        m.forEach((k, v) -> frozen.put(k, v.toArray(Indicator[]::new)));
        return new ValueIndex(frozen);
    }

    /** The active indicator with the highest confidence for exactly {@code value}, or null. */
    public Indicator exact(String value, Instant at) {
        Indicator[] found = byValue.get(value);
        Indicator best = null;
        if (found != null) {
            for (Indicator i : found) {
                if (i.activeAt(at) && (best == null || i.confidence() > best.confidence())) {
                    best = i;
                }
            }
        }
        return best;
    }

    /** Like {@link #exact} for the domain and each parent domain; the most specific match wins ties. */
    public Indicator domainOrParent(String domain, Instant at) {
        Indicator best = null;
        String d = domain;
        while (d != null && !d.isEmpty()) {
            Indicator i = exact(d, at);
            if (i != null && (best == null || i.confidence() > best.confidence())) {
                best = i;
            }
            int dot = d.indexOf('.');
            d = dot < 0 ? null : d.substring(dot + 1);
        }
        return best;
    }

    public int size() {
        return byValue.size();
    }
}
