package io.shadow.spark;

import io.shadow.agents.simulate.AttackScenario;
import io.shadow.agents.simulate.ObservedMitigation;
import io.shadow.agents.simulate.ScenarioScorecard;
import io.shadow.features.ActivityEvent;
import io.shadow.features.EntityKey;
import io.shadow.features.EntityKind;
import io.shadow.features.baseline.BaselineSnapshotReader;
import io.shadow.features.signal.Assessment;
import io.shadow.features.table.KernelTableReader;
import io.shadow.features.table.TableCatalog;
import io.shadow.mitigation.MitigationService;
import io.shadow.mitigation.store.ActionRecord;
import io.shadow.mitigation.store.Incident;
import io.shadow.mitigation.store.Mitigation;
import io.shadow.model.detect.DetectorConfig;
import io.shadow.model.intel.ThreatIntel;
import io.shadow.model.registry.ModelRegistry;
import io.shadow.model.risk.PatternHistory;
import io.shadow.model.risk.ResourceRisk;
import io.shadow.scorer.OnlineScorer;
import io.shadow.scorer.RiskModelHolder;
import io.shadow.spark.training.TrainAndPromote;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One live day scored the way {@code bin/shadow serve} scores it, in-process: what the last nightly
 * run published (baselines, pattern history, champion model) → detector → risk → the mitigation
 * engine, which acts before it notifies. Returns the day's mitigations as evaluation sees them.
 */
final class LiveDay {
    /** What one replay produced. */
    record Outcome(ScenarioScorecard card, List<Assessment> assessments, List<Mitigation> mitigations, String model) {
    }

    private LiveDay() {
    }

    static Outcome replay(TableCatalog catalog, ModelRegistry registry, MitigationService mitigation,
            ThreatIntel intel, List<ActivityEvent> events, List<AttackScenario> attacks) {
        KernelTableReader kernel = new KernelTableReader();
        List<Assessment> seen = new CopyOnWriteArrayList<>();
        try (RiskModelHolder models = new RiskModelHolder(registry, TrainAndPromote.MODEL_NAME)) {
            models.refresh();
            OnlineScorer scorer = new OnlineScorer(DetectorConfig.defaults(),
                    new BaselineSnapshotReader(kernel, catalog).read(), intel, PatternHistory.read(kernel, catalog),
                    ResourceRisk.defaults(), models, a -> {
                        seen.add(a);
                        return mitigation.engine().handle(a).kind();
                    });
            for (ActivityEvent e : events) {
                scorer.score(e);
            }
            Instant from = events.get(0).time();
            Instant to = events.get(events.size() - 1).time();
            List<Mitigation> day = mitigation.store().mitigations().stream()
                    .filter(m -> !m.eventTime().isBefore(from) && !m.eventTime().isAfter(to)).toList();
            return new Outcome(ScenarioScorecard.score(attacks, observed(mitigation, day)), List.copyOf(seen), day,
                    models.get().id());
        }
    }

    private static List<ObservedMitigation> observed(MitigationService mitigation, List<Mitigation> ms) {
        List<ObservedMitigation> out = new ArrayList<>();
        for (Mitigation m : ms) {
            Incident i = mitigation.store().incident(m.incidentId()).orElseThrow();
            String actions = String.join(",", mitigation.store().actionsOf(m.mitigationId()).stream()
                    .map(ActionRecord::type).toList());
            out.add(new ObservedMitigation(m.mitigationId(), new EntityKey(i.tenant(),
                    EntityKind.fromWire(i.entityKind()), i.entityId()), m.eventTime(), m.band().wireName(), m.risk(),
                    m.profile(), m.path(), actions));
        }
        return out;
    }
}
