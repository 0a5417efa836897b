package io.shadow.mitigation.store;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Locale;
import java.util.Set;

/**
 * A mitigation store operation that failed. {@link #isTransient()} tells an outage (the database
 * unreachable, stopped, out of disk or connections: retrying later can succeed) from a refusal of
 * the statement itself (bad data, a broken constraint, a missing table: retrying cannot help).
 */
public final class StoreException extends RuntimeException {
    /**
     * SQLState classes of failures a statement does not cause: connection, resources, rollback (lock
     * conflicts), system errors; of class 57 only the server going away (57P01–57P03), not a statement
     * cancelled for running too long (57014), which would fail the same way again.
     */
    private static final Set<String> TRANSIENT_CLASSES = Set.of("08", "53", "40", "58");
    private static final Set<String> SERVER_GONE = Set.of("57P01", "57P02", "57P03");
    /** H2's codes for a connection or database gone (not lock timeouts or I/O errors of one statement). */
    private static final Set<String> CONNECTION_LOST_H2 = Set.of("90067", "90098", "90121");
    /** H2's own codes for a broken connection, a closed or stopping database, file I/O and lock timeouts. */
    private static final Set<String> TRANSIENT_H2 = Set.of("90067", "90098", "90028", "90121", "90031", "90135",
            "HYT00");

    private final String sqlState;
    private final boolean transientFailure;
    private final boolean connectionLost;
    private final String reason;

    StoreException(SQLException e) {
        super("mitigation store error (SQL state " + e.getSQLState() + "): " + e.getMessage(), e);
        this.sqlState = e.getSQLState();
        String text = messages(e);
        this.transientFailure = isTransient(e, text);
        this.connectionLost = connectionLost(e, text);
        this.reason = reason(e, text);
    }

    /** Whether the store is unavailable rather than refusing the statement: the same work may succeed later. */
    public boolean isTransient() {
        return transientFailure;
    }

    /**
     * Whether the connection itself is gone (the database stopped, restarted or unreachable), so the
     * pool should drop it and its idle siblings; not for lock conflicts or a full disk.
     */
    public boolean connectionLost() {
        return connectionLost;
    }

    /** What went wrong in plain words, e.g. "its disk is full (No space left on device)". */
    public String reason() {
        return reason;
    }

    /**
     * Logs a failed background task ({@code what}, e.g. "expiry sweep"): a store outage as one WARN
     * line (the task runs again on its schedule), anything else as an ERROR with its stack trace.
     */
    public static void logTaskFailure(org.slf4j.Logger log, String what, RuntimeException e) {
        if (e instanceof StoreException s && s.isTransient()) {
            log.warn("{} skipped: the mitigation store is unavailable: {}; it runs again on its schedule", what,
                    s.reason());
        } else {
            log.error("{} failed", what, e);
        }
    }

    String sqlState() {
        return sqlState;
    }

    private static boolean isTransient(SQLException e, String text) {
        boolean stated = false;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException s && s.getSQLState() != null) {
                String state = s.getSQLState();
                stated = true;
                if (TRANSIENT_H2.contains(state) || SERVER_GONE.contains(state) || state.length() >= 2
                        && TRANSIENT_CLASSES.contains(state.substring(0, 2))) {
                    return true;
                }
            }
        }
        // the words only when no state says what it is (a refused statement's detail may quote any value)
        return !stated && (diskFull(text) || text.contains("connection refused"));
    }

    private static boolean connectionLost(SQLException e, String text) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLTransientConnectionException || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException s && s.getSQLState() != null) {
                String state = s.getSQLState();
                if (state.startsWith("08") || SERVER_GONE.contains(state) || CONNECTION_LOST_H2.contains(state)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String reason(SQLException e, String text) {
        if (diskFull(text)) {
            return "its disk is full (No space left on device); free space where the store keeps its files";
        }
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String first = firstLine(e.getMessage());
        if (state.startsWith("08") || "90067".equals(state) || text.contains("connection refused")
                || e instanceof java.sql.SQLTransientConnectionException) {
            return "it cannot be reached (" + first + ")";
        }
        if ("90098".equals(state) || "90121".equals(state)) {
            return "it is closed or shutting down (" + first + ")";
        }
        return first + (state.isEmpty() ? "" : " (SQL state " + state + ")");
    }

    private static boolean diskFull(String text) {
        return text.contains("no space left on device") || text.contains("disk full")
                || text.contains("could not extend file");
    }

    private static String messages(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            b.append(t.getMessage()).append('\n');
        }
        return b.toString().toLowerCase(Locale.ROOT);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no message";
        }
        int nl = message.indexOf('\n');
        String line = nl < 0 ? message : message.substring(0, nl);
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }
}
