package io.shadow.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.agents.simulate.AttackScenario;
import io.shadow.agents.simulate.ObservedMitigation;
import io.shadow.agents.simulate.PastIncident;
import io.shadow.agents.simulate.ScenarioScorecard;
import io.shadow.agents.simulate.Workload;
import io.shadow.agents.simulate.WorkloadConfig;
import io.shadow.agents.simulate.WorkloadGenerator;
import io.shadow.features.ActivityEvent;
import io.shadow.features.json.EventCodec;
import io.shadow.features.table.KernelTableReader;
import io.shadow.features.table.TableCatalog;
import io.shadow.mitigation.Band;
import io.shadow.mitigation.MitigationService;
import io.shadow.mitigation.engine.Decisions;
import io.shadow.mitigation.profile.ProfileLoader;
import io.shadow.mitigation.store.Database;
import io.shadow.mitigation.store.FeedbackRecord;
import io.shadow.mitigation.store.Incident;
import io.shadow.mitigation.store.Mitigation;
import io.shadow.model.detect.DetectorConfig;
import io.shadow.model.intel.ThreatFeeds;
import io.shadow.model.intel.ThreatIntel;
import io.shadow.model.registry.LocalModelRegistry;
import io.shadow.model.risk.PatternHistory;
import io.shadow.model.risk.ResourceRisk;
import io.shadow.model.risk.RiskModelTrainer;
import io.shadow.spark.nightly.NightlyConfig;
import io.shadow.spark.nightly.NightlyPipeline;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import io.shadow.features.EntityKey;
import io.shadow.features.ResourceType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Map;
import java.util.TreeMap;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adaptive learning, measured on the generated organisation: a live day with five attacks and
 * benign-but-unusual work is scored; the user rejects every false mitigation and approves the
 * attacks' ones; the real nightly pipeline imports that feedback (and the day's events); the same
 * behaviour comes back a week later. False mitigations must at least halve while every attack is
 * still mitigated.
 */
class AdaptiveLearningIT {
    private static final Duration WEEK = Duration.ofDays(7);

    @TempDir
    Path dir;

    @Test
    void rejectedFalseMitigationsAtLeastHalveNextTimeAndEveryAttackIsStillMitigated() throws Exception {
        long t0 = System.nanoTime();
        Workload w = WorkloadGenerator.generate(WorkloadConfig.defaults());
        List<ActivityEvent> live = withBulkExports(w);
        TableCatalog catalog = TableCatalog.local(dir.resolve("warehouse"));
        Path landing = dir.resolve("landing/events");
        Path feed = dir.resolve("threat-feed.txt");
        Files.write(feed, w.threatFeed());
        land(landing, "history.ndjson", w.history());
        ThreatIntel intel = ThreatFeeds.load(List.of(feed));
        String jdbc = Database.h2Url(dir.resolve("store"));
        LocalModelRegistry registry = new LocalModelRegistry(dir.resolve("registry"));
        NightlyConfig cfg = new NightlyConfig(catalog, landing.toUri().toString(), jdbc, "sa", "", registry,
                List.of(feed), DetectorConfig.defaults(), ResourceRisk.defaults(),
                new RiskModelTrainer.Settings(300, 0.02f, 0.25, 0.5, 7L, 400, 0.5));
        SparkSession spark = SharedSpark.session();
        try (Database db = Database.open(jdbc, "sa", "");
             MitigationService mitigation = new MitigationService(db, ProfileLoader.defaults(), Clock.systemUTC(),
                     Duration.ofHours(2), Duration.ofMinutes(30))) {
            pastReviews(mitigation, w.pastIncidents());
            new NightlyPipeline(spark, cfg, System.out::println).run();

            LiveDay.Outcome first = LiveDay.replay(catalog, registry, mitigation, intel, live, w.attacks());
            List<ObservedMitigation> falseFirst = first.card().falseMitigations();
            Set<String> rejectedEntities = review(mitigation, first);
            land(landing, "live-1.ndjson", live);
            new NightlyPipeline(spark, cfg, System.out::println).run();

            List<AttackScenario> attacksAgain = w.attacks().stream().map(a -> new AttackScenario(a.name(),
                    a.description(), a.entities(), a.firstMaliciousEvent().plus(WEEK), a.end().plus(WEEK),
                    a.expectedBand())).toList();
            List<ActivityEvent> again = live.stream().map(e -> e.toBuilder().eventId(e.eventId() + "-w2")
                    .time(e.time().plus(WEEK)).build()).toList();
            LiveDay.Outcome second = LiveDay.replay(catalog, registry, mitigation, intel, again, attacksAgain);
            List<ObservedMitigation> falseSecond = second.card().falseMitigations();

            System.out.printf("adaptive learning: false mitigations %d -> %d after rejecting them (entities %s); "
                    + "attacks mitigated %d/%d -> %d/%d; model %s -> %s; %.0f s%n", falseFirst.size(),
                    falseSecond.size(), rejectedEntities, detected(first.card()), w.attacks().size(),
                    detected(second.card()), w.attacks().size(), first.model(), second.model(),
                    (System.nanoTime() - t0) / 1e9);
            System.out.print(second.card().table());
            assertThat(falseFirst).as("the benign-but-unusual day must cost false mitigations for the test to "
                    + "mean anything").hasSizeGreaterThanOrEqualTo(2);
            assertThat(falseSecond.size()).as("false mitigations after the feedback").isLessThanOrEqualTo(
                    falseFirst.size() / 2);
            for (ScenarioScorecard.Row row : second.card().rows()) {
                assertThat(row.detected()).as(row.scenario().name() + " still mitigated").isTrue();
            }
            PatternHistory history = PatternHistory.read(new KernelTableReader(), catalog);
            assertThat(falseFirst).allSatisfy(m -> assertThat(history.outcomes(m.entity(), pattern(mitigation,
                    m)).rejected()).as("rejections of " + m.entity() + " recorded").isPositive());
            assertThat(second.assessments()).filteredOn(a -> rejectedEntities.contains(a.anomaly().entity().id()))
                    .as("the rejected entities' anomalies are stepped down by their feedback")
                    .anySatisfy(a -> assertThat(a.risk().contributions()).anySatisfy(c -> {
                        assertThat(c.factor()).isEqualTo(PatternHistory.FEEDBACK_FACTOR);
                        assertThat(c.points()).isNegative();
                    }));
        }
    }

