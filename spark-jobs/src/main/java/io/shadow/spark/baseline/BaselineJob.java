package io.shadow.spark.baseline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.hour;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log1p;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.unix_timestamp;

import io.shadow.features.Buckets;
import io.shadow.features.EntityKey;
import io.shadow.features.Feature;
import io.shadow.features.table.ShadowTable;
import io.shadow.features.table.TableCatalog;
import io.shadow.spark.DeltaTables;
import java.time.Instant;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Silver features → gold baselines. Per entity and feature, for each hour of day and over all
 * hours: median, robust spread, mean and variance of bucket values, and median and robust spread of
 * first differences between consecutive buckets (the rate of change; a job that starts every night
 * at 02:00 makes a large change normal at that hour), on each feature's scale (volumes as ln(1 + bytes) over active
 * buckets, see {@link Feature.Scale}). The same per tenant and entity kind over all entities gives the
 * population prior (entity id {@code *}) that new entities start from. Buckets inside confirmed
 * incidents are left out.
 */
public final class BaselineJob {
    private static final String[] ENTITY = {"tenant", "entity_kind", "entity_id", "feature"};
    private static final String[] POPULATION = {"tenant", "entity_kind", "feature"};

    private final SparkSession spark;
    private final TableCatalog catalog;

    public BaselineJob(SparkSession spark, TableCatalog catalog) {
        this.spark = spark;
        this.catalog = catalog;
    }

    /** Recomputes the baselines table; returns the number of entity-features with a baseline. */
    public long run() {
        Object[] logFeatures = java.util.Arrays.stream(Feature.values()).filter(f -> f.scale() == Feature.Scale.LOG)
                .map(Feature::wireName).toArray();
        Dataset<Row> features = IncidentWindows.exclude(spark, catalog,
                DeltaTables.read(spark, catalog, ShadowTable.FEATURES), "bucket_start", Buckets.SECONDS, 0)
                .filter(not(col("feature").isin(logFeatures)).or(col("value").gt(0)))
                .withColumn("value", when(col("feature").isin(logFeatures), log1p(col("value")))
                        .otherwise(col("value")))
                .withColumn("hour", hour(col("bucket_start")))
                .cache();
        try {
            WindowSpec w = Window.partitionBy("tenant", "entity_kind", "entity_id", "feature").orderBy("bucket_start");
            Dataset<Row> diffs = features
                    .withColumn("prev_value", lag(col("value"), 1).over(w))
                    .withColumn("prev_bucket", lag(col("bucket_start"), 1).over(w))
                    .filter(unix_timestamp(col("bucket_start")).minus(unix_timestamp(col("prev_bucket")))
                            .equalTo(Buckets.SECONDS))
                    .withColumn("diff", col("value").minus(col("prev_value")))
                    .select("tenant", "entity_kind", "entity_id", "feature", "hour", "diff")
                    .persist(); // four groupings read it; the window sort is the expensive part

            Dataset<Row> entityAll = RobustStats.of(features, "value", "", ENTITY)
                    .join(RobustStats.of(diffs, "diff", "diff_", ENTITY).drop("samples", "diff_mean", "diff_variance"),
                            seq(ENTITY), "left")
                    .withColumn("hour", lit(-1));
            Dataset<Row> entityHour = RobustStats.of(features, "value", "", with(ENTITY, "hour"))
                    .join(RobustStats.of(diffs, "diff", "diff_", with(ENTITY, "hour"))
                            .drop("samples", "diff_mean", "diff_variance"), seq(with(ENTITY, "hour")), "left");
            Dataset<Row> popAll = RobustStats.of(features, "value", "", POPULATION)
                    .join(RobustStats.of(diffs, "diff", "diff_", POPULATION)
                            .drop("samples", "diff_mean", "diff_variance"), seq(POPULATION), "left")
                    .withColumn("hour", lit(-1)).withColumn("entity_id", lit(EntityKey.POPULATION));
            Dataset<Row> popHour = RobustStats.of(features, "value", "", with(POPULATION, "hour"))
                    .join(RobustStats.of(diffs, "diff", "diff_", with(POPULATION, "hour"))
                            .drop("samples", "diff_mean", "diff_variance"), seq(with(POPULATION, "hour")), "left")
                    .withColumn("entity_id", lit(EntityKey.POPULATION));

            Dataset<Row> all = entityAll.unionByName(entityHour).unionByName(popAll).unionByName(popHour)
                    .na().fill(0.0, new String[] {"diff_median", "diff_scale", "variance"})
                    .withColumn("computed_at", lit(Instant.now()));
            DeltaTables.overwrite(spark, catalog, ShadowTable.BASELINES, all);
            diffs.unpersist();
            // counted from the written table: recounting entityAll would recompute its statistics
            return DeltaTables.read(spark, catalog, ShadowTable.BASELINES).filter(col("hour").equalTo(-1)
                    .and(col("entity_id").notEqual(EntityKey.POPULATION))).count();
        } finally {
            features.unpersist();
        }
    }

    private static String[] with(String[] a, String b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + 1);
        out[a.length] = b;
        return out;
    }

    private static scala.collection.immutable.Seq<String> seq(String[] cols) {
        return scala.jdk.javaapi.CollectionConverters.asScala(java.util.Arrays.asList(cols)).toList();
    }
}
