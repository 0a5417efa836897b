/** Overload protection: bounded in-flight work and a bounded, time-limited queue in front of scoring. */
package io.shadow.scorer.load;
