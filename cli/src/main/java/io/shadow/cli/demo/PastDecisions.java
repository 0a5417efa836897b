package io.shadow.cli.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shadow.agents.simulate.PastIncident;
import io.shadow.features.EventIds;
import io.shadow.mitigation.Band;
import io.shadow.mitigation.engine.Decisions;
import io.shadow.mitigation.engine.MitigationEngine;
import io.shadow.mitigation.store.Incident;
import io.shadow.mitigation.store.Mitigation;
import io.shadow.mitigation.store.MitigationStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Loads the security team's earlier reviews (confirmed incidents and rejected false alarms of the
 * history week) into the mitigation store through the normal decision path, so they reach the
 * nightly job as feedback like any other decision.
 */
final class PastDecisions {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PastDecisions() {
    }

    static void load(MitigationEngine engine, List<PastIncident> past) {
        MitigationStore store = engine.store();
        Decisions decisions = new Decisions(engine);
        for (PastIncident p : past) {
            String id = EventIds.derive("past", p.name(), p.entity(), p.start()).substring(0, 20);
            String incidentId = "inc-" + id;
            String mitigationId = "mit-" + id;
            store.insertIncident(new Incident(incidentId, p.entity().tenant(), p.entity().kind().wireName(),
                    p.entity().id(), p.entity().kind().wireName().equals("principal") ? p.entity().id() : null,
                    p.entity().kind().wireName().equals("host") ? p.entity().id() : null, "data_storage", null,
                    "reviewed:" + p.name(), p.confirmed() ? Band.HIGH : Band.LOW, p.confirmed() ? 90 : 35,
                    Incident.OPEN, p.start(), p.end(), Instant.now(), 1, imported(p)));
            store.insertMitigation(new Mitigation(mitigationId, incidentId, "historical-review",
                    p.confirmed() ? Band.HIGH : Band.LOW, Mitigation.STANDARD, p.confirmed() ? 90 : 35,
                    Mitigation.APPLIED, null, p.start(), Instant.now(), false, null, null, imported(p)), List.of());
            if (p.confirmed()) {
                decisions.approve(mitigationId, "security-team", "confirmed incident: " + p.name());
            } else {
                decisions.reject(mitigationId, "security-team", "false alarm: " + p.name());
            }
            store.setIncidentStatus(incidentId, Incident.RESOLVED);
        }
    }

    /**
     * The explanation of an imported review: {@code {"imported": NAME}} (the API answers it as that
     * object, so it is written as JSON, whatever the name holds).
     */
    private static String imported(PastIncident p) {
        try {
            return JSON.writeValueAsString(Map.of("imported", p.name()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
