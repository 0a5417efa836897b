package io.shadow.spark.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.to_timestamp;

import io.shadow.features.Buckets;
import io.shadow.features.EntityKey;
import io.shadow.features.Feature;
import io.shadow.features.FeatureDefinitions;
import io.shadow.features.table.ShadowTable;
import io.shadow.features.table.TableCatalog;
import io.shadow.spark.DeltaTables;
import io.shadow.spark.EventRows;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Bronze events → silver features: every event goes through the same
 * {@link FeatureDefinitions#contributions} the online scorer uses, contributions are summed (or
 * averaged) per entity, feature and five-minute bucket. The table is sparse: a sum feature's
 * quiet buckets (zero) have no row. Which buckets are quiet rather than unknown is recorded per
 * entity and date in {@code feature_spans}: from the entity's first bucket (midnight when an
 * earlier date knows it) to the end of the date (today: the last bucket seen so far). The
 * baselines count the zeros from the spans, so quiet periods are part of the baseline.
 */
public final class FeatureJob {
    private static final Feature[] FEATURES = Feature.values();
    private static final String[] ENTITY = {"tenant", "entity_kind", "entity_id"};
    /** One row per event and entity: the event's contribution to every feature, and how many samples for means. */
    static final StructType CONTRIBUTION = contributionSchema();

    private final SparkSession spark;
    private final TableCatalog catalog;

    public FeatureJob(SparkSession spark, TableCatalog catalog) {
        this.spark = spark;
        this.catalog = catalog;
    }

    /** Recomputes the features table from all bronze events; returns the number of feature rows. */
    public long run() {
        Dataset<Row> buckets = buckets(DeltaTables.read(spark, catalog, ShadowTable.EVENTS)).persist();
        try {
            Row end = buckets.agg(max("bucket_start")).first();
            if (!end.isNullAt(0)) {
                // one span per entity and date, from the entity's first bucket to the last bucket of the data
                Instant last = end.getAs(0);
                Dataset<Row> spans = buckets.groupBy(cols(ENTITY)).agg(min("bucket_start").as("first"))
                        .withColumn("bucket_date", explode(sequence(to_date(col("first")),
                                lit(LocalDate.ofInstant(last, ZoneOffset.UTC)))))
                        .withColumn("first_bucket", greatest(col("first"), to_timestamp(col("bucket_date"))))
                        .withColumn("last_bucket", least(lit(last), to_timestamp(date_add(col("bucket_date"), 1))
                                .minus(expr("INTERVAL " + Buckets.SECONDS + " SECONDS"))));
                DeltaTables.overwrite(spark, catalog, ShadowTable.FEATURE_SPANS, spans);
            } else {
                DeltaTables.overwrite(spark, catalog, ShadowTable.FEATURE_SPANS,
                        spark.createDataFrame(List.of(), DeltaTables.schema(ShadowTable.FEATURE_SPANS)));
            }
            DeltaTables.overwrite(spark, catalog, ShadowTable.FEATURES,
                    sparse(buckets).withColumn("bucket_date", to_date(col("bucket_start"))));
        } finally {
            buckets.unpersist();
        }
        return DeltaTables.count(spark, catalog, ShadowTable.FEATURES);
    }

    /**
     * Recomputes one date's partition of the features table (and of the spans) from that date's
     * bronze events, replacing what an earlier run wrote for it (other dates stay as they are).
     * Entities seen on earlier dates are covered from midnight, new ones from their first bucket;
     * a past date to its last bucket, today only to the last bucket seen so far. Returns that
     * date's feature rows.
     */
    public long run(LocalDate date) {
        // read twice below (spans, features): computed once
        Dataset<Row> buckets = buckets(DeltaTables.read(spark, catalog, ShadowTable.EVENTS)
                .filter(col("event_date").equalTo(lit(date)))).persist();
        try {
            Instant midnight = date.atStartOfDay(ZoneOffset.UTC).toInstant();
            Instant last = midnight.plusSeconds(86_400L - Buckets.SECONDS);
            if (!date.isBefore(LocalDate.now(ZoneOffset.UTC))) {
                Row end = buckets.agg(max("bucket_start")).first();
                last = end.isNullAt(0) ? midnight : end.getAs(0);
            }
            String where = "bucket_date = DATE'" + date + "'";
            Dataset<Row> known = DeltaTables.read(spark, catalog, ShadowTable.FEATURE_SPANS)
                    .filter(col("bucket_date").lt(lit(date))).select(cols(ENTITY)).distinct()
                    .withColumn("first", lit(midnight));
            Dataset<Row> spans = buckets.groupBy(cols(ENTITY)).agg(min("bucket_start").as("first"))
                    .unionByName(known).groupBy(cols(ENTITY)).agg(min("first").as("first_bucket"))
                    .withColumn("last_bucket", lit(last)).withColumn("bucket_date", lit(date));
            DeltaTables.overwriteWhere(spark, catalog, ShadowTable.FEATURE_SPANS, spans, where);
            DeltaTables.overwriteWhere(spark, catalog, ShadowTable.FEATURES,
                    sparse(buckets).withColumn("bucket_date", lit(date)), where);
        } finally {
            buckets.unpersist();
        }
        return DeltaTables.read(spark, catalog, ShadowTable.FEATURES).filter(col("bucket_date").equalTo(lit(date)))
                .count();
    }

