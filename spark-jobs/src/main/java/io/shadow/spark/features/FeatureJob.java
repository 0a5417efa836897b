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

import io.shadow.features.ActivityEvent;
import io.shadow.features.Buckets;
import io.shadow.features.Feature;
import io.shadow.features.FeatureDefinitions;
import io.shadow.features.table.ShadowTable;
import io.shadow.features.table.TableCatalog;
import io.shadow.spark.DeltaTables;
import io.shadow.spark.EventRows;
import io.shadow.spark.SideBySide;
import io.shadow.spark.baseline.NoveltyPartials;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.OptionalLong;
import org.apache.spark.api.java.function.MapPartitionsFunction;
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
    /**
     * The scan's rows: an event's contribution to an entity's bucket (every feature's sum and sample
     * count; {@code bucket_start} set) or a task's novelty count ({@code attribute}, {@code value},
     * {@code event_date} set).
     */
    static final StructType SCAN = scanSchema();
    static final Double NO_SUM = 0.0;
    static final Long NO_SAMPLES = 0L;

    private final SparkSession spark;
    private final TableCatalog catalog;

    public FeatureJob(SparkSession spark, TableCatalog catalog) {
        this.spark = spark;
        this.catalog = catalog;
    }

    /**
     * Recomputes the features table (and the novelty partials, {@link NoveltyPartials}) from all
     * bronze events; returns the number of feature rows.
     */
    public long run() {
        Map<String, List<long[]>> incidents = NoveltyPartials.incidents(spark, catalog);
        NoveltyPartials.Bronze bronze = NoveltyPartials.bronze(spark, catalog, incidents);
        Dataset<Row> scan = scan(DeltaTables.readVersion(spark, catalog, ShadowTable.EVENTS, bronze.version()),
                incidents).persist();
        Dataset<Row> buckets = buckets(scan);
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
            // the scan is persisted by now (the spans' write filled it): the other two tables side by side
            SideBySide.run(() -> DeltaTables.overwrite(spark, catalog, ShadowTable.FEATURES,
                            sparse(buckets).withColumn("bucket_date", to_date(col("bucket_start")))),
                    () -> DeltaTables.overwrite(spark, catalog, ShadowTable.NOVELTY_PARTIALS,
                            NoveltyPartials.withSources(spark, partials(scan), bronze.sources())));
            return sparse(buckets).count(); // from the persisted scan: re-reading the table costs a snapshot
        } finally {
            scan.unpersist();
        }
    }

    /**
     * Recomputes one date's partition of the features table (and of the spans) from that date's
     * bronze events, replacing what an earlier run wrote for it (other dates stay as they are).
     * Entities seen on earlier dates are covered from midnight, new ones from their first bucket;
     * a past date to its last bucket, today only to the last bucket seen so far. The same pass
     * counts the date's novelty partials ({@link NoveltyPartials}) and replaces them. Returns that
     * date's feature rows.
     *
     * <p>A date without stored events records nothing ({@link #clearDate}): the spans of a quiet
     * day are written only beside other entities' events, since a day without any event is far
     * more likely a wrong date or a shipping outage than a whole installation at rest, and zero
     * spans for it would dilute every baseline with a quiet day that never happened.
     */
    public long run(LocalDate date) {
        Map<String, List<long[]>> incidents = NoveltyPartials.incidents(spark, catalog);
        NoveltyPartials.Bronze bronze = NoveltyPartials.bronze(spark, catalog, incidents);
        Dataset<Row> events = DeltaTables.readVersion(spark, catalog, ShadowTable.EVENTS, bronze.version())
                .filter(col("event_date").equalTo(lit(date)));
        if (events.isEmpty()) {
            clearDate(date);
            return 0;
        }
        // read three times below (spans, features, partials): computed once
        Dataset<Row> scan = scan(events, incidents).persist();
        Dataset<Row> buckets = buckets(scan);
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
            // the three tables side by side: one table's Delta log work overlaps another's tasks, and
            // the persisted scan is computed once (a task wanting a block being computed waits for it)
            String source = bronze.sources().get(date);
            OptionalLong[] written = {OptionalLong.empty()};
            SideBySide.run(() -> written[0] = DeltaTables.overwriteWhereCounted(spark, catalog, ShadowTable.FEATURES,
                    sparse(buckets).withColumn("bucket_date", lit(date)), where),
                    () -> DeltaTables.overwriteWhere(spark, catalog, ShadowTable.FEATURE_SPANS, spans, where), () -> {
                        if (source != null) { // no bronze files for the date: nothing counted, nothing read
                            DeltaTables.overwriteWhere(spark, catalog, ShadowTable.NOVELTY_PARTIALS, partials(scan)
                                    .withColumn("source", lit(source)), NoveltyPartials.datesPredicate(List.of(date)));
                        }
                    });
            return written[0].orElseGet(() -> sparse(buckets).count()); // the commit's count; else from the scan
        } finally {
            scan.unpersist();
        }
    }

    /**
     * For a date without stored events: writes nothing for it, and removes the feature spans (and any
     * feature rows) an earlier version wrote for it, a "quiet day" of zeros for every known entity.
     * Returns the spans removed; with none there, no table is touched (no commit).
     */
    public long clearDate(LocalDate date) {
        String where = "bucket_date = DATE'" + date + "'";
        long spans = DeltaTables.read(spark, catalog, ShadowTable.FEATURE_SPANS).filter(where).count();
        if (spans > 0) {
            io.delta.tables.DeltaTable.forPath(spark, catalog.path(ShadowTable.FEATURE_SPANS)).delete(where);
        }
        if (!DeltaTables.read(spark, catalog, ShadowTable.FEATURES).filter(where).isEmpty()) {
            io.delta.tables.DeltaTable.forPath(spark, catalog.path(ShadowTable.FEATURES)).delete(where);
        }
        return spans;
    }

    /**
     * One pass over bronze rows (definition columns and {@code event_date}) for two outputs, tagged
     * by which key columns are set: per entity and bucket ({@code bucket_start} set), each feature's
     * summed contributions ({@code s_<feature>}) and sample count ({@code n_<feature>}); per entity,
     * attribute, value and date ({@code attribute} set), the novelty partial counts. Each task sums
     * its events' contributions per entity and bucket ({@link BucketSums}) and counts novelty
     * values in a map, and hands both to Spark's aggregation, which merges the tasks.
     */
    private static Dataset<Row> scan(Dataset<Row> events, Map<String, List<long[]>> incidents) {
        List<Column> aggs = new ArrayList<>();
        for (Feature f : FEATURES) {
            aggs.add(sum("s_" + f.wireName()).as("s_" + f.wireName()));
            aggs.add(sum("n_" + f.wireName()).as("n_" + f.wireName()));
        }
        aggs.add(sum("count").as("count"));
        aggs.add(min("first_seen").as("first_seen"));
        aggs.add(max("last_seen").as("last_seen"));
        Dataset<Row> input = events.select(cols(EventRows.DEFINITION_COLUMNS_AND_DATE));
        StructType schema = input.schema();
        return input.mapPartitions((MapPartitionsFunction<Row, Row>) rows -> new Scan(rows, schema, incidents),
                        Encoders.row(SCAN))
                .groupBy(cols("tenant", "entity_kind", "entity_id", "bucket_start", "attribute", "value", "event_date"))
                .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));
    }

    /** The scan's feature rows: per entity and bucket, {@code s_<feature>} and {@code n_<feature>}. */
    private static Dataset<Row> buckets(Dataset<Row> scan) {
        List<Column> c = new ArrayList<>(List.of(cols("tenant", "entity_kind", "entity_id", "bucket_start")));
        for (Feature f : FEATURES) {
            c.add(col("s_" + f.wireName()));
            c.add(col("n_" + f.wireName()));
        }
        return scan.filter(col("bucket_start").isNotNull()).select(c.toArray(Column[]::new));
    }

    /** The scan's novelty partials, per date (without the fingerprint). */
    private static Dataset<Row> partials(Dataset<Row> scan) {
        return scan.filter(col("attribute").isNotNull()).select(cols("tenant", "entity_kind", "entity_id",
                "attribute", "value", "count", "first_seen", "last_seen", "event_date"));
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

    /**
     * One task of the scan: its events' feature contributions summed per entity and bucket in
     * {@link BucketSums} and its novelty counts, handed to Spark's aggregation (which merges the
     * tasks) when a map is full and at the end. Sums follow the events' order, as Spark's own
     * map-side aggregation of per-event rows did.
     */
    private static final class Scan implements Iterator<Row> {
        private final Iterator<Row> rows;
        private final EventRows.Reader reader;
        private final int date;
        private final NoveltyPartials.Counter novelty;
        private final NoveltyPartials.Sink noveltyRows;
        private final BucketSums sums = new BucketSums();
        private final ArrayDeque<Row> pending = new ArrayDeque<>();
        private Iterator<Row> drain = java.util.Collections.emptyIterator();
        private boolean flushed;

        Scan(Iterator<Row> rows, StructType schema, Map<String, List<long[]>> incidents) {
            this.rows = rows;
            this.reader = new EventRows.Reader(schema);
            this.date = schema.fieldIndex("event_date");
            this.novelty = new NoveltyPartials.Counter(incidents);
            this.noveltyRows = (k, a, v, d, n, first, last) -> {
                Object[] r = new Object[SCAN.size()];
                r[0] = k.tenant();
                r[1] = k.kind().wireName();
                r[2] = k.id();
                r[4] = a.wireName();
                r[5] = v;
                r[6] = d;
                for (int i = 0; i < FEATURES.length; i++) {
                    r[7 + 2 * i] = NO_SUM;
                    r[8 + 2 * i] = NO_SAMPLES;
                }
                r[7 + 2 * FEATURES.length] = n;
                r[8 + 2 * FEATURES.length] = first;
                r[9 + 2 * FEATURES.length] = last;
                pending.add(RowFactory.create(r));
            };
        }

        @Override
        public boolean hasNext() {
            while (pending.isEmpty() && !drain.hasNext()) {
                if (rows.hasNext()) {
                    Row r = rows.next();
                    ActivityEvent e = reader.event(r);
                    sums.add(e);
                    if (sums.full()) {
                        drain = sums.drain();
                    }
                    novelty.add(e, r.get(date), noveltyRows);
                } else if (!flushed) {
                    flushed = true;
                    drain = sums.drain();
                    novelty.flush(noveltyRows);
                } else {
                    return false;
                }
            }
            return true;
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return drain.hasNext() ? drain.next() : pending.poll();
        }
    }

    private static StructType scanSchema() {
        StructType s = new StructType()
                .add("tenant", DataTypes.StringType, false)
                .add("entity_kind", DataTypes.StringType, false)
                .add("entity_id", DataTypes.StringType, false)
                .add("bucket_start", DataTypes.TimestampType, true)
                .add("attribute", DataTypes.StringType, true)
                .add("value", DataTypes.StringType, true)
                .add("event_date", DataTypes.DateType, true);
        for (Feature f : FEATURES) {
            s = s.add("s_" + f.wireName(), DataTypes.DoubleType, false).add("n_" + f.wireName(),
                    DataTypes.LongType, false);
        }
        return s.add("count", DataTypes.LongType, false)
                .add("first_seen", DataTypes.TimestampType, true)
                .add("last_seen", DataTypes.TimestampType, true);
    }

    private static Column[] cols(String... names) {
        return java.util.Arrays.stream(names).map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
    }
}
