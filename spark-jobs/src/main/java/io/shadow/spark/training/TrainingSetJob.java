package io.shadow.spark.training;

import io.shadow.features.EntityKey;
import io.shadow.features.EntityKind;
import io.shadow.features.ResourceType;
import io.shadow.features.baseline.BaselineSnapshot;
import io.shadow.features.baseline.BaselineSnapshotReader;
import io.shadow.features.signal.Anomaly;
import io.shadow.features.table.KernelTableReader;
import io.shadow.features.table.ShadowTable;
import io.shadow.features.table.TableCatalog;
import io.shadow.model.detect.DetectorConfig;
import io.shadow.model.intel.ThreatIntel;
import io.shadow.model.risk.PatternHistory;
import io.shadow.model.risk.ResourceRisk;
import io.shadow.model.risk.RiskFactorExtractor;
import io.shadow.model.risk.RiskFactors;
import io.shadow.spark.Counts;
import io.shadow.spark.DeltaTables;
import io.shadow.spark.EventRows;
import io.shadow.spark.Figure;
import io.shadow.spark.Figures;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Bronze history → gold {@code training_set} and {@code pattern_stats}. The whole history is
 * replayed, entity by entity, through the online detector (at a lower candidate threshold, so the
 * model also sees the mild anomalies it must learn to score low) against the fresh baselines. Each
 * anomaly gets the same four risk factors the scorer computes, with the prior-incident factor
 * taken causally (only incidents that ended before it, never its own), and the label of the
 * reviewed incident it falls in (confirmed 1, rejected or none 0). An anomaly inside an incident
 * nobody has reviewed yet ({@code unreviewed_incidents}; unless a confirmed one covers it) is left out:
 * it may well be the attack the emergency path stopped, so 0 would teach the model that attacks are
 * benign. The reviewed incidents' outcomes
 * per pattern go to {@code pattern_stats} (per tenant: the prior-incident factor) and
 * {@code entity_pattern_stats} (per entity: the feedback adjustment of the score).
 */
public final class TrainingSetJob {
    /** Anomalies within this much time around a reviewed incident's window take its label. */
    public static final Duration LABEL_SLACK = Duration.ofMinutes(10);

    private final SparkSession spark;
    private final TableCatalog catalog;
    private final DetectorConfig online;
    private final double candidateFactor;
    private final ThreatIntel intel;
    private final ResourceRisk resourceRisk;

    /**
     * Rows written: training examples, of which positives; anomalies left out as inside an unreviewed
     * incident; tenant patterns, entity patterns.
     */
    public record Result(long rows, long positives, long unreviewed, long patterns, long entityPatterns)
            implements Figures {
        @Override
        public List<Figure> figures() {
            return List.of(Figure.count("Training rows", rows, "row"),
                    Figure.count("In confirmed incidents", positives, "row"),
                    Figure.count("Left out as unreviewed", unreviewed, "anomaly", "anomalies"),
                    Figure.count("Tenant patterns", patterns, "pattern"),
                    Figure.count("Entity patterns", entityPatterns, "pattern"));
        }

        /** One line for the nightly progress output; the report keeps the fields. */
        @Override
        public String toString() {
            return Counts.of(rows, "training row") + ", " + Counts.number(positives) + " of them in confirmed "
                    + "incidents" + (unreviewed == 0 ? "" : " (" + Counts.of(unreviewed, "anomaly", "anomalies")
                            + " in incidents awaiting review left out)") + ", " + Counts.of(patterns, "tenant pattern")
                    + ", " + Counts.of(entityPatterns, "entity pattern");
        }
    }

    /**
     * @param candidateFactor candidates are anomalies at {@code candidateFactor × threshold}; default 0.5
     */
    public TrainingSetJob(SparkSession spark, TableCatalog catalog, DetectorConfig online, double candidateFactor,
            ThreatIntel intel, ResourceRisk resourceRisk) {
        this.spark = spark;
        this.catalog = catalog;
        this.online = online;
        this.candidateFactor = candidateFactor;
        this.intel = intel;
        this.resourceRisk = resourceRisk;
    }

    private record Reviewed(String id, EntityKey entity, Instant start, Instant end, String pattern, int label) {
        /** A row of gold {@code incidents} or {@code unreviewed_incidents} (label -1: none yet). */
        static Reviewed of(Row r, int label) {
            return new Reviewed(r.getAs("incident_id"), new EntityKey(r.getAs("tenant"),
                    EntityKind.fromWire(r.getAs("entity_kind")), r.getAs("entity_id")), r.getAs("start_time"),
                    r.getAs("end_time"), r.getAs("pattern"), label);
        }

        /** Whether {@code t} falls in this incident's window, give or take {@link #LABEL_SLACK}. */
        boolean covers(Instant t) {
            return !t.isBefore(start.minus(LABEL_SLACK)) && !t.isAfter(end.plus(LABEL_SLACK));
        }
    }

