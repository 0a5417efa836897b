package io.shadow.model.risk;

import java.time.Instant;

/** One labelled anomaly: its factors, when it happened (for the time split) and whether it was an incident. */
public record TrainingExample(Instant time, RiskFactors factors, boolean incident) {
}
