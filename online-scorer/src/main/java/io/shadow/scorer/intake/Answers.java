package io.shadow.scorer.intake;

import io.shadow.features.signal.Assessment;
import io.shadow.features.signal.Evidence;
import io.shadow.features.signal.FactorContribution;
import io.shadow.features.signal.RiskScore;
import io.shadow.scorer.ScoredEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON answers of the intake routes (snake_case, numbers rounded for people, never NaN). */
public final class Answers {
    private Answers() {
    }

    /**
     * {@code POST /v1/score}: the event's anomalies with evidence, risk with contributions, explanation,
     * outcome; a duplicate (its id seen recently) has none: it was not scored again.
     */
    public static Map<String, Object> scored(ScoredEvent s, String model, TenantCoverage.Gaps gaps) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("event_id", s.eventId());
        out.put("anomalous", s.anomalous());
        out.put("duplicate", s.duplicate());
        double risk = 0;
        List<Object> anomalies = new ArrayList<>(s.assessments().size());
        for (int i = 0; i < s.assessments().size(); i++) {
            Assessment a = s.assessments().get(i);
            risk = Math.max(risk, a.risk().score());
            anomalies.add(anomaly(a, s.outcomes().get(i)));
        }
        out.put("risk", round(risk));
        out.put("model", model);
        out.put("anomalies", anomalies);
        if (gaps.events() > 0) {
            out.put("warnings", gaps.warnings());
        }
        return out;
    }

    /**
     * {@code POST /v1/events}: counts, the malformed events, the events that could not be judged
     * (tenant without baselines), the duplicates (not scored again), and what the mitigation side did.
     */
    public static Map<String, Object> batch(EventBatch batch, List<ScoredEvent> scored, TenantCoverage.Gaps gaps) {
        int anomalies = 0;
        int duplicates = 0;
        List<Object> mitigations = new ArrayList<>();
        for (ScoredEvent s : scored) {
            duplicates += s.duplicate() ? 1 : 0;
            anomalies += s.assessments().size();
            for (int k = 0; k < s.assessments().size(); k++) {
                String outcome = s.outcomes().get(k);
                if (outcome != null && !outcome.startsWith("observed")) {
                    Assessment a = s.assessments().get(k);
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("event_id", s.eventId());
                    m.put("entity", a.anomaly().entity().toString());
                    m.put("risk", Math.round(finite(a.risk().score())));
                    m.put("outcome", outcome);
                    mitigations.add(m);
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("accepted", batch.events().size());
        out.put("rejected", batch.errors().size());
        out.put("duplicates", duplicates);
        out.put("errors", batch.errors());
        out.put("anomalies", anomalies);
        out.put("unjudged", gaps.events());
        if (gaps.events() > 0) {
            out.put("warnings", gaps.warnings());
        }
        out.put("mitigations", mitigations);
        return out;
    }

    private static Map<String, Object> anomaly(Assessment a, String outcome) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("anomaly_id", a.anomaly().anomalyId());
        m.put("entity", a.anomaly().entity().toString());
        m.put("time", a.anomaly().time().toString());
        m.put("pattern", a.anomaly().pattern());
        m.put("score", round(a.anomaly().score()));
        List<Object> evidence = new ArrayList<>(a.anomaly().evidence().size());
        for (Evidence e : a.anomaly().evidence()) {
            Map<String, Object> ev = new LinkedHashMap<>();
            ev.put("kind", e.kind());
            ev.put("name", e.name());
            ev.put("observed", e.observed());
            ev.put("expected", e.expected());
            ev.put("deviations", round(e.deviations()));
            ev.put("since", e.since() == null ? null : e.since().toString());
            ev.put("text", e.describe());
            evidence.add(ev);
        }
        m.put("evidence", evidence);
        m.put("risk", risk(a.risk()));
        m.put("explanation", explanation(a));
        m.put("outcome", outcome);
        return m;
    }

    private static Map<String, Object> risk(RiskScore r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("score", round(r.score()));
        m.put("base", round(r.base()));
        m.put("model", r.model());
        List<Object> contributions = new ArrayList<>(r.contributions().size());
        for (FactorContribution c : r.contributions()) {
            contributions.add(Map.of("factor", c.factor(), "value", round(c.value()), "points", round(c.points())));
        }
        m.put("contributions", contributions);
        return m;
    }

    /** One paragraph: what was seen, and how the risk came about. */
    static String explanation(Assessment a) {
        StringBuilder sb = new StringBuilder();
        for (Evidence e : a.anomaly().evidence()) {
            sb.append(sb.isEmpty() ? "" : "; ").append(e.describe());
        }
        sb.append(String.format(". Risk %.0f of 100 (%s):", finite(a.risk().score()), a.risk().model()));
        String sep = " ";
        for (FactorContribution c : a.risk().contributions()) {
            sb.append(sep).append(c.factor()).append(String.format(" %+.1f", finite(c.points())));
            sep = ", ";
        }
        return sb.toString();
    }

    private static double round(double x) {
        return Math.round(finite(x) * 100) / 100.0;
    }

    private static double finite(double x) {
        return Double.isFinite(x) ? x : (Double.isNaN(x) ? 0 : Math.copySign(1e9, x));
    }
}
