package io.shadow.spark.feedback;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** The mitigation store's tables as Spark reads them over JDBC (H2 embedded, PostgreSQL at scale). */
record MitigationStoreTables(String jdbcUrl, Properties props) {

    /** Held while a job reads the store; closing it lets the store close. */
    interface Hold extends AutoCloseable {
        @Override
        void close();
    }

    static MitigationStoreTables of(String jdbcUrl, String user, String password) {
        Properties p = new Properties();
        if (user != null) {
            p.setProperty("user", user);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        p.setProperty("driver", h2(jdbcUrl) ? "org.h2.Driver" : "org.postgresql.Driver");
        return new MitigationStoreTables(jdbcUrl, p);
    }

    Dataset<Row> read(SparkSession spark, String table) {
        return spark.read().jdbc(jdbcUrl, table, props);
    }

    /**
     * Keeps an H2 file store open in this JVM until closed. Each Spark read opens and closes its own
     * connections; without a connection held here, every close of the last one closes the database
     * file and the next read opens it again, and a read that races such a close (a task's connection
     * closing while the next stage's opens) was seen to read an earlier state of the file. With the
     * store held open every read shares one open database. A no-op for PostgreSQL.
     */
    Hold holdOpen() {
        if (!h2(jdbcUrl)) {
            return () -> { };
        }
        try {
            Class.forName("org.h2.Driver");
            Connection held = DriverManager.getConnection(jdbcUrl, props);
            return () -> {
                try {
                    held.close();
                } catch (SQLException e) {
                    throw new IllegalStateException("cannot close the mitigation store at " + jdbcUrl, e);
                }
            };
        } catch (ClassNotFoundException | SQLException e) {
            throw new IllegalStateException("cannot open the mitigation store at " + jdbcUrl + ": " + e.getMessage()
                    + "; check store.jdbc-url, store.user and store.password", e);
        }
    }

    private static boolean h2(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:h2:");
    }
}
