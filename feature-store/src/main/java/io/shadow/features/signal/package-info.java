/**
 * Signals passed from detection to risk scoring to mitigation: {@link io.shadow.features.signal.Anomaly}
 * with its {@link io.shadow.features.signal.Evidence}, {@link io.shadow.features.signal.RiskScore} and the
 * {@link io.shadow.features.signal.Assessment} the mitigation engine acts on.
 */
package io.shadow.features.signal;
