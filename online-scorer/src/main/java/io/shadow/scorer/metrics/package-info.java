/** Prometheus metrics of the scorer (Micrometer). */
package io.shadow.scorer.metrics;
