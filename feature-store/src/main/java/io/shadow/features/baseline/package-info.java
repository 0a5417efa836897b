/**
 * Baselines: per entity and feature statistics by hour of day, novelty profiles, and the snapshot
 * reader the scorer uses (Delta Kernel, no Spark).
 */
package io.shadow.features.baseline;
