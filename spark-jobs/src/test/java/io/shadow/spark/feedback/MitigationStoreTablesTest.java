package io.shadow.spark.feedback;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** What the nightly run says of a store it cannot open: it lands in the run's reports beside the tables. */
class MitigationStoreTablesTest {
    @Test
    void aPasswordInTheStoresUrlIsNotRepeatedWhenTheStoreCannotBeOpened() {
        MitigationStoreTables tables = MitigationStoreTables.of(
                "jdbc:postgresql://127.0.0.1:1/shadow?user=shadow&password=hunter2secret&connectTimeout=2", null, null);

        assertThatThrownBy(() -> tables.missing("feedback"))
                .hasMessageStartingWith("cannot open the mitigation store at jdbc:postgresql://127.0.0.1:1/shadow?"
                        + "user=shadow&password=***&connectTimeout=2: ")
                .hasMessageEndingWith("; check store.jdbc-url, store.user and store.password")
                .hasMessageNotContaining("hunter2");
    }
}
