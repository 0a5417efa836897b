/**
 * Online anomaly detection: per-entity incremental state compared with baselines on the level and
 * the rate of change of each feature, plus novelty of categorical attributes.
 */
package io.shadow.model.detect;
