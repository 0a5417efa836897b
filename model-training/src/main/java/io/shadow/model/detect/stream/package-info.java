/**
 * Univariate streaming anomaly detection: O(1) per observation, a few hundred bytes of state per
 * series, one configuration for every series. Used for NAB and shared with the entity detector.
 */
package io.shadow.model.detect.stream;
