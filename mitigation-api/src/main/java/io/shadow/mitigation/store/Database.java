package io.shadow.mitigation.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.shadow.features.config.Credentials;
import io.shadow.features.config.H2Servers;
import io.shadow.features.files.OwnerOnly;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mitigation store's connection pool, migrated to the current schema with Flyway on open.
 * {@code jdbc:h2:file:…} is the embedded default; {@code jdbc:postgresql://…} at scale.
 *
 * <p>The embedded store holds access keys and the commands agents carry out, so it is kept from other users of
 * the machine: its folder is created owner-only and its files are made owner-only at every open (the lock file
 * H2 writes names the port and key of its {@code AUTO_SERVER}), a folder holding nothing but its files is made
 * owner-only too, and H2's server for other processes ({@code AUTO_SERVER}) listens on the loopback interface
 * only unless {@code -Dh2.bindAddress} says otherwise.
 */
public final class Database implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    private static final String H2_FILE = "jdbc:h2:file:";
    /** The files H2 keeps beside a database {@code name}: {@code name.mv.db} and the rest. */
    private static final List<String> H2_SUFFIXES = List.of(".mv.db", ".lock.db", ".trace.db");

    static {
        H2Servers.loopbackOnly(); // else AUTO_SERVER listens on every interface
    }
    /** How long a store operation waits for a connection before failing as unavailable. */
    static final long CONNECTION_TIMEOUT_MS = 5_000;
    private final HikariDataSource dataSource;

    private Database(HikariDataSource ds) {
        this.dataSource = ds;
    }

    public static Database open(String jdbcUrl, String user, String password) {
        createH2Folder(jdbcUrl);
        protectH2Files(jdbcUrl);
        HikariDataSource ds = pool(jdbcUrl, user, password);
        protectH2Files(jdbcUrl); // the lock file H2 has just written
        String vendor = jdbcUrl.startsWith("jdbc:h2:") ? "h2" : "postgresql";
        Flyway.configure().dataSource(ds).locations("classpath:db/migration", "classpath:db/vendor/" + vendor).load()
                .migrate();
        return new Database(ds);
    }

    /** Connects to an existing store without migrating it, for readers that must leave it as it is (backtests). */
    public static Database openExisting(String jdbcUrl, String user, String password) {
        HikariDataSource ds = pool(jdbcUrl, user, password);
        protectH2Files(jdbcUrl);
        return new Database(ds);
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
        Path folder = h2Folder(jdbcUrl);
        if (folder == null) {
            return;
        }
        try {
            OwnerOnly.createFolder(folder);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the folder " + folder + " of the mitigation store at "
                    + Credentials.redact(jdbcUrl) + " (" + e + "); check store.jdbc-url, or data-dir when "
                    + "store.jdbc-url is empty", e);
        }
    }

    /** The folder of an H2 file database, null for other URLs and for H2's home-relative ({@code ~}) paths. */
    private static Path h2Folder(String jdbcUrl) {
        Path file = h2File(jdbcUrl);
        return file == null ? null : file.getParent();
    }

    /** The path an H2 file database's files start with ({@code <folder>/shadow}), or null. */
    private static Path h2File(String jdbcUrl) {
        if (jdbcUrl == null || !jdbcUrl.startsWith(H2_FILE)) {
            return null;
        }
        String file = jdbcUrl.substring(H2_FILE.length()).split(";", 2)[0];
        return file.startsWith("~") ? null : Path.of(file).toAbsolutePath().normalize();
    }

    /**
     * Makes an H2 file database's files owner-only, and its folder when nothing else is in it (the data-dir's
     * {@code store/}; a folder shared with other files keeps its permissions). A file that cannot be changed is
     * a WARN naming it and the fix: the store still opens, as it did before this rule.
     */
    private static void protectH2Files(String jdbcUrl) {
        Path base = h2File(jdbcUrl);
        if (base == null || base.getParent() == null) {
            return;
        }
        Path folder = base.getParent();
        String name = base.getFileName().toString();
        try {
            for (String suffix : H2_SUFFIXES) {
                OwnerOnly.restrict(folder.resolve(name + suffix));
            }
            boolean onlyOurs;
            try (Stream<Path> entries = Files.list(folder)) {
                onlyOurs = entries.allMatch(e -> e.getFileName().toString().startsWith(name + "."));
            }
            if (onlyOurs) {
                OwnerOnly.restrict(folder);
            }
        } catch (IOException | SecurityException e) {
            LOG.warn("could not make the mitigation store's files under {} readable by their owner only ({}); other "
                    + "users of this machine may read or change the store: chmod 700 {} and chmod 600 {}.*",
                    folder, e.toString(), folder, base);
        }
    }

    /** An H2 file database under {@code dir}, readable by other processes (nightly import) while open. */
    public static String h2Url(Path dir) {
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
