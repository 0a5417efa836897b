package io.shadow.model.risk;

import java.util.List;

/**
 * The four factors the risk of an anomaly rests on, each in [0, 1]: how severe the deviation is,
 * how risky the resource type is, how often similar anomalies turned out to be incidents, and how
 * strongly threat intelligence matches.
 */
public record RiskFactors(double severity, double resourceRisk, double priorIncidents, double threatIntel) {
    public static final List<String> NAMES = List.of("severity", "resource_risk", "prior_incidents", "threat_intel");
    public static final int COUNT = 4;
    /**
     * What a score's explanation starts from: an anomaly just at the detection threshold (severity
     * 0.39) on a network resource (0.5, the least risky type by default), with no incident history
     * and no threat-intel match — the mildest anomaly the scorer raises. Each factor's contribution
     * is what it adds to that (exact Shapley values), so on a monotone model a factor above the
     * reference never shows a negative contribution.
     */
    public static final RiskFactors REFERENCE = new RiskFactors(severityOf(1, 1), 0.5, 0, 0);

    public RiskFactors {
        check("severity", severity);
        check("resource_risk", resourceRisk);
        check("prior_incidents", priorIncidents);
        check("threat_intel", threatIntel);
    }

    public static RiskFactors of(double[] v) {
        return new RiskFactors(v[0], v[1], v[2], v[3]);
    }

    public double[] toArray() {
        return new double[] {severity, resourceRisk, priorIncidents, threatIntel};
    }

    /** Severity factor of an anomaly score: 0 at no deviation, 0.39 at the threshold, → 1. */
    public static double severityOf(double score, double threshold) {
        return score <= 0 ? 0 : 1 - Math.exp(-score / (2 * threshold));
    }

    private static void check(String name, double v) {
        if (!(v >= 0 && v <= 1)) {
            throw new IllegalArgumentException("risk factor " + name + " = " + v + " is outside [0, 1]");
        }
    }
}
