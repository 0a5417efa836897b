/**
 * The durable local spool: CRC-checked append-only segments with group commit, per-consumer
 * cursors, torn-tail recovery and a size bound that refuses rather than drops.
 */
package io.shadow.agents.spool;
