/**
 * The nightly pipeline driver: steps in order, progress, run report.
 */
package io.shadow.spark.nightly;
