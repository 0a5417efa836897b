package io.shadow.spark.feedback;

import io.shadow.features.config.Credentials;
import io.shadow.features.config.H2Servers;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.h2.api.ErrorCode;

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

    /**
     * Why the store cannot be read: {@code reason} for the report; {@code storeWithoutTables} when a
     * database answered but lacks a table (a fresh H2 store has no file at all; one without tables is
     * more likely a {@code store.jdbc-url} naming the wrong database).
     */
    record Missing(String reason, boolean storeWithoutTables) {
    }

    /**
     * Why the store cannot be read yet, or empty when it can: no H2 database where the URL points (no
     * service has run on this installation yet), or a database without one of {@code tables}. Looks
     * without creating anything: H2 is opened with {@code IFEXISTS}, which refuses to create the file.
     */
    Optional<Missing> missing(String... tables) {
        String url = h2(jdbcUrl) && !jdbcUrl.startsWith("jdbc:h2:mem:") ? jdbcUrl + ";IFEXISTS=TRUE" : jdbcUrl;
        try {
            if (h2(jdbcUrl)) {
                H2Servers.loopbackOnly(); // this process may be the first to open the store
                Class.forName("org.h2.Driver");
            }
            try (Connection c = DriverManager.getConnection(url, props)) {
                DatabaseMetaData meta = c.getMetaData();
                for (String table : tables) {
                    if (!hasTable(meta, table)) {
                        return Optional.of(new Missing("the mitigation store at " + location() + " has no " + table
                                + " table yet (the mitigation API creates it when it first starts)", true));
                    }
                }
                return Optional.empty();
            }
        } catch (SQLException e) {
            if (e.getErrorCode() == ErrorCode.DATABASE_NOT_FOUND_WITH_IF_EXISTS_1
                    || e.getErrorCode() == ErrorCode.DATABASE_NOT_FOUND_1) {
                return Optional.of(new Missing("no mitigation store yet at " + location(), false));
            }
            throw new IllegalStateException("cannot open the mitigation store at " + Credentials.redact(jdbcUrl) + ": "
                    + Credentials.redact(e.getMessage()) + "; check store.jdbc-url, store.user and store.password", e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("no H2 driver on the classpath for " + Credentials.redact(jdbcUrl), e);
        }
    }

    private static boolean hasTable(DatabaseMetaData meta, String table) throws SQLException {
        // unquoted names: H2 keeps them upper case, PostgreSQL lower case
        for (String name : new String[] {table.toUpperCase(Locale.ROOT), table.toLowerCase(Locale.ROOT)}) {
            try (ResultSet r = meta.getTables(null, null, name, null)) {
                if (r.next()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The store's file for an H2 file URL ({@code <path>.mv.db}), else the URL without a password in it. */
    String location() {
        String u = jdbcUrl.split(";", 2)[0];
        if (!h2(u) || u.startsWith("jdbc:h2:mem:") || u.startsWith("jdbc:h2:tcp:") || u.startsWith("jdbc:h2:ssl:")) {
            return Credentials.redact(u);
        }
        String path = u.substring("jdbc:h2:".length());
        return (path.startsWith("file:") ? path.substring("file:".length()) : path) + ".mv.db";
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
            H2Servers.loopbackOnly(); // this process may be the first to open the store
            Class.forName("org.h2.Driver");
            Connection held = DriverManager.getConnection(jdbcUrl, props);
            return () -> {
                try {
                    held.close();
                } catch (SQLException e) {
                    throw new IllegalStateException("cannot close the mitigation store at "
                            + Credentials.redact(jdbcUrl), e);
                }
            };
        } catch (ClassNotFoundException | SQLException e) {
            throw new IllegalStateException("cannot open the mitigation store at " + Credentials.redact(jdbcUrl) + ": "
                    + Credentials.redact(e.getMessage()) + "; check store.jdbc-url, store.user and store.password", e);
        }
    }

    private static boolean h2(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:h2:");
    }
}
