/**
 * Univariate streaming anomaly detection: O(1) per observation, about 2 KB of state per series
 * ({@link io.shadow.model.detect.stream.StateSize}), one configuration for every series. Used for NAB
 * and shared with the entity detector (its anomaly-likelihood stage).
 */
package io.shadow.model.detect.stream;
