package io.shadow.mitigation.store;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Plain JDBC with parameter binding that maps {@link Instant} to UTC timestamps. */
final class Jdbc {
    /** Maps a result-set row. */
    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** Work done in one transaction. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final DataSource ds;

    Jdbc(DataSource ds) {
        this.ds = ds;
    }

    /** Whether a store failure is a unique-key violation (SQLState 23505 on H2 and PostgreSQL). */
    static boolean isUniqueViolation(StoreException e) {
        return e.getCause() instanceof SQLException s && "23505".equals(s.getSQLState());
    }

    <T> T transaction(Work<T> work) {
        Connection c = null;
        try {
            c = ds.getConnection();
            c.setAutoCommit(false);
            try {
                T out = work.run(c);
                c.commit();
                return out;
            } catch (SQLException | RuntimeException e) {
                rollback(c, e);
                throw e;
            }
        } catch (SQLException e) {
            StoreException failure = new StoreException(e);
            if (failure.connectionLost() && c != null && ds instanceof HikariDataSource pool) {
                // the pool only drops connections whose failure it recognises (08xxx): a connection to a
                // database that went away would otherwise be handed out again after it is back
                pool.evictConnection(c);
                c = null;
                // and the idle ones broke with it: replaced as they come back rather than failing one request each
                if (pool.getHikariPoolMXBean() != null) {
                    pool.getHikariPoolMXBean().softEvictConnections();
                }
            }
            throw failure;
        } finally {
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // returned to the pool broken: the pool checks it before handing it out again
                }
            }
        }
    }

    private static void rollback(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e); // the connection is gone; the transaction with it
        }
    }

    int update(String sql, Object... params) {
        return transaction(c -> update(c, sql, params));
    }

    static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            return ps.executeUpdate();
        }
    }

    <T> List<T> query(String sql, RowMapper<T> mapper, Object... params) {
        return transaction(c -> query(c, sql, mapper, params));
    }

    static <T> List<T> query(Connection c, String sql, RowMapper<T> mapper, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(mapper.map(rs));
                }
                return out;
            }
        }
    }

    static Instant instant(ResultSet rs, String col) throws SQLException {
        OffsetDateTime t = rs.getObject(col, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            if (p instanceof Instant t) {
                ps.setObject(i + 1, t.atOffset(ZoneOffset.UTC));
            } else if (p instanceof Timestamp t) {
                ps.setObject(i + 1, t.toInstant().atOffset(ZoneOffset.UTC));
            } else if (p instanceof Enum<?> e) {
                ps.setString(i + 1, e.name().toLowerCase(java.util.Locale.ROOT));
            } else {
                ps.setObject(i + 1, p);
            }
        }
    }
}