    public Result run() {
        BaselineSnapshot snapshot = new BaselineSnapshotReader(
                new KernelTableReader(spark.sparkContext().hadoopConfiguration()), catalog).read();
        Broadcast<BaselineSnapshot> snap = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(snapshot);
        DetectorConfig candidates = online.withThreshold(online.threshold() * candidateFactor);

        Dataset<Row> events = DeltaTables.read(spark, catalog, ShadowTable.EVENTS);
        StructType keyed = events.schema().add("__entity", DataTypes.StringType, false);
        EventRows.Reader reader = new EventRows.Reader(events.schema());
        Dataset<Row> withEntity = events.flatMap((FlatMapFunction<Row, Row>) r -> {
            List<Row> out = new ArrayList<>(2);
            Object[] values = new Object[r.size() + 1];
            for (int i = 0; i < r.size(); i++) {
                values[i] = r.get(i);
            }
            for (String k : EntityReplay.entityKeys(reader.event(r))) {
                Object[] v = values.clone();
                v[r.size()] = k;
                out.add(RowFactory.create(v));
            }
            return out.iterator();
        }, Encoders.row(keyed));
        List<Row> anomalies = withEntity
                .groupByKey((MapFunction<Row, String>) r -> r.getString(r.size() - 1), Encoders.STRING())
                .flatMapGroups((FlatMapGroupsFunction<String, Row, Row>) (k, it) ->
                        EntityReplay.replay(k, it, snap.value(), candidates), Encoders.row(EntityReplay.ANOMALY))
                .collectAsList();
        snap.destroy();

        List<Reviewed> reviewed = DeltaTables.readIfExists(spark, catalog, ShadowTable.INCIDENTS).collectAsList().stream()
                .map(r -> Reviewed.of(r, r.<Integer>getAs("label"))).toList();
        Map<EntityKey, List<Reviewed>> awaiting = DeltaTables.readIfExists(spark, catalog, ShadowTable.UNREVIEWED_INCIDENTS)
                .collectAsList().stream().map(r -> Reviewed.of(r, -1))
                .collect(java.util.stream.Collectors.groupingBy(Reviewed::entity));

        // which reviewed incident each anomaly falls in, and the patterns of each incident
        Map<Row, Reviewed> incidentOf = new HashMap<>();
        Map<String, Set<String>> patternsOf = new HashMap<>();
        for (Row a : anomalies) {
            EntityKey e = entity(a);
            Instant t = EntityReplay.time(a);
            for (Reviewed rv : reviewed) {
                if (rv.entity().equals(e) && rv.covers(t)) {
                    incidentOf.put(a, rv);
                    patternsOf.computeIfAbsent(rv.id(), x -> new HashSet<>()).add(a.getAs("pattern"));
                    break;
                }
            }
        }
        RiskFactorExtractor extractor = new RiskFactorExtractor(online.threshold(), resourceRisk, intel,
                PatternHistory.EMPTY);
        List<Row> training = new ArrayList<>();
        long positives = 0;
        long leftOut = 0;
        for (Row a : anomalies) {
            Reviewed own = incidentOf.get(a);
            Instant t = EntityReplay.time(a);
            if ((own == null || own.label() != 1)
                    && awaiting.getOrDefault(entity(a), List.of()).stream().anyMatch(rv -> rv.covers(t))) {
                leftOut++;
                continue;
            }
            String tenant = a.getAs("tenant");
            String pattern = a.getAs("pattern");
            long confirmed = 0;
            long rejected = 0;
            for (Reviewed rv : reviewed) {
                if (rv != own && rv.entity().tenant().equals(tenant) && rv.end().isBefore(t)
                        && patternsOf.getOrDefault(rv.id(), Set.of()).contains(pattern)) {
                    if (rv.label() == 1) {
                        confirmed++;
                    } else {
                        rejected++;
                    }
                }
            }
            RiskFactors f = extractor.extract(anomaly(a)).factors();
            double prior = confirmed / (confirmed + rejected + 1.0);
            int label = own == null ? 0 : own.label();
            positives += label;
            training.add(RowFactory.create(tenant, a.getAs("entity_kind"), a.getAs("entity_id"), t, pattern,
                    f.severity(), f.resourceRisk(), prior, f.threatIntel(), label));
        }
        DeltaTables.overwrite(spark, catalog, ShadowTable.TRAINING_SET,
                spark.createDataFrame(training, DeltaTables.schema(ShadowTable.TRAINING_SET)));

        Map<String, long[]> stats = new HashMap<>();
        for (Reviewed rv : reviewed) {
            for (String p : patternsOf.getOrDefault(rv.id(), Set.of())) {
                long[] c = stats.computeIfAbsent(rv.entity().tenant() + "\u0000" + p, x -> new long[2]);
                c[rv.label() == 1 ? 0 : 1]++;
            }
        }
        Instant now = Instant.now();
        List<Row> statRows = new ArrayList<>();
        stats.forEach((k, c) -> {
            String[] tp = k.split("\u0000", 2);
            statRows.add(RowFactory.create(tp[0], tp[1], c[0], c[1], now));
        });
        DeltaTables.overwrite(spark, catalog, ShadowTable.PATTERN_STATS,
                spark.createDataFrame(statRows, DeltaTables.schema(ShadowTable.PATTERN_STATS)));
        List<Row> entityRows = entityStats(reviewed, patternsOf, magnitudes(anomalies, incidentOf),
                newestActivity(anomalies, reviewed, now), now);
        DeltaTables.overwrite(spark, catalog, ShadowTable.ENTITY_PATTERN_STATS,
                spark.createDataFrame(entityRows, DeltaTables.schema(ShadowTable.ENTITY_PATTERN_STATS)));
        return new Result(training.size(), positives, leftOut, statRows.size(), entityRows.size());
    }

