package io.shadow.mitigation.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

/** Outage or refusal, in the words drivers use (H2, PostgreSQL, HikariCP). */
class StoreExceptionTest {

    @Test
    void aFullDiskIsAnOutageSaidInPlainWords() {
        StoreException h2 = new StoreException(new SQLException("IO Exception: \"java.io.IOException: No space left "
                + "on device\"; \"/var/lib/shadow/store/shadow.mv.db\" [90028-232]", "90028"));
        StoreException pg = new StoreException(new SQLException("ERROR: could not extend file \"base/16384/2619\": No "
                + "space left on device", "53100"));

        for (StoreException e : new StoreException[] {h2, pg}) {
            assertThat(e.isTransient()).isTrue();
            assertThat(e.reason()).startsWith("its disk is full (No space left on device); free space");
        }
    }

    @Test
    void anUnreachableOrStoppingDatabaseIsAnOutage() {
        StoreException pool = new StoreException(new SQLTransientConnectionException("shadow-store - Connection is not "
                + "available, request timed out after 5000ms (total=0, active=0, idle=0, waiting=0)", "08003"));
        StoreException pgStopping = new StoreException(new SQLException("FATAL: terminating connection due to "
                + "administrator command", "57P01"));
        StoreException pgRefused = new StoreException(new SQLException("Connection to localhost:5432 refused. Check "
                + "that the hostname and port are correct", "08001"));

        assertThat(pool.isTransient()).isTrue();
        assertThat(pool.reason()).startsWith("it cannot be reached (shadow-store - Connection is not available");
        assertThat(pgStopping.isTransient()).isTrue();
        assertThat(pgRefused.isTransient()).isTrue();
        assertThat(pgRefused.reason()).startsWith("it cannot be reached (Connection to localhost:5432 refused");
    }

    @Test
    void aStatementTheDatabaseRefusesIsNotRetried() {
        StoreException duplicate = new StoreException(new SQLException("duplicate key value violates unique "
                + "constraint \"incidents_pkey\"", "23505"));
        StoreException missingTable = new StoreException(new SQLException("Table \"INCIDENTS\" not found", "42S02"));
        StoreException appendOnly = new StoreException(new SQLException("audit_log is append-only: UPDATE refused",
                "HY000"));

        assertThat(duplicate.isTransient()).isFalse();
        assertThat(duplicate.reason()).isEqualTo("duplicate key value violates unique constraint \"incidents_pkey\" "
                + "(SQL state 23505)");
        assertThat(missingTable.isTransient()).isFalse();
        assertThat(appendOnly.isTransient()).isFalse();
    }

    @Test
    void aStatementCancelledForRunningTooLongOrQuotingOutageWordsIsNotAnOutage() {
        StoreException timeout = new StoreException(new SQLException("ERROR: canceling statement due to statement "
                + "timeout", "57014"));
        StoreException quoting = new StoreException(new SQLException("duplicate key value violates unique "
                + "constraint; Key (detail)=(No space left on device) already exists", "23505"));

        assertThat(timeout.isTransient()).as("it would time out again").isFalse();
        assertThat(quoting.isTransient()).as("the state says what it is").isFalse();
    }

    @Test
    void onlyALostConnectionIsDroppedFromThePool() {
        assertThat(new StoreException(new SQLException("Connection is broken: \"session closed\" [90067-232]",
                "90067")).connectionLost()).isTrue();
        assertThat(new StoreException(new SQLException("FATAL: terminating connection due to administrator command",
                "57P01")).connectionLost()).isTrue();
        StoreException lock = new StoreException(new SQLException("ERROR: deadlock detected", "40P01"));
        assertThat(lock.isTransient()).isTrue();
        assertThat(lock.connectionLost()).as("a lock conflict leaves the connection good").isFalse();
        assertThat(new StoreException(new SQLException("IO Exception: \"No space left on device\" [90028-232]",
                "90028")).connectionLost()).isFalse();
    }
}
