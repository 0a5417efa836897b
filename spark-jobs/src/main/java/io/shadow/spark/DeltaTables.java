package io.shadow.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delta.tables.DeltaTable;
import io.shadow.features.table.Column;
import io.shadow.features.table.KernelTableReader;
import io.shadow.features.table.ShadowTable;
import io.shadow.features.table.TableCatalog;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Spark's view of the table catalog: schemas from {@link ShadowTable}, creation, reads and writes. */
public final class DeltaTables {
    private DeltaTables() {
    }

    public static StructType schema(ShadowTable t) {
        List<StructField> fields = new ArrayList<>();
        for (Column c : t.columns()) {
            fields.add(DataTypes.createStructField(c.name(), type(c), c.nullable()));
        }
        return DataTypes.createStructType(fields);
    }

    private static DataType type(Column c) {
        return switch (c.type()) {
            case STRING -> DataTypes.StringType;
            case INT -> DataTypes.IntegerType;
            case LONG -> DataTypes.LongType;
            case DOUBLE -> DataTypes.DoubleType;
            case BOOLEAN -> DataTypes.BooleanType;
            case TIMESTAMP -> DataTypes.TimestampType;
            case DATE -> DataTypes.DateType;
            case MAP_STRING_STRING -> DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType, true);
        };
    }

    /** Creates the table at its catalog location when it does not exist yet. */
    public static DeltaTable ensure(SparkSession spark, TableCatalog catalog, ShadowTable t) {
        return DeltaTable.createIfNotExists(spark).location(catalog.path(t)).addColumns(schema(t))
                .partitionedBy(t.partitionColumns().toArray(String[]::new)).execute();
    }

    /**
     * Like {@link #ensure} without its cost when the table's log plainly exists (its first commit
     * or a checkpoint is there): creating a table that exists reads and checks its whole log, and
     * the jobs read and write tables dozens of times a night.
     */
    static void ensureExists(SparkSession spark, TableCatalog catalog, ShadowTable t) {
        String log = catalog.path(t) + "/_delta_log/";
        try {
            Path first = new Path(log + "00000000000000000000.json");
            FileSystem fs = first.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (fs.exists(first) || fs.exists(new Path(log + "_last_checkpoint"))) {
                return;
            }
        } catch (IOException e) {
            // cannot tell: let Delta decide
        }
        ensure(spark, catalog, t);
    }

    public static Dataset<Row> read(SparkSession spark, TableCatalog catalog, ShadowTable t) {
        ensureExists(spark, catalog, t);
        return spark.read().format("delta").load(catalog.path(t));
    }

    /**
     * The table's rows, or none (with the table's columns) where there is no table: unlike {@link #read}
     * it creates nothing, so a table an operator moved aside is not replaced by an empty one.
     */
    public static Dataset<Row> readIfExists(SparkSession spark, TableCatalog catalog, ShadowTable t) {
        return DeltaTable.isDeltaTable(spark, catalog.path(t)) ? spark.read().format("delta").load(catalog.path(t))
                : spark.createDataFrame(List.of(), schema(t));
    }

    /** The table as it was at {@code version} (a snapshot listed elsewhere, e.g. with Delta Kernel). */
    public static Dataset<Row> readVersion(SparkSession spark, TableCatalog catalog, ShadowTable t, long version) {
        return spark.read().format("delta").option("versionAsOf", version).load(catalog.path(t));
    }

    /**
     * Replaces the table's content in one commit (readers see the old or the new, never a mix). A
     * column added to {@link ShadowTable} since the table was created is added to it (merge schema);
     * nothing else about the schema may change.
     */
    public static void overwrite(SparkSession spark, TableCatalog catalog, ShadowTable t, Dataset<Row> rows) {
        ensureExists(spark, catalog, t);
        inTableOrder(t, rows).write().format("delta").mode("overwrite").option("overwriteSchema", "false")
                .option("mergeSchema", "true")
                .save(catalog.path(t));
    }

    /**
     * Replaces the rows matching {@code predicate} (e.g. one partition) with {@code rows} in one commit;
     * Delta refuses the write if a row falls outside the predicate.
     */
    public static void overwriteWhere(SparkSession spark, TableCatalog catalog, ShadowTable t, Dataset<Row> rows,
            String predicate) {
        replaceWhere(spark, catalog, t, rows, predicate, null);
    }

    /**
     * {@link #overwriteWhere} that returns how many rows it wrote, from its own commit's metrics
     * (found by a tag in the commit's {@code userMetadata}, so another writer's commit is never
     * taken for it); empty when the commit carries no row count. Counting the rows again would cost
     * another pass over them.
     */
    public static OptionalLong overwriteWhereCounted(SparkSession spark, TableCatalog catalog, ShadowTable t,
            Dataset<Row> rows, String predicate) {
        String tag = "shadow " + t.name().toLowerCase(Locale.ROOT) + " " + predicate + " " + UUID.randomUUID();
        replaceWhere(spark, catalog, t, rows, predicate, tag);
        return committedRows(spark, catalog.path(t), tag);
    }

    private static void replaceWhere(SparkSession spark, TableCatalog catalog, ShadowTable t, Dataset<Row> rows,
            String predicate, String tag) {
        ensureExists(spark, catalog, t);
        DataFrameWriter<Row> write = inTableOrder(t, rows).write().format("delta").mode("overwrite")
                .option("replaceWhere", predicate);
        (tag == null ? write : write.option("userMetadata", tag)).save(catalog.path(t));
    }

    /**
     * The {@code numOutputRows} of the commit tagged {@code tag}, read from the newest commit files
     * of the log (no Spark job: the history API plans one).
     */
    private static OptionalLong committedRows(SparkSession spark, String table, String tag) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        long latest = new KernelTableReader(conf).latestVersion(table).orElse(-1L);
        for (long v = latest; v >= 0 && v > latest - 20; v--) {
            Path commit = new Path(table + "/_delta_log/" + String.format("%020d.json", v));
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(
                    commit.getFileSystem(conf).open(commit), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    JsonNode info = COMMITS.readTree(line).path("commitInfo");
                    if (tag.equals(info.path("userMetadata").asText(null))) {
                        String n = info.path("operationMetrics").path("numOutputRows").asText(null);
                        return n == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(n));
                    }
                }
            } catch (IOException e) {
                return OptionalLong.empty(); // cleaned up or unreadable: the caller counts
            }
        }
        return OptionalLong.empty();
    }

    private static final ObjectMapper COMMITS = new ObjectMapper();

    /** The table's columns of {@code rows}, in the table's order (extra columns dropped). */
    private static Dataset<Row> inTableOrder(ShadowTable t, Dataset<Row> rows) {
        return rows.select(t.columnNames().stream().map(org.apache.spark.sql.functions::col)
                .toArray(org.apache.spark.sql.Column[]::new));
    }

    public static long count(SparkSession spark, TableCatalog catalog, ShadowTable t) {
        return read(spark, catalog, t).count();
    }
}
