package io.shadow.spark.baseline;

import static org.apache.spark.sql.functions.col;

import io.shadow.features.Buckets;
import io.shadow.features.EntityKey;
import io.shadow.features.Feature;
import io.shadow.features.table.ShadowTable;
import io.shadow.features.table.TableCatalog;
import io.shadow.spark.DeltaTables;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.CoGroupFunction;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Silver features → gold baselines. Per entity and feature, for each hour of day and over all
 * hours: median, robust spread, mean and variance of bucket values, and median and robust spread of
 * first differences between consecutive buckets (the rate of change; a job that starts every night
 * at 02:00 makes a large change normal at that hour), on each feature's scale (volumes as ln(1 + bytes) over active
 * buckets, see {@link Feature.Scale}). The same per tenant and entity kind over all entities gives the
 * population prior (entity id {@code *}) that new entities start from. Buckets inside confirmed
 * incidents are left out. Each entity's series is rebuilt in one task from its sparse feature
 * rows and spans ({@link EntitySeries}) and summarised exactly ({@link RobustSummary}); the
 * population's figures come from the entities' hourly value counts. The zeros are counted, never
 * stored or shuffled.
 */
public final class BaselineJob {
    static final StructType ENTITY_BASELINE = DeltaTables.schema(ShadowTable.BASELINES).add("value_x",
            DataTypes.createArrayType(DataTypes.DoubleType, false)).add("value_n",
            DataTypes.createArrayType(DataTypes.LongType, false)).add("diff_x",
            DataTypes.createArrayType(DataTypes.DoubleType, false)).add("diff_n",
            DataTypes.createArrayType(DataTypes.LongType, false));

    private final SparkSession spark;
    private final TableCatalog catalog;

    public BaselineJob(SparkSession spark, TableCatalog catalog) {
        this.spark = spark;
        this.catalog = catalog;
    }

    /** Recomputes the baselines table; returns the number of entity-features with a baseline. */
    public long run() {
        Map<String, List<long[]>> incidents = IncidentWindows.notNormal(spark, catalog,
                IncidentWindows.LEAD.toSeconds(), Buckets.SECONDS);
        Instant computedAt = Instant.now();
        MapFunction<Row, String> key = r -> IncidentWindows.entityKey(r.getString(0), r.getString(1), r.getString(2));
        var features = DeltaTables.read(spark, catalog, ShadowTable.FEATURES)
                .select("tenant", "entity_kind", "entity_id", "feature", "bucket_start", "value")
                .groupByKey(key, Encoders.STRING());
        var spans = DeltaTables.read(spark, catalog, ShadowTable.FEATURE_SPANS)
                .select("tenant", "entity_kind", "entity_id", "first_bucket", "last_bucket")
                .groupByKey(key, Encoders.STRING());
        Dataset<Row> entities = features.cogroup(spans, (CoGroupFunction<String, Row, Row, Row>) (k, rows, covered) ->
                        entity(k, rows, covered, incidents, computedAt), Encoders.row(ENTITY_BASELINE))
                .persist(); // written, and its hourly value counts feed the population
        try {
            // each entity-hour's value counts travel as its arrays (one row, not one per distinct value)
            // and are merged in the population's task: summing counts first saves little, most values differ
            Dataset<Row> counts = entities.filter(col("hour").geq(0)).select(col("tenant"), col("entity_kind"),
                    col("feature"), col("hour"), col("value_x"), col("value_n"), col("diff_x"), col("diff_n"));
            Dataset<Row> population = counts.groupByKey((MapFunction<Row, String>) r -> r.getString(0) + '\u0001'
                            + r.getString(1) + '\u0001' + r.getString(2), Encoders.STRING())
                    .flatMapGroups((FlatMapGroupsFunction<String, Row, Row>) (k, rows) -> population(rows,
                            computedAt), Encoders.row(DeltaTables.schema(ShadowTable.BASELINES)));
            DeltaTables.overwrite(spark, catalog, ShadowTable.BASELINES, entities.drop("value_x", "value_n", "diff_x",
                    "diff_n").unionByName(population));
            // from the persisted entities (filled by the write): re-reading the table costs a snapshot
            return entities.filter(col("hour").equalTo(-1)).count();
        } finally {
            entities.unpersist();
        }
    }

