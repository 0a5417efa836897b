/**
 * Nightly baselines and novelty profiles from history, with confirmed incidents left out.
 */
package io.shadow.spark.baseline;
