package io.shadow.model.risk;

import io.shadow.features.EntityKey;
import io.shadow.features.signal.FactorContribution;
import io.shadow.features.signal.RiskScore;
import io.shadow.features.table.KernelTableReader;
import io.shadow.features.table.ShadowTable;
import io.shadow.features.table.TableCatalog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How anomalies of each pattern turned out before: confirmed incidents (a mitigation approved or
 * modified) and rejected mitigations, per tenant and per entity.
 *
 * <p>Per tenant they set the prior-incident factor, {@code confirmed / (confirmed + rejected + 1)},
 * a model input. Per entity they adjust the score itself ({@link #adjust}): each net decision for the
 * same entity and pattern moves the risk's log-odds by {@link #STEP} (×4 or ÷4 on the odds), at
 * most {@link #MAX_STEPS} steps either way. A user who rejected the mitigation of a pattern on an
 * entity sees the next one of that pattern on that entity stepped down a band; one who approved it
 * sees it stepped up. The cap keeps an attack on an entity with a rejected history above the
 * observe-only band when its model score is high.
 *
 * <p>A decision speaks for anomalies of about its size ({@link #MAGNITUDE_RATIO}): a rejection steps
 * down anomalies whose detector score is at most 1.5 times the largest one in the rejected
 * incidents, a confirmation steps up those of at least two thirds of the largest one in the
 * confirmed incidents (its peak: the first anomalies of an attack are threshold-level, like any
 * routine peak, so only the peak tells them apart; a repeat's smaller beginning still gets the
 * tenant's prior-incident factor). One rejected 2 GB download no longer waved a 1 TB one through, and one
 * confirmed crypto-miner on a build host no longer turned every routine build's CPU peak into an
 * isolation (audit F14, F9). Without a recorded score (nothing replayed in the incident, or a table
 * written before the scores were kept) a decision counts whatever the size, as before.
 *
 * <p>A decision also fades with age ({@link #DECISION_HALF_LIFE}): it counts 0.5^(age / 180 days), its
 * age taken at the nightly run from the newest activity it replayed, so a rejection from two years
 * ago weighs a twentieth of one from last week: people's work changes, and a false alarm dismissed
 * long ago says little about the same pattern today. Tables written before the weights were kept
 * count every decision whole.
 */
public final class PatternHistory {
    /** ln 4: one decision multiplies or divides the odds of the risk by four. */
    public static final double STEP = Math.log(4);
    public static final int MAX_STEPS = 3;
    /** How much larger (rejection) or smaller (confirmation) than the reviewed anomalies a decision still covers. */
    public static final double MAGNITUDE_RATIO = 1.5;
    /** A decision's weight halves every this long ({@code entity_pattern_stats.confirmed_weight}, {@code rejected_weight}). */
    public static final java.time.Duration DECISION_HALF_LIFE = java.time.Duration.ofDays(180);
    /** The contribution an entity's decisions add to an explanation. */
    public static final String FEEDBACK_FACTOR = "feedback";

    /**
     * Outcomes of one pattern; for an entity also the largest detector score in its rejected incidents and
     * the largest in its confirmed ones, and the decisions weighted by their age ({@link #weight}; NaN: not
     * known, each counts whole).
     */
    public record Outcomes(long confirmed, long rejected, double rejectedMaxScore, double confirmedMaxScore,
            double confirmedWeight, double rejectedWeight) {
        public Outcomes(long confirmed, long rejected) {
            this(confirmed, rejected, Double.NaN, Double.NaN);
        }

        public Outcomes(long confirmed, long rejected, double rejectedMaxScore, double confirmedMaxScore) {
            this(confirmed, rejected, rejectedMaxScore, confirmedMaxScore, Double.NaN, Double.NaN);
        }

        /** The confirmations as they count now: weighted by age when known. */
        double confirmations() {
            return Double.isNaN(confirmedWeight) ? confirmed : confirmedWeight;
        }

        double rejections() {
            return Double.isNaN(rejectedWeight) ? rejected : rejectedWeight;
        }
    }

    /** What a decision {@code age} old counts for: 1 when new, halved every {@link #DECISION_HALF_LIFE}. */
    public static double weight(java.time.Duration age) {
        double halfLives = Math.max(0, age.toSeconds()) / (double) DECISION_HALF_LIFE.toSeconds();
        return Math.pow(0.5, halfLives);
    }

    public static final PatternHistory EMPTY = new PatternHistory(Map.of());
    private static final Outcomes NONE = new Outcomes(0, 0);

    private final Map<String, Outcomes> byKey;
    private final Map<String, Outcomes> byEntity;

    public PatternHistory(Map<String, Outcomes> byTenantAndPattern) {
        this(byTenantAndPattern, Map.of());
    }

    /**
     * @param byTenantAndPattern keyed by {@link #key(String, String)}
     * @param byEntityAndPattern keyed by {@link #key(EntityKey, String)}
     */
    public PatternHistory(Map<String, Outcomes> byTenantAndPattern, Map<String, Outcomes> byEntityAndPattern) {
        this.byKey = Map.copyOf(byTenantAndPattern);
        this.byEntity = Map.copyOf(byEntityAndPattern);
    }

    public static String key(String tenant, String pattern) {
        return tenant + "\u0000" + pattern;
    }

    public static String key(EntityKey entity, String pattern) {
        return entity.tenant() + "\u0000" + entity.kind().wireName() + "\u0000" + entity.id() + "\u0000" + pattern;
    }

    public Outcomes outcomes(String tenant, String pattern) {
        return byKey.getOrDefault(key(tenant, pattern), NONE);
    }

    public Outcomes outcomes(EntityKey entity, String pattern) {
        return byEntity.getOrDefault(key(entity, pattern), NONE);
    }

    public double priorFactor(String tenant, String pattern) {
        Outcomes o = outcomes(tenant, pattern);
        return o.confirmed() / (o.confirmed() + o.rejected() + 1.0);
    }

    /**
     * Net decisions for the entity and pattern that speak for an anomaly of detector score {@code score}
     * (NaN: any), each weighted by its age, capped at ±{@link #MAX_STEPS}: rejections only up to
     * {@link #MAGNITUDE_RATIO} times the largest rejected score, confirmations only from the largest
     * confirmed score divided by it.
     */
    public double netDecisions(EntityKey entity, String pattern, double score) {
        Outcomes o = outcomes(entity, pattern);
        boolean rejectionsApply = Double.isNaN(score) || Double.isNaN(o.rejectedMaxScore())
                || score <= o.rejectedMaxScore() * MAGNITUDE_RATIO;
        boolean confirmationsApply = Double.isNaN(score) || Double.isNaN(o.confirmedMaxScore())
                || score >= o.confirmedMaxScore() / MAGNITUDE_RATIO;
        double net = (confirmationsApply ? o.confirmations() : 0) - (rejectionsApply ? o.rejections() : 0);
        return Math.max(-MAX_STEPS, Math.min(MAX_STEPS, net));
    }

    /**
     * The score moved by the entity's decisions on this pattern that speak for an anomaly of detector score
     * {@code score} (NaN: every decision, whatever its size); unchanged without any. The move is
     * added to the explanation as the {@value #FEEDBACK_FACTOR} contribution (its value: the net
     * decisions), so base plus contributions still equals the score.
     */
    public RiskScore adjust(RiskScore s, EntityKey entity, String pattern, double score) {
        double net = netDecisions(entity, pattern, score);
        if (net == 0) {
            return s;
        }
        double p = Math.min(1 - 1e-9, Math.max(1e-9, s.score() / 100));
        double z = Math.log(p / (1 - p)) + net * STEP;
        double adjusted = 100 / (1 + Math.exp(-z));
        List<FactorContribution> c = new ArrayList<>(s.contributions());
        c.add(new FactorContribution(FEEDBACK_FACTOR, net, adjusted - s.score()));
        return new RiskScore(adjusted, s.base(), c, s.model());
    }

    /** A number column, NaN when null or absent (a table written before it was kept). */
    private static double score(KernelTableReader.NamedRow r, String column) {
        return r.schema().indexOf(column) < 0 || r.isNull(column) ? Double.NaN : r.doubleValue(column);
    }

    public int size() {
        return byKey.size() + byEntity.size();
    }

    /** Reads the gold pattern-stats tables with Delta Kernel; empty when no nightly run wrote them yet. */
    public static PatternHistory read(KernelTableReader reader, TableCatalog catalog) {
        Map<String, Outcomes> tenants = new HashMap<>();
        reader.scan(catalog.path(ShadowTable.PATTERN_STATS), r -> tenants.put(key(r.string("tenant"),
                r.string("pattern")), new Outcomes(r.longValue("confirmed"), r.longValue("rejected"))));
        Map<String, Outcomes> entities = new HashMap<>();
        reader.scan(catalog.path(ShadowTable.ENTITY_PATTERN_STATS), r -> entities.put(key(new EntityKey(
                r.string("tenant"), io.shadow.features.EntityKind.fromWire(r.string("entity_kind")),
                r.string("entity_id")), r.string("pattern")),
                new Outcomes(r.longValue("confirmed"), r.longValue("rejected"), score(r, "rejected_max_score"),
                        score(r, "confirmed_max_score"), score(r, "confirmed_weight"), score(r, "rejected_weight"))));
        return new PatternHistory(tenants, entities);
    }
}
