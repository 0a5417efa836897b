package io.shadow.mitigation.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.shadow.features.config.Credentials;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The mitigation store's connection pool, migrated to the current schema with Flyway on open.
 * {@code jdbc:h2:file:…} is the embedded default; {@code jdbc:postgresql://…} at scale.
 */
public final class Database implements Closeable {
    private static final String H2_FILE = "jdbc:h2:file:";
    /** How long a store operation waits for a connection before failing as unavailable. */
    static final long CONNECTION_TIMEOUT_MS = 5_000;
    private final HikariDataSource dataSource;

    private Database(HikariDataSource ds) {
        this.dataSource = ds;
    }

    public static Database open(String jdbcUrl, String user, String password) {
        createH2Folder(jdbcUrl);
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
            throw new IllegalArgumentException("store.jdbc-url '" + Credentials.redact(jdbcUrl) + "' is not supported; "
                    + "use jdbc:h2:file:/path/to/shadow (default) or jdbc:postgresql://host:5432/db");
        }
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(jdbcUrl);
        cfg.setUsername(user);
        cfg.setPassword(password);
        cfg.setMaximumPoolSize(8);
        cfg.setPoolName("shadow-store");
        cfg.setInitializationFailTimeout(10_000);
        // a request waits at most this long for a connection when the database is down, then is told so
        // (503), and the scorer holds its assessments instead of stalling its shard threads
        cfg.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
        try {
            return new HikariDataSource(cfg);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot connect to the mitigation store at " + Credentials.redact(jdbcUrl)
                    + ": " + Credentials.redact(rootMessage(e)) + "; check store.jdbc-url, store.user and "
                    + "store.password", e);
        }
    }

    /**
     * Creates the folder of an H2 file database before H2 tries: H2 fails on a folder it cannot create
     * by printing a stack trace to stderr at every attempt of the pool (its trace file cannot be written
     * either), and then names no cause a user can act on.
     */
    private static void createH2Folder(String jdbcUrl) {
        if (jdbcUrl == null || !jdbcUrl.startsWith(H2_FILE)) {
            return;
        }
        String file = jdbcUrl.substring(H2_FILE.length()).split(";", 2)[0];
        Path folder = file.startsWith("~") ? null : Path.of(file).toAbsolutePath().getParent();
        if (folder == null) {
            return;
        }
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the folder " + folder + " of the mitigation store at "
                    + Credentials.redact(jdbcUrl) + " (" + e + "); check store.jdbc-url, or data-dir when "
                    + "store.jdbc-url is empty", e);
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
