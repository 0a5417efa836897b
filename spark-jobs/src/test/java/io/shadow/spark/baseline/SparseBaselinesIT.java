package io.shadow.spark.baseline;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.hour;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log1p;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.unix_timestamp;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.shadow.features.ActivityEvent;
import io.shadow.features.Buckets;
import io.shadow.features.EntityKey;
import io.shadow.features.EventClass;
import io.shadow.features.Feature;
import io.shadow.features.FeatureDefinitions;
import io.shadow.features.Outcome;
import io.shadow.features.ResourceType;
import io.shadow.features.table.ShadowTable;
import io.shadow.features.table.TableCatalog;
import io.shadow.spark.DeltaTables;
import io.shadow.spark.EventRows;
import io.shadow.spark.SharedSpark;
import io.shadow.spark.features.FeatureJob;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The features table stores no zero buckets; the baselines must still equal the ones the
 * zero-filled series gives. Here the zero-filled table is built independently in plain Java from
 * the same events (every bucket from an entity's first to the end of the date, from midnight on
 * later dates) and summarised with Spark's {@code percentile_approx}, as the baselines were
 * before; both must agree on every entity, hour and population row. The data has what makes this
 * hard: quiet buckets and quiet hours, a known principal that is silent for a whole day, one that
 * appears in the afternoon of day two, a host with samples and rare process starts, volumes with
 * idle buckets, and a confirmed incident in the middle of a principal's activity.
 */
class SparseBaselinesIT {
    private static final LocalDate DAY1 = LocalDate.parse("2026-11-09");
    private static final LocalDate DAY2 = DAY1.plusDays(1);
    private static final String[] KEY = {"tenant", "entity_kind", "entity_id", "feature", "hour"};

    @TempDir
    Path dir;

