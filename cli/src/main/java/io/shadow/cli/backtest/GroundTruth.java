package io.shadow.cli.backtest;

import io.shadow.agents.simulate.AttackScenario;
import io.shadow.agents.simulate.Band;
import io.shadow.agents.simulate.ObservedMitigation;
import io.shadow.agents.simulate.ScenarioLabels;
import io.shadow.agents.simulate.ScenarioScorecard;
import io.shadow.features.EntityKey;
import io.shadow.features.EntityKind;
import io.shadow.features.table.KernelTableReader;
import io.shadow.features.table.ShadowTable;
import io.shadow.features.table.TableCatalog;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What really happened, for grading only: the generated workload's scenario labels where they
 * exist, and elsewhere the incidents users reviewed (confirmed = a true case, rejected = a false
 * alarm). Where labels cover a time, they win: a user may reject one step of a real attack.
 */
record GroundTruth(Optional<ScenarioLabels> labels, List<Reviewed> reviewed) {

    /** One reviewed incident from {@code gold/incidents}. */
    record Reviewed(String incidentId, EntityKey entity, Instant start, Instant end, String pattern,
            boolean confirmed) {
    }

    /** A mitigation's grade. */
    enum Verdict { TRUE, FALSE, UNREVIEWED }

    static GroundTruth load(KernelTableReader reader, TableCatalog catalog, Optional<ScenarioLabels> labels) {
        List<Reviewed> reviewed = new ArrayList<>();
        reader.scan(catalog.path(ShadowTable.INCIDENTS), r -> reviewed.add(new Reviewed(r.string("incident_id"),
                new EntityKey(r.string("tenant"), EntityKind.fromWire(r.string("entity_kind")), r.string("entity_id")),
                r.instant("start_time"), r.instant("end_time"), r.string("pattern"),
                r.intValue("label") == 1)));
        return new GroundTruth(labels, List.copyOf(reviewed));
    }

    /**
     * The true cases inside {@code [from, to)}: labelled attacks, then confirmed incidents outside the
     * labelled window, as scenarios the scorecard can match mitigations against.
     */
    List<Case> cases(Instant from, Instant to) {
        List<Case> out = new ArrayList<>();
        labels.ifPresent(l -> l.attacks().stream().filter(a -> overlaps(a.firstMaliciousEvent(), a.end(), from, to))
                .forEach(a -> out.add(new Case(a, "scenario", a.expectedBand().name().toLowerCase()))));
        Set<String> names = new java.util.HashSet<>(out.stream().map(c -> c.scenario().name()).toList());
        for (Reviewed r : reviewed) {
            if (r.confirmed() && overlaps(r.start(), r.end(), from, to) && !labelled(r.start())) {
                String name = r.entity().id() + " " + r.pattern();
                for (int n = 2; !names.add(name); n++) {
                    name = r.entity().id() + " " + r.pattern() + " #" + n;
                }
                // expected band: any; the scorecard needs one, the report shows none
                out.add(new Case(new AttackScenario(name, r.incidentId(), Set.of(r.entity()), r.start(), r.end(),
                        Band.LOW), "reviewed incident " + r.incidentId(), null));
            }
        }
        return out;
    }

    /** Grades a mitigation no true case claimed. */
    Verdict unmatched(ObservedMitigation m) {
        if (labelled(m.eventTime())) {
            return Verdict.FALSE;
        }
        boolean rejected = reviewed.stream().anyMatch(r -> !r.confirmed() && r.entity().equals(m.entity())
                && !m.eventTime().isBefore(r.start()) && !m.eventTime().isAfter(r.end().plus(ScenarioScorecard.GRACE)));
        return rejected ? Verdict.FALSE : Verdict.UNREVIEWED;
    }

    /** Where the ground truth comes from, for the report. */
    String describe() {
        long confirmed = reviewed.stream().filter(Reviewed::confirmed).count();
        return labels.map(l -> "scenario labels " + l.from() + " .. " + l.to() + " (" + l.attacks().size()
                + " attacks); ").orElse("no scenario labels; ") + reviewed.size() + " reviewed incidents ("
                + confirmed + " confirmed, " + (reviewed.size() - confirmed) + " rejected)";
    }

    private boolean labelled(Instant t) {
        return labels.isPresent() && labels.get().covers(t);
    }

    private static boolean overlaps(Instant start, Instant end, Instant from, Instant to) {
        return start.isBefore(to) && !end.isBefore(from);
    }

    /** A true case to catch; {@code expectedBand} null when nobody said which band it deserves. */
    record Case(AttackScenario scenario, String source, String expectedBand) {
    }
}
