package io.shadow.features.signal;

/** What the scorer hands to the mitigation engine: an anomaly and its risk. */
public record Assessment(Anomaly anomaly, RiskScore risk) {
}
