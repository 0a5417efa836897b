/**
 * Delivery of spooled events: to the landing zone as whole files (local file I/O, or Hadoop
 * FileSystem for {@code hdfs://}), and to the online scorer over HTTP(S) with a token, retry and backoff.
 */
package io.shadow.agents.ship;
