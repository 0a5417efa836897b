package io.shadow.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shadow.spark.rollback.DeltaRestore;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RESTORE on a real Delta table: the rows of the pinned version come back, and the restore can be reversed. */
class DeltaRestoreIT {
    @TempDir
    Path dir;

    @Test
    void restoringThePinnedVersionBringsDeletedRowsBackAndCanBeReversed() {
        SparkSession spark = SharedSpark.session();
        String table = dir.resolve("accounts").toUri().toString();
        spark.range(0, 3).selectExpr("id", "'acct-' || id AS name").write().format("delta").save(table);
        spark.range(3, 5).selectExpr("id", "'acct-' || id AS name").write().format("delta").mode("append").save(table);
        DeltaRestore restore = new DeltaRestore(() -> spark);
        long pinned = restore.currentVersion(table);
        spark.sql("DELETE FROM delta.`" + table + "` WHERE id >= 1");
        long attacked = restore.currentVersion(table);
        assertThat(spark.read().format("delta").load(table).count()).isEqualTo(1);

        restore.restore(table, pinned);

        assertThat(pinned).isEqualTo(1);
        assertThat(attacked).isEqualTo(2);
        assertThat(restore.currentVersion(table)).as("RESTORE is a commit").isEqualTo(3);
        assertThat(spark.read().format("delta").load(table).count()).isEqualTo(5);

        restore.restore(table, attacked);
        assertThat(spark.read().format("delta").load(table).count()).as("undo").isEqualTo(1);
        assertThatThrownBy(() -> restore.currentVersion(dir.resolve("missing").toUri().toString()))
                .hasMessageStartingWith("cannot read the version of Delta table " + dir.resolve("missing").toUri());
    }
}
