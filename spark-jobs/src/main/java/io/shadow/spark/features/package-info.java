/**
 * Bronze events -> silver per-bucket features, with the shared feature definitions.
 */
package io.shadow.spark.features;
