package io.shadow.agents.simulate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Scores a run against the ground truth: for each injected attack, whether it was mitigated, how
 * long after its first malicious event (in simulated time), how high the band and risk went; and
 * every mitigation that matches no attack, a false one.
 */
public final class ScenarioScorecard {
    /** Mitigations up to this long after an attack's last event still count for it. */
    public static final Duration GRACE = Duration.ofMinutes(30);

    /** One attack's outcome; {@code all} are its mitigations in event-time order (escalations). */
    public record Row(AttackScenario scenario, List<ObservedMitigation> all, Optional<ObservedMitigation> first,
            Optional<ObservedMitigation> highest) {
        public boolean detected() {
            return first.isPresent();
        }

        /** Seconds of simulated time from the first malicious event to the first mitigation. */
        public long secondsToMitigation() {
            return first.map(m -> Duration.between(scenario.firstMaliciousEvent(), m.eventTime()).getSeconds())
                    .orElse(-1L);
        }

        /** The expected band was applied at some point (a mitigation may escalate past it later). */
        public boolean bandAsExpected() {
            return all.stream().anyMatch(m -> m.band().equalsIgnoreCase(scenario.expectedBand().name()));
        }

        /** Bands in the order they were applied, e.g. {@code low>medium}. */
        public String bands() {
            return all.isEmpty() ? "-" : String.join(">", all.stream().map(ObservedMitigation::band).toList());
        }
    }

    private final List<Row> rows;
    private final List<ObservedMitigation> falseMitigations;

    private ScenarioScorecard(List<Row> rows, List<ObservedMitigation> falseMitigations) {
        this.rows = rows;
        this.falseMitigations = falseMitigations;
    }

    public static ScenarioScorecard score(List<AttackScenario> attacks, List<ObservedMitigation> mitigations) {
        List<Row> rows = new ArrayList<>();
        List<ObservedMitigation> matched = new ArrayList<>();
        for (AttackScenario a : attacks) {
            List<ObservedMitigation> mine = mitigations.stream().filter(m -> belongs(m, a))
                    .sorted(Comparator.comparing(ObservedMitigation::eventTime)).toList();
            matched.addAll(mine);
            Optional<ObservedMitigation> highest = mine.stream().max(Comparator
                    .comparing((ObservedMitigation m) -> rank(m.band())).thenComparing(ObservedMitigation::risk));
            rows.add(new Row(a, mine, mine.stream().findFirst(), highest));
        }
        List<ObservedMitigation> falses = mitigations.stream().filter(m -> !matched.contains(m)).toList();
        return new ScenarioScorecard(rows, falses);
    }

    private static boolean belongs(ObservedMitigation m, AttackScenario a) {
        return a.entities().contains(m.entity()) && !m.eventTime().isBefore(a.firstMaliciousEvent())
                && !m.eventTime().isAfter(a.end().plus(GRACE));
    }

    private static int rank(String band) {
        return switch (band.toLowerCase(Locale.ROOT)) {
            case "high" -> 3;
            case "medium" -> 2;
            case "low" -> 1;
            default -> 0;
        };
    }

    public List<Row> rows() {
        return rows;
    }

    public List<ObservedMitigation> falseMitigations() {
        return falseMitigations;
    }

    /** The table the demo prints. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        String fmt = "%-21s %-9s %-8s %-19s %5s %-8s %-28s %s%n";
        sb.append(String.format(fmt, "scenario", "detected", "expected", "bands applied", "risk", "to-act",
                "top profile", "actions"));
        sb.append("-".repeat(120)).append('\n');
        for (Row r : rows) {
            ObservedMitigation h = r.highest().orElse(null);
            sb.append(String.format(fmt, r.scenario().name(), r.detected() ? "yes" : "NO",
                    r.scenario().expectedBand().name().toLowerCase(Locale.ROOT),
                    r.bands() + (r.detected() && !r.bandAsExpected() ? " (!)" : ""),
                    h == null ? "-" : String.format("%.0f", h.risk()),
                    r.detected() ? r.secondsToMitigation() + " s" : "-",
                    h == null ? "-" : h.profile() + (h.path().equals("emergency") ? "*" : ""),
                    h == null ? "-" : h.actions()));
        }
        sb.append('\n').append("false mitigations on benign activity: ").append(falseMitigations.size()).append('\n');
        for (ObservedMitigation m : falseMitigations) {
            sb.append(String.format("  %s at %s: %s risk %.0f, profile %s (%s)%n", m.entity(), m.eventTime(), m.band(),
                    m.risk(), m.profile(), m.actions()));
        }
        sb.append("(* emergency path: applied with no user interaction; to-act: simulated seconds from the first "
                + "malicious event to the first mitigation)\n");
        return sb.toString();
    }
}