    @Test
    void baselinesFromSparseFeaturesEqualThoseOfTheZeroFilledSeries() {
        SparkSession spark = SharedSpark.session();
        TableCatalog catalog = TableCatalog.local(dir.resolve("warehouse"));
        List<ActivityEvent> events = events();
        DeltaTables.overwrite(spark, catalog, ShadowTable.EVENTS, spark.createDataFrame(events.stream()
                .map(e -> EventRows.row(e, Instant.EPOCH)).toList(), DeltaTables.schema(ShadowTable.EVENTS)));
        Instant incident = DAY1.atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(10 * 3600 + 17);
        DeltaTables.overwrite(spark, catalog, ShadowTable.INCIDENTS, spark.createDataFrame(List.of(
                RowFactory.create("inc-1", "acme", "principal", "u-3", incident, incident.plusSeconds(1500),
                        "events@data_storage", 1, incident.plusSeconds(3600)),
                RowFactory.create("inc-2", "acme", "principal", "u-1", incident, incident.plusSeconds(1500),
                        "events@data_storage", 0, incident.plusSeconds(3600))), DeltaTables.schema(ShadowTable.INCIDENTS)));

        FeatureJob features = new FeatureJob(spark, catalog);
        long day1 = features.run(DAY1);
        long day2 = features.run(DAY2);
        long entityFeatures = new BaselineJob(spark, catalog).run();
        // the counts the nightly run reports are the rows in the tables
        Dataset<Row> written = DeltaTables.read(spark, catalog, ShadowTable.FEATURES);
        assertThat(day1).isPositive().isEqualTo(written.filter(col("bucket_date").equalTo(lit(DAY1))).count());
        assertThat(day2).isPositive().isEqualTo(written.filter(col("bucket_date").equalTo(lit(DAY2))).count());
        assertThat(entityFeatures).isEqualTo(DeltaTables.read(spark, catalog, ShadowTable.BASELINES)
                .filter(col("hour").equalTo(-1).and(col("entity_id").notEqual("*"))).count());

        Dataset<Row> dense = zeroFilled(spark, events);
        long zeros = dense.filter(col("value").equalTo(0)).count();
        assertThat(DeltaTables.count(spark, catalog, ShadowTable.FEATURES))
                .as("the sparse table stores the non-zero buckets only").isLessThan(dense.count() - zeros / 2);

        Map<String, Row> expected = byKey(denseBaselines(spark, catalog, dense));
        Map<String, Row> actual = byKey(DeltaTables.read(spark, catalog, ShadowTable.BASELINES));
        assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        assertThat(actual).containsKeys("acme|principal|u-1|events|-1", "acme|principal|*|deletes|14",
                "acme|host|h-1|process_starts|3", "acme|principal|u-2|bytes_out|15");
        for (String k : expected.keySet()) {
            for (String c : List.of("median", "scale", "mean", "variance", "diff_median", "diff_scale")) {
                double e = expected.get(k).<Double>getAs(c);
                assertThat(actual.get(k).<Double>getAs(c)).as(k + " " + c).isCloseTo(e, within(1e-9 * Math.max(1,
                        Math.abs(e))));
            }
            assertThat(actual.get(k).<Long>getAs("samples")).as(k).isEqualTo(expected.get(k).<Long>getAs("samples"));
        }
        // u-1 is silent all of day two, which its baseline knows: its buckets run from its first to the end of day two
        Instant first = DeltaTables.read(spark, catalog, ShadowTable.FEATURES).filter(col("entity_id").equalTo("u-1"))
                .agg(org.apache.spark.sql.functions.min("bucket_start")).first().getAs(0);
        Row u1 = actual.get("acme|principal|u-1|events|-1");
        assertThat(u1.<Long>getAs("samples")).isEqualTo((DAY2.plusDays(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond()
                - first.getEpochSecond()) / Buckets.SECONDS);
        assertThat(u1.<Double>getAs("median")).isZero();
    }

    /** Two days of four principals and a host, irregular enough that every statistic has quiet buckets to count. */
    private static List<ActivityEvent> events() {
        Random rnd = new Random(7);
        List<ActivityEvent> out = new ArrayList<>();
        Instant d1 = DAY1.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant d2 = DAY2.atStartOfDay(ZoneOffset.UTC).toInstant();
        // u-1: day one 08:00-16:00, then silent; u-3: both days, sparse; u-2: from 13:37 on day two
        principal(out, rnd, "u-1", d1.plusSeconds(8 * 3600), 96, 0.7);
        principal(out, rnd, "u-3", d1.plusSeconds(3600), 250, 0.3);
        principal(out, rnd, "u-3", d2, 288, 0.2);
        principal(out, rnd, "u-2", d2.plusSeconds(13 * 3600 + 37 * 60), 100, 0.5);
        for (int m = 0; m < 6 * 60; m++) {
            Instant t = d1.plusSeconds(2 * 3600 + m * 60L);
            out.add(ActivityEvent.builder().tenant("acme").time(t).eventClass(EventClass.RESOURCE_USAGE)
                    .operation("sample").host("h-1").resourceType(ResourceType.COMPUTE)
                    .cpuPct((double) rnd.nextInt(100)).memPct(40.0 + rnd.nextInt(3))
                    .bytesOut(rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(10_000)).build());
            if (rnd.nextInt(25) == 0) {
                out.add(ActivityEvent.builder().tenant("acme").time(t.plusSeconds(7))
                        .eventClass(EventClass.PROCESS_ACTIVITY).operation("exec").host("h-1")
                        .resourceType(ResourceType.PROCESS).resourceId("/usr/bin/backup").build());
            }
        }
        return out;
    }

    private static void principal(List<ActivityEvent> out, Random rnd, String id, Instant from, int buckets,
            double activeShare) {
        String[] ops = {"GetObject", "GetObject", "PutObject", "DeleteObject", "AttachRolePolicy"};
        for (int b = 0; b < buckets; b++) {
            if (rnd.nextDouble() > activeShare) {
                continue; // a quiet bucket
            }
            int n = 1 + rnd.nextInt(rnd.nextInt(8) == 0 ? 40 : 5);
            for (int i = 0; i < n; i++) {
                out.add(ActivityEvent.builder().tenant("acme").time(from.plusSeconds(b * 300L + rnd.nextInt(300)))
                        .eventClass(EventClass.API_ACTIVITY).operation(ops[rnd.nextInt(ops.length)]).principal(id)
                        .srcIp("10.0.0.1").resourceType(ResourceType.DATA_STORAGE).resourceId("s3://b")
                        .outcome(rnd.nextInt(6) == 0 ? Outcome.FAILURE : Outcome.SUCCESS)
                        .bytesOut(rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(1_000_000)).bytesIn(rnd.nextInt(100))
                        .build());
            }
        }
    }

    /**
     * The zero-filled features the pipeline used to store, in plain Java: per date, every sum
     * feature of every entity known by then gets a value in every bucket from its first bucket
     * (midnight on later dates) to the end of the date.
     */
    private static Dataset<Row> zeroFilled(SparkSession spark, List<ActivityEvent> events) {
        Map<String, double[]> acc = new TreeMap<>();
        Map<EntityKey, Long> firsts = new HashMap<>();
        for (ActivityEvent e : events) {
            long bucket = Buckets.start(e.time());
            FeatureDefinitions.contributions(e, (k, f, v) -> {
                double[] a = acc.computeIfAbsent(k.kind().wireName() + "|" + k.id() + "|" + f.wireName() + "|"
                        + bucket, x -> new double[2]);
                a[0] += v;
                a[1]++;
                firsts.merge(k, bucket, Math::min);
            });
        }
        List<Row> rows = new ArrayList<>();
        Set<String> observed = new HashSet<>();
        acc.forEach((k, a) -> {
            String[] p = k.split("\\|");
            Feature f = Feature.fromWire(p[2]);
            rows.add(RowFactory.create("acme", p[0], p[1], Instant.ofEpochSecond(Long.parseLong(p[3])), p[2],
                    f.aggregation() == Feature.Aggregation.MEAN ? a[0] / a[1] : a[0]));
            observed.add(k);
        });
        long end = DAY2.plusDays(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        firsts.forEach((k, first) -> {
            for (Feature f : Feature.values()) {
                if (f.entityKind() != k.kind() || f.aggregation() != Feature.Aggregation.SUM) {
                    continue;
                }
                for (long b = first; b < end; b += Buckets.SECONDS) {
                    if (!observed.contains(k.kind().wireName() + "|" + k.id() + "|" + f.wireName() + "|" + b)) {
                        rows.add(RowFactory.create("acme", k.kind().wireName(), k.id(), Instant.ofEpochSecond(b),
                                f.wireName(), 0.0));
                    }
                }
            }
        });
        return spark.createDataFrame(rows, new StructType().add("tenant", DataTypes.StringType)
                .add("entity_kind", DataTypes.StringType).add("entity_id", DataTypes.StringType)
                .add("bucket_start", DataTypes.TimestampType).add("feature", DataTypes.StringType)
                .add("value", DataTypes.DoubleType));
    }

    /** The baselines as computed before the table was sparse: eight Spark groupings over the zero-filled rows. */
    private static Dataset<Row> denseBaselines(SparkSession spark, TableCatalog catalog, Dataset<Row> dense) {
        Object[] logFeatures = Arrays.stream(Feature.values()).filter(f -> f.scale() == Feature.Scale.LOG)
                .map(Feature::wireName).toArray();
        Dataset<Row> confirmed = DeltaTables.read(spark, catalog, ShadowTable.INCIDENTS).filter(col("label").equalTo(1))
                .select(col("tenant").as("i_tenant"), col("entity_kind").as("i_kind"), col("entity_id").as("i_id"),
                        col("start_time").as("i_start"), col("end_time").as("i_end"));
        Column inIncident = col("tenant").equalTo(col("i_tenant")).and(col("entity_kind").equalTo(col("i_kind")))
                .and(col("entity_id").equalTo(col("i_id")))
                .and(col("bucket_start").geq(col("i_start").minus(expr("INTERVAL "
                        + IncidentWindows.LEAD.toSeconds() + " SECONDS"))))
                .and(col("bucket_start").leq(col("i_end").plus(expr("INTERVAL " + Buckets.SECONDS + " SECONDS"))));
        Dataset<Row> features = dense.join(confirmed, inIncident, "left_anti")
                .filter(not(col("feature").isin(logFeatures)).or(col("value").gt(0)))
                .withColumn("value", when(col("feature").isin(logFeatures), log1p(col("value")))
                        .otherwise(col("value")))
                .withColumn("hour", hour(col("bucket_start")));
        var w = Window.partitionBy("tenant", "entity_kind", "entity_id", "feature").orderBy("bucket_start");
        Dataset<Row> diffs = features
                .withColumn("prev_value", lag(col("value"), 1).over(w))
                .withColumn("prev_bucket", lag(col("bucket_start"), 1).over(w))
                .filter(unix_timestamp(col("bucket_start")).minus(unix_timestamp(col("prev_bucket")))
                        .equalTo(Buckets.SECONDS))
                .withColumn("diff", col("value").minus(col("prev_value")));
        String[] entity = {"tenant", "entity_kind", "entity_id", "feature"};
        String[] population = {"tenant", "entity_kind", "feature"};
        Dataset<Row> all = null;
        for (String[] g : List.of(entity, with(entity, "hour"), population, with(population, "hour"))) {
            Dataset<Row> d = stats(features, "value", "", g).join(stats(diffs, "diff", "diff_", g)
                    .drop("samples", "diff_mean", "diff_variance"), seq(g), "left");
            if (!Arrays.asList(g).contains("hour")) {
                d = d.withColumn("hour", lit(-1));
            }
            if (!Arrays.asList(g).contains("entity_id")) {
                d = d.withColumn("entity_id", lit(EntityKey.POPULATION));
            }
            all = all == null ? d : all.unionByName(d);
        }
        return all.na().fill(0.0, new String[] {"diff_median", "diff_scale", "variance"});
    }

    /** Median (percentile_approx), spread max(1.4826 MAD, (p95 - median) / 1.645), mean, variance, samples per group. */
    private static Dataset<Row> stats(Dataset<Row> rows, String value, String prefix, String... groups) {
        Column[] g = Arrays.stream(groups).map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
        Dataset<Row> med = rows.groupBy(g).agg(
                percentile_approx(col(value), org.apache.spark.sql.functions.array(lit(0.5), lit(0.95)),
                        lit(10_000)).as("q"),
                org.apache.spark.sql.functions.avg(col(value)).as(prefix + "mean"),
                org.apache.spark.sql.functions.var_pop(col(value)).as(prefix + "variance"),
                count(lit(1)).as("samples"))
                .withColumn(prefix + "median", col("q").getItem(0))
                .withColumn("upper", col("q").getItem(1).minus(col("q").getItem(0)).divide(1.645))
                .drop("q");
        Dataset<Row> mad = rows.join(med, seq(groups)).groupBy(g).agg(percentile_approx(abs(col(value)
                .minus(col(prefix + "median"))), lit(0.5), lit(10_000)).multiply(1.4826).as("mad"));
        return med.join(mad, seq(groups)).withColumn(prefix + "scale", greatest(col("mad"), col("upper")))
                .drop("mad", "upper");
    }

    private static Map<String, Row> byKey(Dataset<Row> rows) {
        Map<String, Row> out = new HashMap<>();
        for (Row r : rows.collectAsList()) {
            StringBuilder k = new StringBuilder();
            for (String c : KEY) {
                k.append(k.length() == 0 ? "" : "|").append(r.<Object>getAs(c));
            }
            assertThat(out.put(k.toString(), r)).as("one row per " + k).isNull();
        }
        return out;
    }

    private static String[] with(String[] a, String b) {
        String[] out = Arrays.copyOf(a, a.length + 1);
        out[a.length] = b;
        return out;
    }

    private static scala.collection.immutable.Seq<String> seq(String[] cols) {
        return scala.jdk.javaapi.CollectionConverters.asScala(Arrays.asList(cols)).toList();
    }
}
