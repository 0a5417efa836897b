package io.shadow.spark.baseline;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;

import io.shadow.features.EntityKey;
import io.shadow.features.table.ShadowTable;
import io.shadow.features.table.TableCatalog;
import io.shadow.spark.DeltaTables;
import io.shadow.spark.EventRows;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Silver novelty partials → gold novelty profiles: for every entity and categorical attribute
 * (source network, user agent, operation, process), the values it has shown over every bronze date
 * with counts and first/last sighting, plus the population's counts. Activity inside confirmed
 * incidents (from an hour before their first anomaly to an hour after their last) is left out, so
 * an attacker's address never becomes "usual". The per-date counts come from
 * {@link NoveltyPartials} (the features step writes the night's date); a date without partials, or
 * whose bronze files or incident windows changed since they were counted, is counted here from
 * bronze first.
 */
public final class NoveltyProfileJob {
    private final SparkSession spark;
    private final TableCatalog catalog;

    public NoveltyProfileJob(SparkSession spark, TableCatalog catalog) {
        this.spark = spark;
        this.catalog = catalog;
    }

    public long run() {
        Map<String, List<long[]>> incidents = NoveltyPartials.incidents(spark, catalog);
        NoveltyPartials.Bronze bronze = NoveltyPartials.bronze(spark, catalog, incidents);
        Map<LocalDate, String> stored = new HashMap<>();
        for (Row r : DeltaTables.read(spark, catalog, ShadowTable.NOVELTY_PARTIALS).select("event_date", "source")
                .distinct().collectAsList()) {
            stored.put(r.getLocalDate(0), r.getString(1));
        }
        List<LocalDate> stale = new ArrayList<>();
        bronze.sources().forEach((date, source) -> {
            if (!source.equals(stored.get(date))) {
                stale.add(date);
            }
        });
        if (!stale.isEmpty()) {
            String where = NoveltyPartials.datesPredicate(stale);
            Dataset<Row> events = DeltaTables.readVersion(spark, catalog, ShadowTable.EVENTS, bronze.version())
                    .filter(where).selectExpr(EventRows.DEFINITION_COLUMNS_AND_DATE);
            DeltaTables.overwriteWhere(spark, catalog, ShadowTable.NOVELTY_PARTIALS, NoveltyPartials.withSources(
                    spark, NoveltyPartials.count(events, incidents), bronze.sources()), where);
        }
        Dataset<Row> perEntity = NoveltyPartials.current(spark, catalog, bronze.sources())
                .groupBy("tenant", "entity_kind", "entity_id", "attribute", "value")
                .agg(sum("count").as("count"), min("first_seen").as("first_seen"), max("last_seen").as("last_seen"))
                .cache();
        Dataset<Row> population = perEntity.groupBy("tenant", "entity_kind", "attribute", "value")
                .agg(sum("count").as("count"), min("first_seen").as("first_seen"), max("last_seen").as("last_seen"))
                .withColumn("entity_id", lit(EntityKey.POPULATION));
        DeltaTables.overwrite(spark, catalog, ShadowTable.NOVELTY_PROFILES, perEntity.unionByName(population));
        long n = perEntity.count();
        perEntity.unpersist();
        return n;
    }
}
