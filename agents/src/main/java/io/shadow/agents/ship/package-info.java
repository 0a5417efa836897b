/**
 * Delivery of spooled events: to the landing zone through Hadoop FileSystem (atomic files), and to the
 * online scorer over HTTP(S) with a token, retry and backoff.
 */
package io.shadow.agents.ship;
