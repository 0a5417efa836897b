package io.shadow.spark.baseline;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;

import io.shadow.features.EntityKey;
import io.shadow.features.FeatureDefinitions;
import io.shadow.features.NoveltyAttribute;
import io.shadow.features.table.ShadowTable;
import io.shadow.features.table.TableCatalog;
import io.shadow.spark.DeltaTables;
import io.shadow.spark.EventRows;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
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
    /** Partial counts, per partition of events. */
    private static final StructType VALUES = new StructType()
            .add("tenant", DataTypes.StringType, false)
            .add("entity_kind", DataTypes.StringType, false)
            .add("entity_id", DataTypes.StringType, false)
            .add("attribute", DataTypes.StringType, false)
            .add("value", DataTypes.StringType, false)
            .add("count", DataTypes.LongType, false)
            .add("first_seen", DataTypes.TimestampType, false)
            .add("last_seen", DataTypes.TimestampType, false);
    private static final int PARTIAL_KEYS = 200_000;

    private final SparkSession spark;
    private final TableCatalog catalog;

    public NoveltyProfileJob(SparkSession spark, TableCatalog catalog) {
        this.spark = spark;
        this.catalog = catalog;
    }

    public long run() {
        Map<String, List<long[]>> incidents = IncidentWindows.confirmed(spark, catalog,
                IncidentWindows.LEAD.toSeconds(), IncidentWindows.TRAIL.toSeconds());
        Dataset<Row> partial = DeltaTables.read(spark, catalog, ShadowTable.EVENTS)
                .selectExpr(EventRows.DEFINITION_COLUMNS)
                .mapPartitions((MapPartitionsFunction<Row, Row>) rows -> partial(rows, incidents),
                        Encoders.row(VALUES));
        Dataset<Row> perEntity = partial.groupBy("tenant", "entity_kind", "entity_id", "attribute", "value")
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

    /**
     * Counts and first/last sightings of one partition's values, outside confirmed incidents. An
     * entity shows a handful of values, so the partition's map stays small; it is handed on
     * whenever it reaches {@link #PARTIAL_KEYS} all the same.
     */
    private static Iterator<Row> partial(Iterator<Row> rows, Map<String, List<long[]>> incidents) {
        Map<Seen, long[]> seen = new HashMap<>();
        List<Row> out = new ArrayList<>();
        while (rows.hasNext()) {
            var e = EventRows.event(rows.next());
            long micros = IncidentWindows.micros(e.time());
            FeatureDefinitions.noveltyValues(e, (k, a, v) -> {
                if (!incidents.isEmpty() && inIncident(incidents.get(IncidentWindows.entityKey(k.tenant(),
                        k.kind().wireName(), k.id())), micros)) {
                    return;
                }
                long[] c = seen.computeIfAbsent(new Seen(k, a, v), x -> new long[] {0, Long.MAX_VALUE, Long.MIN_VALUE});
                c[0]++;
                c[1] = Math.min(c[1], micros);
                c[2] = Math.max(c[2], micros);
            });
            if (seen.size() >= PARTIAL_KEYS || !rows.hasNext()) {
                seen.forEach((k, c) -> out.add(RowFactory.create(k.entity().tenant(), k.entity().kind().wireName(),
                        k.entity().id(), k.attribute().wireName(), k.value(), c[0], instant(c[1]), instant(c[2]))));
                seen.clear();
            }
        }
        return out.iterator();
    }

    private record Seen(EntityKey entity, NoveltyAttribute attribute, String value) {
    }

    private static boolean inIncident(List<long[]> windows, long micros) {
        if (windows != null) {
            for (long[] w : windows) {
                if (micros >= w[0] && micros <= w[1]) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Instant instant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }
}
