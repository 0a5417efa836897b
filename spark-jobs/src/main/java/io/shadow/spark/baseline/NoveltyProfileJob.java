package io.shadow.spark.baseline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;

import io.shadow.features.EntityKey;
import io.shadow.features.FeatureDefinitions;
import io.shadow.features.table.ShadowTable;
import io.shadow.features.table.TableCatalog;
import io.shadow.spark.DeltaTables;
import io.shadow.spark.EventRows;
import java.util.ArrayList;
import java.util.Iterator;
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
 * Bronze events → gold novelty profiles: for every entity and categorical attribute (source
 * network, user agent, operation, process), the values it has shown with counts and first/last
 * sighting, plus the population's counts. Activity inside confirmed incidents (from an hour before
 * their first anomaly to an hour after their last) is left out, so an attacker's address never
 * becomes "usual".
 */
public final class NoveltyProfileJob {
    private static final StructType VALUES = new StructType()
            .add("tenant", DataTypes.StringType, false)
            .add("entity_kind", DataTypes.StringType, false)
            .add("entity_id", DataTypes.StringType, false)
            .add("attribute", DataTypes.StringType, false)
            .add("value", DataTypes.StringType, false)
            .add("time", DataTypes.TimestampType, false);

    private final SparkSession spark;
    private final TableCatalog catalog;

    public NoveltyProfileJob(SparkSession spark, TableCatalog catalog) {
        this.spark = spark;
        this.catalog = catalog;
    }

    public long run() {
        Dataset<Row> values = DeltaTables.read(spark, catalog, ShadowTable.EVENTS)
                .selectExpr(EventRows.DEFINITION_COLUMNS)
                .flatMap((FlatMapFunction<Row, Row>) NoveltyProfileJob::values, Encoders.row(VALUES));
        Dataset<Row> kept = IncidentWindows.exclude(spark, catalog, values, "time",
                IncidentWindows.LEAD.toSeconds(), IncidentWindows.TRAIL.toSeconds());
        Dataset<Row> perEntity = kept.groupBy("tenant", "entity_kind", "entity_id", "attribute", "value")
                .agg(count(lit(1)).as("count"), min("time").as("first_seen"), max("time").as("last_seen"))
                .cache();
        Dataset<Row> population = perEntity.groupBy("tenant", "entity_kind", "attribute", "value")
                .agg(sum("count").as("count"), min("first_seen").as("first_seen"), max("last_seen").as("last_seen"))
                .withColumn("entity_id", lit(EntityKey.POPULATION));
        DeltaTables.overwrite(spark, catalog, ShadowTable.NOVELTY_PROFILES, perEntity.unionByName(population));
        long n = perEntity.count();
        perEntity.unpersist();
        return n;
    }

    private static Iterator<Row> values(Row row) {
        List<Row> out = new ArrayList<>(4);
        var e = EventRows.event(row);
        FeatureDefinitions.noveltyValues(e, (k, a, v) -> out.add(RowFactory.create(k.tenant(), k.kind().wireName(),
                k.id(), a.wireName(), v, e.time())));
        return out.iterator();
    }
}
