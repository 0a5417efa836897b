package io.shadow.spark.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import io.shadow.features.Buckets;
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
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
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
 * averaged) per entity, feature and five-minute bucket, and buckets without activity are filled
 * with zero for sum features, from the entity's first bucket to the end of the data, so quiet
 * periods are part of the baseline.
 */
public final class FeatureJob {
    static final StructType CONTRIBUTION = new StructType()
            .add("tenant", DataTypes.StringType, false)
            .add("entity_kind", DataTypes.StringType, false)
            .add("entity_id", DataTypes.StringType, false)
            .add("bucket_start", DataTypes.TimestampType, false)
            .add("feature", DataTypes.StringType, false)
            .add("value", DataTypes.DoubleType, false);

    private static final org.apache.spark.sql.Column[] ENTITY_COLUMNS = {col("tenant"), col("entity_kind"),
        col("entity_id")};

    private final SparkSession spark;
    private final TableCatalog catalog;

    public FeatureJob(SparkSession spark, TableCatalog catalog) {
        this.spark = spark;
        this.catalog = catalog;
    }

    /** Recomputes the features table from all bronze events; returns the number of feature rows. */
    public long run() {
        Dataset<Row> observed = observed(DeltaTables.read(spark, catalog, ShadowTable.EVENTS)).persist();
        try {
            Row end = observed.agg(max("bucket_start")).first();
            Dataset<Row> filled = end.isNullAt(0) ? observed : zeroFilled(observed,
                    observed.groupBy(ENTITY_COLUMNS).agg(min("bucket_start").as("first")), end.getAs(0));
            DeltaTables.overwrite(spark, catalog, ShadowTable.FEATURES,
                    filled.withColumn("bucket_date", to_date(col("bucket_start"))));
        } finally {
            observed.unpersist();
        }
        return DeltaTables.count(spark, catalog, ShadowTable.FEATURES);
    }

    /**
     * Recomputes one date's partition of the features table from that date's bronze events,
     * replacing what an earlier run wrote for it (other dates stay as they are). Entities seen on
     * earlier dates get zero buckets from midnight, new ones from their first bucket; a past date
     * is filled to its last bucket, today only to the last bucket seen so far. Returns that
     * date's feature rows.
     */
    public long run(LocalDate date) {
        // read three times below (entities' first buckets, sums, means): computed once
        Dataset<Row> observed = observed(DeltaTables.read(spark, catalog, ShadowTable.EVENTS)
                .filter(col("event_date").equalTo(lit(date)))).persist();
        try {
            return writeDate(date, observed);
        } finally {
            observed.unpersist();
        }
    }

    private long writeDate(LocalDate date, Dataset<Row> observed) {
        Instant midnight = date.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant last = midnight.plusSeconds(86_400L - Buckets.SECONDS);
        if (!date.isBefore(LocalDate.now(ZoneOffset.UTC))) {
            Row end = observed.agg(max("bucket_start")).first();
            last = end.isNullAt(0) ? midnight : end.getAs(0);
        }
        Dataset<Row> known = DeltaTables.read(spark, catalog, ShadowTable.FEATURES)
                .filter(col("bucket_date").lt(lit(date))).select(ENTITY_COLUMNS).distinct()
                .withColumn("first", lit(midnight));
        Dataset<Row> firsts = observed.groupBy(ENTITY_COLUMNS).agg(min("bucket_start").as("first")).unionByName(known)
                .groupBy(ENTITY_COLUMNS).agg(min("first").as("first"));
        Dataset<Row> out = zeroFilled(observed, firsts, last).withColumn("bucket_date", lit(date));
        DeltaTables.overwriteWhere(spark, catalog, ShadowTable.FEATURES, out, "bucket_date = DATE'" + date + "'");
        return DeltaTables.read(spark, catalog, ShadowTable.FEATURES).filter(col("bucket_date").equalTo(lit(date)))
                .count();
    }

    /** Contributions of the events, summed or averaged per entity, feature and bucket. */
    private Dataset<Row> observed(Dataset<Row> events) {
        Dataset<Row> contributions = events.flatMap(
                (FlatMapFunction<Row, Row>) FeatureJob::contributions, Encoders.row(CONTRIBUTION));
        return contributions
                .groupBy("tenant", "entity_kind", "entity_id", "bucket_start", "feature")
                .agg(sum("value").as("total"), count(lit(1)).as("n"))
                .withColumn("value", when(col("feature").isin(meanFeatures()), col("total").divide(col("n")))
                        .otherwise(col("total")))
                .drop("total", "n");
    }

    /** Sum features get a zero for every quiet bucket from each entity's {@code first} bucket to {@code last}. */
    private Dataset<Row> zeroFilled(Dataset<Row> observed, Dataset<Row> firsts, Instant last) {
        List<Row> kindFeatures = new ArrayList<>();
        for (Feature f : Feature.values()) {
            if (f.aggregation() == Feature.Aggregation.SUM) {
                kindFeatures.add(RowFactory.create(f.entityKind().wireName(), f.wireName()));
            }
        }
        Dataset<Row> sumFeatures = spark.createDataFrame(kindFeatures, new StructType()
                .add("entity_kind", DataTypes.StringType).add("feature", DataTypes.StringType));
        Dataset<Row> grid = firsts.filter(col("first").leq(lit(last)))
                .withColumn("bucket_start", explode(sequence(col("first"), lit(last),
                        expr("INTERVAL " + Buckets.SECONDS + " SECONDS"))))
                .drop("first")
                .join(sumFeatures, "entity_kind");
        Dataset<Row> sums = grid.join(observed, scala.jdk.javaapi.CollectionConverters.asScala(
                        Arrays.asList("tenant", "entity_kind", "entity_id", "bucket_start", "feature")).toSeq(), "left")
                .na().fill(0.0, new String[] {"value"});
        Dataset<Row> means = observed.filter(col("feature").isin(meanFeatures()));
        return sums.select(observed.columns()[0], Arrays.copyOfRange(observed.columns(), 1, observed.columns().length))
                .unionByName(means);
    }

    private static Object[] meanFeatures() {
        return Arrays.stream(Feature.values()).filter(f -> f.aggregation() == Feature.Aggregation.MEAN)
                .map(Feature::wireName).toArray();
    }

    private static java.util.Iterator<Row> contributions(Row row) {
        List<Row> out = new ArrayList<>(6);
        var e = EventRows.event(row);
        Instant bucket = Instant.ofEpochSecond(Buckets.start(e.time()));
        FeatureDefinitions.contributions(e, (k, f, v) -> out.add(RowFactory.create(k.tenant(), k.kind().wireName(),
                k.id(), bucket, f.wireName(), v)));
        return out.iterator();
    }
}