    /**
     * Decisions per entity and pattern: each reviewed incident counts once for its own pattern (the
     * one the store opened it with) and for every pattern replayed inside its window; its weight is
     * {@link PatternHistory#weight} of its age at {@code asOf}.
     */
    private static List<Row> entityStats(List<Reviewed> reviewed, Map<String, Set<String>> patternsOf,
            Map<List<String>, double[]> magnitudes, Instant asOf, Instant now) {
        Map<List<String>, double[]> counts = new java.util.TreeMap<>(java.util.Comparator.comparing(Object::toString));
        for (Reviewed rv : reviewed) {
            Set<String> patterns = new java.util.TreeSet<>(patternsOf.getOrDefault(rv.id(), Set.of()));
            patterns.add(rv.pattern());
            int side = rv.label() == 1 ? 0 : 1;
            double weight = PatternHistory.weight(Duration.between(rv.end(), asOf));
            for (String p : patterns) {
                EntityKey e = rv.entity();
                double[] c = counts.computeIfAbsent(List.of(e.tenant(), e.kind().wireName(), e.id(), p),
                        x -> new double[4]); // confirmed, rejected, and their weights
                c[side]++;
                c[2 + side] += weight;
            }
        }
        List<Row> rows = new ArrayList<>(counts.size());
        counts.forEach((k, c) -> {
            double[] m = magnitudes.get(k);
            rows.add(RowFactory.create(k.get(0), k.get(1), k.get(2), k.get(3), (long) c[0], (long) c[1],
                    m == null || Double.isNaN(m[0]) ? null : m[0], m == null || Double.isNaN(m[1]) ? null : m[1],
                    c[2], c[3], now));
        });
        return rows;
    }

    /**
     * The time decisions' ages are taken at: the newest replayed anomaly or reviewed incident's end, so a
     * backtest of old data ages them as they were then; {@code now} when there is neither.
     */
    private static Instant newestActivity(List<Row> anomalies, List<Reviewed> reviewed, Instant now) {
        Instant newest = null;
        for (Row a : anomalies) {
            Instant t = EntityReplay.time(a);
            newest = newest == null || t.isAfter(newest) ? t : newest;
        }
        for (Reviewed rv : reviewed) {
            newest = newest == null || rv.end().isAfter(newest) ? rv.end() : newest;
        }
        return newest == null ? now : newest;
    }

    /**
     * Per entity and pattern ({@code [tenant, kind, id, pattern]}): the largest detector score replayed in its
     * rejected incidents and the largest in its confirmed ones (NaN where there is none), so that a decision
     * speaks for anomalies of a similar size only ({@link PatternHistory#adjust}).
     */
    private static Map<List<String>, double[]> magnitudes(List<Row> anomalies, Map<Row, Reviewed> incidentOf) {
        Map<List<String>, double[]> out = new HashMap<>();
        for (Row a : anomalies) {
            Reviewed rv = incidentOf.get(a);
            if (rv == null || rv.label() < 0) {
                continue;
            }
            EntityKey e = rv.entity();
            double[] m = out.computeIfAbsent(List.of(e.tenant(), e.kind().wireName(), e.id(), a.getAs("pattern")),
                    x -> new double[] {Double.NaN, Double.NaN});
            double score = a.<Double>getAs("score");
            if (rv.label() == 1) {
                m[1] = Double.isNaN(m[1]) ? score : Math.max(m[1], score);
            } else {
                m[0] = Double.isNaN(m[0]) ? score : Math.max(m[0], score);
            }
        }
        return out;
    }

    private static EntityKey entity(Row a) {
        return new EntityKey(a.getAs("tenant"), EntityKind.fromWire(a.getAs("entity_kind")), a.getAs("entity_id"));
    }

    private static Anomaly anomaly(Row a) {
        return new Anomaly("", entity(a), a.getAs("time"), a.getAs("event_id"), a.<Double>getAs("score"),
                a.getAs("pattern"), ResourceType.fromWire(a.getAs("resource_type")), null, a.getAs("principal"),
                a.getAs("host"), a.getAs("src_ip"), a.getAs("user_agent"), List.of());
    }
}
