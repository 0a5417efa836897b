package io.shadow.mitigation;

import io.shadow.mitigation.store.Database;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The store a test runs against: {@code h2} (a file database in the test's directory) or
 * {@code postgresql} (a fresh schema in the server bin/test-services started: SHADOW_TEST_PG_URL).
 * Reopening the same backend reopens the same database, as a restart would.
 */
public record StoreBackend(String name, Path dir, String jdbcUrl, String user) {

    public static StoreBackend of(String name, Path dir) {
        return switch (name) {
            case "h2" -> new StoreBackend(name, dir, Database.h2Url(dir), "sa");
            case "postgresql" -> {
                String url = TestEnv.require("SHADOW_TEST_PG_URL");
                String user = TestEnv.require("SHADOW_TEST_PG_USER");
                String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
                try (Connection c = DriverManager.getConnection(url, user, "");
                     Statement s = c.createStatement()) {
                    s.execute("CREATE SCHEMA " + schema);
                } catch (SQLException e) {
                    throw new IllegalStateException("cannot create schema in " + url + ": " + e.getMessage(), e);
                }
                yield new StoreBackend(name, dir, url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema,
                        user);
            }
            default -> throw new IllegalArgumentException("unknown backend " + name + "; h2 or postgresql");
        };
    }

    public Database open() {
        return Database.open(jdbcUrl, user, "");
    }

    @Override
    public String toString() {
        return name;
    }
}
