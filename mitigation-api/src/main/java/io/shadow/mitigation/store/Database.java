package io.shadow.mitigation.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.Closeable;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The mitigation store's connection pool, migrated to the current schema with Flyway on open.
 * {@code jdbc:h2:file:…} is the embedded default; {@code jdbc:postgresql://…} at scale.
 */
public final class Database implements Closeable {
    private final HikariDataSource dataSource;

    private Database(HikariDataSource ds) {
        this.dataSource = ds;
    }

    public static Database open(String jdbcUrl, String user, String password) {
        HikariDataSource ds = pool(jdbcUrl, user, password);
        String vendor = jdbcUrl.startsWith("jdbc:h2:") ? "h2" : "postgresql";
        Flyway.configure().dataSource(ds).locations("classpath:db/migration", "classpath:db/vendor/" + vendor).load()
                .migrate();
        return new Database(ds);
    }

    /** Connects to an existing store without migrating it, for readers that must leave it as it is (backtests). */
    public static Database openExisting(String jdbcUrl, String user, String password) {
        return new Database(pool(jdbcUrl, user, password));
    }

    private static HikariDataSource pool(String jdbcUrl, String user, String password) {
        if (jdbcUrl == null || !(jdbcUrl.startsWith("jdbc:h2:") || jdbcUrl.startsWith("jdbc:postgresql:"))) {
            throw new IllegalArgumentException("store.jdbc-url '" + jdbcUrl + "' is not supported; use "
                    + "jdbc:h2:file:/path/to/shadow (default) or jdbc:postgresql://host:5432/db");
        }
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(jdbcUrl);
        cfg.setUsername(user);
        cfg.setPassword(password);
        cfg.setMaximumPoolSize(8);
        cfg.setPoolName("shadow-store");
        cfg.setInitializationFailTimeout(10_000);
        try {
            return new HikariDataSource(cfg);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot connect to the mitigation store at " + jdbcUrl + ": "
                    + rootMessage(e) + "; check store.jdbc-url, store.user and store.password", e);
        }
    }

    /** An H2 file database under {@code dir}, readable by other processes (nightly import) while open. */
    public static String h2Url(java.nio.file.Path dir) {
        return "jdbc:h2:file:" + dir.toAbsolutePath().resolve("shadow") + ";AUTO_SERVER=TRUE";
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public String jdbcUrl() {
        return dataSource.getJdbcUrl();
    }

    @Override
    public void close() {
        dataSource.close();
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
