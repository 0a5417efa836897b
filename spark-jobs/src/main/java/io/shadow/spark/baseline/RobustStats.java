package io.shadow.spark.baseline;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.percentile_approx;

import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Median and robust spread (1.4826 × median absolute deviation) of a column per group, in Spark. */
final class RobustStats {
    static final double MAD_TO_SIGMA = 1.4826;
    private static final int ACCURACY = 10_000;

    private RobustStats() {
    }

    /** Returns the group columns plus {@code <prefix>median}, {@code <prefix>scale} and {@code samples}. */
    static Dataset<Row> of(Dataset<Row> rows, String value, String prefix, String... groups) {
        Column[] g = Arrays.stream(groups).map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
        Dataset<Row> med = rows.groupBy(g).agg(
                percentile_approx(col(value), lit(0.5), lit(ACCURACY)).as(prefix + "median"),
                count(lit(1)).as("samples"));
        Dataset<Row> joined = rows.join(med, scala.jdk.javaapi.CollectionConverters.asScala(Arrays.asList(groups))
                .toSeq());
        Dataset<Row> mad = joined.groupBy(g).agg(percentile_approx(abs(col(value).minus(col(prefix + "median"))),
                lit(0.5), lit(ACCURACY)).multiply(MAD_TO_SIGMA).as(prefix + "scale"));
        return med.join(mad, scala.jdk.javaapi.CollectionConverters.asScala(Arrays.asList(groups)).toSeq());
    }
}