    /** Per entity and bucket: each feature's summed contributions ({@code s_<feature>}) and sample count ({@code n_<feature>}). */
    private static Dataset<Row> buckets(Dataset<Row> events) {
        List<Column> sums = new ArrayList<>();
        for (Feature f : FEATURES) {
            sums.add(sum("s_" + f.wireName()).as("s_" + f.wireName()));
            sums.add(sum("n_" + f.wireName()).as("n_" + f.wireName()));
        }
        return events.select(cols(EventRows.DEFINITION_COLUMNS))
                .flatMap((FlatMapFunction<Row, Row>) FeatureJob::contributions, Encoders.row(CONTRIBUTION))
                .groupBy(cols("tenant", "entity_kind", "entity_id", "bucket_start"))
                .agg(sums.get(0), sums.subList(1, sums.size()).toArray(Column[]::new));
    }

    /** One row per entity, bucket and feature: sums that are not zero, means that have samples. */
    private static Dataset<Row> sparse(Dataset<Row> buckets) {
        StringBuilder stack = new StringBuilder("stack(" + FEATURES.length);
        for (Feature f : FEATURES) {
            String total = "s_" + f.wireName();
            String n = "n_" + f.wireName();
            String value = f.aggregation() == Feature.Aggregation.MEAN ? total + " / " + n : total;
            String present = f.aggregation() == Feature.Aggregation.MEAN ? n + " > 0" : total + " != 0";
            stack.append(", '").append(f.wireName()).append("', IF(").append(present).append(", ").append(value)
                    .append(", NULL)");
        }
        return buckets.select(col("tenant"), col("entity_kind"), col("entity_id"), col("bucket_start"),
                        expr(stack.append(") AS (feature, value)").toString()))
                .filter(col("value").isNotNull());
    }

    private static Iterator<Row> contributions(Row row) {
        var e = EventRows.event(row);
        Instant bucket = Instant.ofEpochSecond(Buckets.start(e.time()));
        // an event counts for at most a principal and a host: one row each, a sum and a count per feature
        Map<EntityKey, double[]> perEntity = new LinkedHashMap<>(2);
        FeatureDefinitions.contributions(e, (k, f, v) -> {
            double[] acc = perEntity.computeIfAbsent(k, x -> new double[2 * FEATURES.length]);
            acc[2 * f.ordinal()] += v;
            acc[2 * f.ordinal() + 1]++;
        });
        List<Row> out = new ArrayList<>(perEntity.size());
        perEntity.forEach((k, acc) -> {
            Object[] v = new Object[4 + acc.length];
            v[0] = k.tenant();
            v[1] = k.kind().wireName();
            v[2] = k.id();
            v[3] = bucket;
            for (int i = 0; i < acc.length; i += 2) {
                v[4 + i] = acc[i];
                v[5 + i] = (long) acc[i + 1];
            }
            out.add(RowFactory.create(v));
        });
        return out.iterator();
    }

    private static StructType contributionSchema() {
        StructType s = new StructType()
                .add("tenant", DataTypes.StringType, false)
                .add("entity_kind", DataTypes.StringType, false)
                .add("entity_id", DataTypes.StringType, false)
                .add("bucket_start", DataTypes.TimestampType, false);
        for (Feature f : FEATURES) {
            s = s.add("s_" + f.wireName(), DataTypes.DoubleType, false).add("n_" + f.wireName(),
                    DataTypes.LongType, false);
        }
        return s;
    }

    private static Column[] cols(String... names) {
        return java.util.Arrays.stream(names).map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
    }
}
