/**
 * Landing zone -> bronze events (exactly once, de-duplicated) and quarantine, by Structured Streaming.
 */
package io.shadow.spark.ingest;