    private static Iterator<Row> entity(String key, Iterator<Row> rows, Iterator<Row> covered,
            Map<String, List<long[]>> incidents, Instant computedAt) {
        String[] k = key.split("\u0001", 3);
        EntitySeries series = new EntitySeries(k[1], incidents.getOrDefault(key, List.of()));
        while (rows.hasNext()) {
            Row r = rows.next();
            series.observe(Feature.fromWire(r.getString(3)), r.<Instant>getAs(4).getEpochSecond(), r.getDouble(5));
        }
        while (covered.hasNext()) {
            Row r = covered.next();
            series.cover(r.<Instant>getAs(3).getEpochSecond(), r.<Instant>getAs(4).getEpochSecond());
        }
        Map<Feature, Groups> groups = new EnumMap<>(Feature.class);
        series.points((f, hour, value, diff) -> groups.computeIfAbsent(f, x -> new Groups()).add(hour, value, diff));
        List<Row> out = new ArrayList<>();
        groups.forEach((f, g) -> g.rows(k[0], k[1], k[2], f, computedAt, true, out));
        return out.iterator();
    }

    /** One tenant, kind and feature: every entity's hourly value and difference counts merged. */
    private static Iterator<Row> population(Iterator<Row> counts, Instant computedAt) {
        Groups g = new Groups();
        Row r = null;
        while (counts.hasNext()) {
            // by position, as run() lays them out: tenant, entity_kind, feature, hour, value_x, value_n, diff_x, diff_n
            r = counts.next();
            int hour = r.getInt(3);
            addAll(g, hour, true, r.getSeq(4), r.getSeq(5));
            addAll(g, hour, false, r.getSeq(6), r.getSeq(7));
        }
        if (r == null) {
            return Collections.emptyIterator();
        }
        List<Row> out = new ArrayList<>();
        g.rows(r.getString(0), r.getString(1), EntityKey.POPULATION, Feature.fromWire(r.getString(2)), computedAt,
                false, out);
        return out.iterator();
    }

    private static void addAll(Groups g, int hour, boolean values, scala.collection.Seq<Object> x,
            scala.collection.Seq<Object> n) {
        for (int i = 0; i < x.length(); i++) {
            g.add(hour, values, ((Number) x.apply(i)).doubleValue(), ((Number) n.apply(i)).longValue());
        }
    }

    /** Values and first differences of one feature, per hour of day. */
    private static final class Groups {
        final RobustSummary.Histogram[] values = new RobustSummary.Histogram[24];
        final RobustSummary.Histogram[] diffs = new RobustSummary.Histogram[24];

        void add(int hour, double value, double diff) {
            add(hour, true, value, 1);
            if (!Double.isNaN(diff)) {
                add(hour, false, diff, 1);
            }
        }

        void add(int hour, boolean value, double x, long n) {
            RobustSummary.Histogram[] h = value ? values : diffs;
            if (h[hour] == null) {
                h[hour] = new RobustSummary.Histogram(16);
            }
            h[hour].add(x, n);
        }

        /** Rows for every hour with values and for all hours; entity rows ({@code withCounts}) carry the hourly counts. */
        void rows(String tenant, String kind, String id, Feature f, Instant computedAt, boolean withCounts,
                List<Row> out) {
            RobustSummary.Histogram allValues = new RobustSummary.Histogram(64);
            RobustSummary.Histogram allDiffs = new RobustSummary.Histogram(64);
            for (int h = 0; h < 24; h++) {
                if (values[h] == null) {
                    continue;
                }
                values[h].compact();
                RobustSummary.Histogram d = diffs[h];
                if (d != null) {
                    d.compact();
                }
                out.add(row(tenant, kind, id, f, h, values[h], d, computedAt, withCounts));
                merge(allValues, values[h]);
                if (d != null) {
                    merge(allDiffs, d);
                }
            }
            if (!allValues.isEmpty()) {
                out.add(row(tenant, kind, id, f, -1, allValues, allDiffs.isEmpty() ? null : allDiffs, computedAt,
                        withCounts));
            }
        }

        private static void merge(RobustSummary.Histogram into, RobustSummary.Histogram from) {
            for (int i = 0; i < from.size; i++) {
                into.add(from.values[i], from.counts[i]);
            }
        }

        private static Row row(String tenant, String kind, String id, Feature f, int hour,
                RobustSummary.Histogram values, RobustSummary.Histogram diffs, Instant computedAt,
                boolean withCounts) {
            RobustSummary v = values.summary();
            RobustSummary d = diffs == null ? null : diffs.summary();
            List<Object> cells = new ArrayList<>(List.of(tenant, kind, id, f.wireName(), hour, v.median(), v.scale(),
                    v.mean(), v.variance(), d == null ? 0.0 : d.median(), d == null ? 0.0 : d.scale(), v.samples(),
                    computedAt));
            if (withCounts) {
                // an entity's hourly rows carry its value counts to the population figures
                boolean hourly = hour >= 0;
                cells.add(hourly ? values.values : null);
                cells.add(hourly ? values.counts : null);
                cells.add(hourly ? (diffs == null ? new double[0] : diffs.values) : null);
                cells.add(hourly ? (diffs == null ? new long[0] : diffs.counts) : null);
            }
            return RowFactory.create(cells.toArray());
        }
    }
}
