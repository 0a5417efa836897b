package io.shadow.spark.feedback;

import java.util.Properties;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** The mitigation store's tables as Spark reads them over JDBC (H2 embedded, PostgreSQL at scale). */
record MitigationStoreTables(String jdbcUrl, Properties props) {

    static MitigationStoreTables of(String jdbcUrl, String user, String password) {
        Properties p = new Properties();
        if (user != null) {
            p.setProperty("user", user);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        p.setProperty("driver", jdbcUrl.startsWith("jdbc:h2:") ? "org.h2.Driver" : "org.postgresql.Driver");
        return new MitigationStoreTables(jdbcUrl, p);
    }

    Dataset<Row> read(SparkSession spark, String table) {
        return spark.read().jdbc(jdbcUrl, table, props);
    }
}
