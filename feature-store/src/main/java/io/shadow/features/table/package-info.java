/**
 * The Delta table catalog (names, schemas, partitioning under one warehouse root) and the Delta
 * Kernel reader of the online path.
 */
package io.shadow.features.table;
