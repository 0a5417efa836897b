package io.shadow.scorer;

import io.shadow.features.ActivityEvent;
import io.shadow.features.EntityKey;
import io.shadow.features.baseline.BaselineSnapshot;
import io.shadow.features.signal.Anomaly;
import io.shadow.features.signal.Assessment;
import io.shadow.features.signal.RiskScore;
import io.shadow.model.detect.Detector;
import io.shadow.model.detect.DetectorConfig;
import io.shadow.model.intel.ThreatIntel;
import io.shadow.model.risk.PatternHistory;
import io.shadow.model.risk.ResourceRisk;
import io.shadow.model.risk.RiskFactorExtractor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The online path without HTTP: an event goes through the detector; each anomaly gets its risk
 * factors (threat intelligence matched on the way) and a score from the champion model, moved by
 * users' earlier decisions on the same entity and pattern ({@link PatternHistory#adjust}), and the
 * assessment is handed to the mitigation side before the call returns.
 */
public final class OnlineScorer {
    private final Detector detector;
    private final RiskModelHolder models;
    private final AssessmentSink sink;
    private final ResourceRisk resourceRisk;
    private volatile RiskFactorExtractor extractor;
    private volatile ThreatIntel intel;
    private volatile PatternHistory history;

    public OnlineScorer(DetectorConfig config, BaselineSnapshot snapshot, ThreatIntel intel, PatternHistory history,
            ResourceRisk resourceRisk, RiskModelHolder models, AssessmentSink sink) {
        this.detector = new Detector(config, snapshot);
        this.models = models;
        this.sink = sink;
        this.resourceRisk = resourceRisk;
        this.intel = intel;
        this.history = history;
        rebuildExtractor();
    }

    public ScoredEvent score(ActivityEvent e) {
        return score(e, k -> true);
    }

    /** Scores an event for the entities {@code part} accepts only (see {@link Detector#observe(ActivityEvent, Predicate)}). */
    public ScoredEvent score(ActivityEvent e, Predicate<EntityKey> part) {
        List<Anomaly> anomalies = detector.observe(e, part);
        if (anomalies.isEmpty()) {
            return new ScoredEvent(e.eventId(), List.of(), List.of());
        }
        List<Assessment> assessments = new ArrayList<>(anomalies.size());
        List<String> outcomes = new ArrayList<>(anomalies.size());
        RiskFactorExtractor x = extractor;
        PatternHistory h = history;
        for (Anomaly a : anomalies) {
            RiskFactorExtractor.Extraction ex = x.extract(a);
            RiskScore risk = h.adjust(models.score(ex.factors()), a.entity(), a.pattern(), a.score());
            Assessment assessment = new Assessment(ex.anomaly(), risk);
            assessments.add(assessment);
            outcomes.add(sink.accept(assessment));
        }
        return new ScoredEvent(e.eventId(), assessments, outcomes);
    }

    public Detector detector() {
        return detector;
    }

    public RiskModelHolder models() {
        return models;
    }

    /** Switches to newer baselines, threat intelligence and pattern history while serving. */
    public void update(BaselineSnapshot snapshot, ThreatIntel newIntel, PatternHistory newHistory) {
        if (snapshot != null) {
            detector.updateSnapshot(snapshot);
        }
        if (newIntel != null) {
            this.intel = newIntel;
        }
        if (newHistory != null) {
            this.history = newHistory;
        }
        rebuildExtractor();
    }

    private void rebuildExtractor() {
        extractor = new RiskFactorExtractor(detector.config().threshold(), resourceRisk, intel, history);
    }
}
