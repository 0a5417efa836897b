package io.shadow.model.risk;

import io.shadow.features.table.KernelTableReader;
import io.shadow.features.table.ShadowTable;
import io.shadow.features.table.TableCatalog;
import java.util.HashMap;
import java.util.Map;

/**
 * How anomalies of each pattern turned out before, per tenant: confirmed incidents and rejected
 * mitigations. The prior-incident factor is {@code confirmed / (confirmed + rejected + 1)}, so a
 * pattern users keep rejecting loses weight and one they confirm gains it.
 */
public final class PatternHistory {
    /** Outcomes of one pattern. */
    public record Outcomes(long confirmed, long rejected) {
    }

    public static final PatternHistory EMPTY = new PatternHistory(Map.of());

    private final Map<String, Outcomes> byKey;

    public PatternHistory(Map<String, Outcomes> byTenantAndPattern) {
        this.byKey = Map.copyOf(byTenantAndPattern);
    }

    public static String key(String tenant, String pattern) {
        return tenant + "\u0000" + pattern;
    }

    public Outcomes outcomes(String tenant, String pattern) {
        return byKey.getOrDefault(key(tenant, pattern), new Outcomes(0, 0));
    }

    public double priorFactor(String tenant, String pattern) {
        Outcomes o = outcomes(tenant, pattern);
        return o.confirmed() / (o.confirmed() + o.rejected() + 1.0);
    }

    public int size() {
        return byKey.size();
    }

    /** Reads the gold pattern_stats table with Delta Kernel; empty when no nightly run wrote it yet. */
    public static PatternHistory read(KernelTableReader reader, TableCatalog catalog) {
        Map<String, Outcomes> m = new HashMap<>();
        reader.scan(catalog.path(ShadowTable.PATTERN_STATS), r -> m.put(key(r.string("tenant"), r.string("pattern")),
                new Outcomes(r.longValue("confirmed"), r.longValue("rejected"))));
        return new PatternHistory(m);
    }
}
