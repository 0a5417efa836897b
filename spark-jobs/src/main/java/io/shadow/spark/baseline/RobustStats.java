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

/**
 * Median, robust spread, mean and variance of a column per group, in Spark. The spread is the
 * larger of 1.4826 × MAD and (p95 − median) / 1.645: both are σ for normal data, but security
 * features are zero-inflated and skewed (an hour in which a job runs half the time has MAD 0; a
 * user's bytes per bucket span small queries and large downloads), and only increases are alerted
 * on, so the upper tail sets the spread when it is wider.
 */
final class RobustStats {
    static final double MAD_TO_SIGMA = 1.4826;
    static final double UPPER_TO_SIGMA = 1.645;
    private static final int ACCURACY = 10_000;

    private RobustStats() {
    }

    /**
     * Returns the group columns plus {@code <prefix>median}, {@code <prefix>scale}, {@code <prefix>mean},
     * {@code <prefix>variance} and {@code samples}.
     */
    static Dataset<Row> of(Dataset<Row> rows, String value, String prefix, String... groups) {
        Column[] g = Arrays.stream(groups).map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
        Dataset<Row> med = rows.groupBy(g).agg(
                percentile_approx(col(value), org.apache.spark.sql.functions.array(lit(0.5), lit(0.95)),
                        lit(ACCURACY)).as("__q"),
                org.apache.spark.sql.functions.avg(col(value)).as(prefix + "mean"),
                org.apache.spark.sql.functions.var_pop(col(value)).as(prefix + "variance"),
                count(lit(1)).as("samples"))
                .withColumn(prefix + "median", col("__q").getItem(0))
                .withColumn("__upper", col("__q").getItem(1).minus(col("__q").getItem(0)).divide(UPPER_TO_SIGMA))
                .drop("__q");
        Dataset<Row> joined = rows.join(med, scala.jdk.javaapi.CollectionConverters.asScala(Arrays.asList(groups))
                .toSeq());
        Dataset<Row> mad = joined.groupBy(g).agg(percentile_approx(abs(col(value).minus(col(prefix + "median"))),
                lit(0.5), lit(ACCURACY)).multiply(MAD_TO_SIGMA).as("__mad"));
        return med.join(mad, scala.jdk.javaapi.CollectionConverters.asScala(Arrays.asList(groups)).toSeq())
                .withColumn(prefix + "scale", org.apache.spark.sql.functions.greatest(col("__mad"), col("__upper")))
                .drop("__mad", "__upper");
    }
}
