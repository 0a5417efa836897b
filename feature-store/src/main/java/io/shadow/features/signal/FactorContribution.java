package io.shadow.features.signal;

/**
 * How one risk factor moved a risk score.
 *
 * @param factor {@code severity}, {@code resource_risk}, {@code prior_incidents} or {@code threat_intel}
 * @param value the factor's input value, 0–1
 * @param points its contribution to the 0–100 score
 */
public record FactorContribution(String factor, double value, double points) {
}
