package io.shadow.spark.baseline;

import static org.apache.spark.sql.functions.col;

import io.shadow.features.table.ShadowTable;
import io.shadow.features.table.TableCatalog;
import io.shadow.spark.DeltaTables;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Removes activity inside confirmed incidents, so attacks never become part of "normal". */
final class IncidentWindows {
    private IncidentWindows() {
    }

    /** {@code rows} without those whose {@code timeColumn} falls in a confirmed incident of their entity. */
    static Dataset<Row> exclude(SparkSession spark, TableCatalog catalog, Dataset<Row> rows, String timeColumn,
            long slackSeconds) {
        Dataset<Row> confirmed = DeltaTables.read(spark, catalog, ShadowTable.INCIDENTS)
                .filter(col("label").equalTo(1))
                .select(col("tenant").as("i_tenant"), col("entity_kind").as("i_kind"), col("entity_id").as("i_id"),
                        col("start_time").as("i_start"), col("end_time").as("i_end"));
        Column inWindow = col("tenant").equalTo(col("i_tenant"))
                .and(col("entity_kind").equalTo(col("i_kind")))
                .and(col("entity_id").equalTo(col("i_id")))
                .and(col(timeColumn).geq(col("i_start").minus(org.apache.spark.sql.functions.expr(
                        "INTERVAL " + slackSeconds + " SECONDS"))))
                .and(col(timeColumn).leq(col("i_end")));
        return rows.join(org.apache.spark.sql.functions.broadcast(confirmed), inWindow, "left_anti");
    }
}
