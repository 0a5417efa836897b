/**
 * Delta {@code RESTORE} for the mitigation engine's rollback_table action: a table's current
 * version, and restoring it to a version pinned ahead.
 */
package io.shadow.spark.rollback;
