package io.shadow.spark.nightly;

import io.shadow.agents.simulate.PastIncident;
import io.shadow.agents.simulate.Workload;
import io.shadow.agents.simulate.WorkloadConfig;
import io.shadow.agents.simulate.WorkloadGenerator;
import io.shadow.features.ActivityEvent;
import io.shadow.features.json.EventCodec;
import io.shadow.features.table.TableCatalog;
import io.shadow.mitigation.Band;
import io.shadow.mitigation.store.Database;
import io.shadow.mitigation.store.FeedbackRecord;
import io.shadow.mitigation.store.Incident;
import io.shadow.mitigation.store.Mitigation;
import io.shadow.mitigation.store.MitigationStore;
import io.shadow.model.detect.DetectorConfig;
import io.shadow.model.registry.LocalModelRegistry;
import io.shadow.model.risk.ResourceRisk;
import io.shadow.model.risk.RiskModelTrainer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A small installation for nightly tests: a generated week of history shipped to the landing zone
 * as one NDJSON file per day, and the security team's reviews of its past incidents in an H2
 * mitigation store, so the feedback import and the training set have labels.
 */
final class NightlyFixture {
    /** A weekday of the generated history with a confirmed incident (data exfiltration, 11:00). */
    static final LocalDate DAY = LocalDate.parse("2026-11-04");

    final Path dir;
    final TableCatalog catalog;
    final Path landing;
    final Path registry;
    final String storeUrl;
    final Workload workload;

    NightlyFixture(Path dir) throws IOException {
        this.dir = dir;
        this.catalog = TableCatalog.local(dir.resolve("warehouse"));
        this.landing = dir.resolve("warehouse/landing/events");
        this.registry = dir.resolve("registry");
        this.storeUrl = Database.h2Url(dir.resolve("store"));
        this.workload = WorkloadGenerator.generate(new WorkloadConfig(42, "acme", 16, 7, 24,
                WorkloadConfig.DEFAULT_START, 0.3));
        Files.createDirectories(landing);
        Map<String, List<ActivityEvent>> byDay = workload.history().stream().collect(Collectors.groupingBy(
                e -> e.time().toString().substring(0, 10), TreeMap::new, Collectors.toList()));
        for (var day : byDay.entrySet()) {
            land("history-" + day.getKey() + ".ndjson", day.getValue());
        }
        review(workload.pastIncidents());
    }

    /** Writes an NDJSON file into the landing zone, as an agent's shipper would. */
    void land(String name, List<ActivityEvent> events) throws IOException {
        Files.write(landing.resolve(name), events.stream().map(EventCodec::toJson)
                .collect(Collectors.joining("\n", "", "\n")).getBytes(StandardCharsets.UTF_8));
    }

    long eventsOn(LocalDate day) {
        return workload.history().stream().filter(e -> e.time().toString().startsWith(day.toString())).count();
    }

    NightlyConfig config() {
        return new NightlyConfig(catalog, landing.toUri().toString(), storeUrl, "sa", "",
                new LocalModelRegistry(registry), List.of(), DetectorConfig.defaults(), ResourceRisk.defaults(),
                new RiskModelTrainer.Settings(200, 0.02f, 0.25, 0.5, 7L, 400, 0.5));
    }

    /** Each past episode becomes an incident whose mitigation the team approved (confirmed) or rejected. */
    private void review(List<PastIncident> past) {
        try (Database db = Database.open(storeUrl, "sa", "")) {
            MitigationStore store = new MitigationStore(db);
            int n = 0;
            for (PastIncident p : past) {
                String id = "inc-" + (++n);
                String kind = p.entity().kind().wireName();
                store.insertIncident(new Incident(id, p.entity().tenant(), kind, p.entity().id(),
                        kind.equals("principal") ? p.entity().id() : null, kind.equals("host") ? p.entity().id() : null,
                        "data_storage", null, "reviewed:" + p.name(), p.confirmed() ? Band.HIGH : Band.LOW,
                        p.confirmed() ? 90 : 35, Incident.OPEN, p.start(), p.end(), p.start(), 1, "{}"));
                store.insertMitigation(new Mitigation("mit-" + n, id, "historical-review", Band.MEDIUM,
                        Mitigation.STANDARD, 70, Mitigation.APPLIED, "e", p.start(), p.start(), false, null, null,
                        "{}"), List.of());
                store.decide("mit-" + n, Set.of(Mitigation.APPLIED), p.confirmed() ? Mitigation.APPROVED
                        : Mitigation.REJECTED, new FeedbackRecord("fb-" + n, "mit-" + n, id, p.entity().tenant(),
                        kind, p.entity().id(), "reviewed:" + p.name(), p.confirmed() ? "approve" : "reject",
                        p.name(), "security-team", false, p.end().plusSeconds(600)));
            }
        }
    }
}
