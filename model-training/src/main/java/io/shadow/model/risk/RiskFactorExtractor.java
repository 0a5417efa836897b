package io.shadow.model.risk;

import io.shadow.features.signal.Anomaly;
import io.shadow.features.signal.Evidence;
import io.shadow.model.intel.ThreatIntel;
import io.shadow.model.intel.ThreatMatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Derives the four risk factors of an anomaly. Used online by the scorer and offline by the
 * training-set job, so a model is trained on exactly the inputs it will see.
 */
public final class RiskFactorExtractor {
    private final double threshold;
    private final ResourceRisk resourceRisk;
    private final ThreatIntel intel;
    private final PatternHistory history;

    public RiskFactorExtractor(double detectorThreshold, ResourceRisk resourceRisk, ThreatIntel intel,
            PatternHistory history) {
        this.threshold = detectorThreshold;
        this.resourceRisk = resourceRisk;
        this.intel = intel;
        this.history = history;
    }

    /** The factors, and the anomaly with any threat-intel matches added to its evidence. */
    public record Extraction(RiskFactors factors, Anomaly anomaly) {
    }

    public Extraction extract(Anomaly a) {
        List<Evidence> extra = new ArrayList<>(1);
        double ti = 0;
        Optional<ThreatMatch> ip = intel.matchIp(a.srcIp(), a.time()); // indicators valid at the event's time
        if (ip.isPresent()) {
            ti = Math.max(ti, ip.get().confidence());
            extra.add(new Evidence("threat_intel", "src_ip", a.srcIp(),
                    ip.get().source() + " (" + ip.get().indicator() + ")", 0, a.time()));
        }
        Optional<ThreatMatch> ua = intel.matchUserAgent(a.userAgent(), a.time());
        if (ua.isPresent()) {
            ti = Math.max(ti, ua.get().confidence());
            extra.add(new Evidence("threat_intel", "user_agent", a.userAgent(), ua.get().source(), 0, a.time()));
        }
        // a resource id that is a URL, domain or file hash (downloads, executables) can be an indicator too
        Optional<ThreatMatch> res = intel.matchObservable(a.resourceId(), a.time());
        if (res.isPresent()) {
            ti = Math.max(ti, res.get().confidence());
            extra.add(new Evidence("threat_intel", "resource_id", a.resourceId(),
                    res.get().source() + " (" + res.get().indicator() + ")", 0, a.time()));
        }
        RiskFactors f = new RiskFactors(RiskFactors.severityOf(a.score(), threshold),
                resourceRisk.of(a.resourceType()), history.priorFactor(a.entity().tenant(), a.pattern()), ti);
        return new Extraction(f, extra.isEmpty() ? a : a.withEvidence(extra));
    }
}