    /**
     * Benign but unusual: two principals who are neither attacked nor in the generator's benign
     * episodes each pull a quarter's worth of reports (40 objects of 50 MB in ten minutes) from their
     * usual place with their usual client, at 09:00, 12:00 and 15:00.
     */
    private static List<ActivityEvent> withBulkExports(Workload w) {
        Set<EntityKey> busy = new HashSet<>();
        w.attacks().forEach(a -> busy.addAll(a.entities()));
        w.benign().forEach(b -> busy.add(b.entity()));
        Map<String, ActivityEvent> usual = new TreeMap<>();
        for (ActivityEvent e : w.live()) {
            if (e.principal() != null && e.principal().startsWith("u-") && e.resourceType() == ResourceType.DATA_STORAGE
                    && !busy.contains(EntityKey.principal(e.tenant(), e.principal()))) {
                usual.putIfAbsent(e.principal(), e);
            }
        }
        List<ActivityEvent> out = new ArrayList<>(w.live());
        Instant day = w.config().liveStart();
        for (ActivityEvent u : usual.values().stream().limit(2).toList()) {
            for (int hour : new int[] {9, 12, 15}) {
                for (int i = 0; i < 40; i++) {
                    out.add(u.toBuilder().eventId("bulk-" + u.principal() + "-" + hour + "-" + i)
                            .time(day.plus(Duration.ofHours(hour)).plusSeconds(i * 15L)).operation("GetObject")
                            .bytesOut(50_000_000L).build());
                }
            }
        }
        out.sort(Comparator.comparing(ActivityEvent::time).thenComparing(ActivityEvent::eventId));
        return out;
    }

    /** The user rejects every false mitigation and approves every attack's; returns the rejected entities. */
    private static Set<String> review(MitigationService mitigation, LiveDay.Outcome day) {
        Decisions decisions = new Decisions(mitigation.engine());
        Set<String> falseIds = day.card().falseMitigations().stream().map(ObservedMitigation::mitigationId)
                .collect(Collectors.toSet());
        Set<String> rejected = new HashSet<>();
        for (Mitigation m : day.mitigations()) {
            if (!Mitigation.APPLIED.equals(mitigation.store().mitigation(m.mitigationId()).orElseThrow().status())) {
                continue;
            }
            if (falseIds.contains(m.mitigationId())) {
                decisions.reject(m.mitigationId(), "alice", "expected work, not an attack");
                rejected.add(mitigation.store().incident(m.incidentId()).orElseThrow().entityId());
            } else {
                decisions.approve(m.mitigationId(), "alice", "confirmed attack");
            }
        }
        return rejected;
    }

    private static String pattern(MitigationService mitigation, ObservedMitigation m) {
        String incident = mitigation.store().mitigation(m.mitigationId()).orElseThrow().incidentId();
        return mitigation.store().incident(incident).orElseThrow().pattern();
    }

    /** The security team's reviews of the history week, as decisions in the store. */
    private static void pastReviews(MitigationService mitigation, List<PastIncident> past) {
        int n = 0;
        for (PastIncident p : past) {
            String id = "past-" + n++;
            String kind = p.entity().kind().wireName();
            Band band = p.confirmed() ? Band.HIGH : Band.LOW;
            mitigation.store().insertIncident(new Incident("inc-" + id, p.entity().tenant(), kind, p.entity().id(),
                    kind.equals("principal") ? p.entity().id() : null, kind.equals("host") ? p.entity().id() : null,
                    "data_storage", null, "reviewed:" + p.name(), band, p.confirmed() ? 90 : 35, Incident.RESOLVED,
                    p.start(), p.end(), p.start(), 1, "{}"));
            mitigation.store().insertMitigation(new Mitigation("mit-" + id, "inc-" + id, "historical-review", band,
                    Mitigation.STANDARD, p.confirmed() ? 90 : 35, Mitigation.APPLIED, null, p.start(), p.start(), false,
                    null, null, "{}"), List.of());
            String decision = p.confirmed() ? "approve" : "reject";
            mitigation.store().decide("mit-" + id, Set.of(Mitigation.APPLIED), p.confirmed() ? Mitigation.APPROVED
                    : Mitigation.REJECTED, new FeedbackRecord("fb-" + id, "mit-" + id, "inc-" + id, p.entity().tenant(),
                    kind, p.entity().id(), "reviewed:" + p.name(), decision, p.name(), "security-team", false,
                    p.end().plus(Duration.ofHours(1))));
        }
    }

    private static long detected(ScenarioScorecard card) {
        return card.rows().stream().filter(ScenarioScorecard.Row::detected).count();
    }

    private static void land(Path landing, String file, List<ActivityEvent> events) throws Exception {
        Files.createDirectories(landing);
        Files.writeString(landing.resolve(file), events.stream().map(EventCodec::toJson)
                .collect(Collectors.joining("\n", "", "\n")), StandardCharsets.UTF_8);
    }
}
