package io.shadow.cli.backtest;

import io.shadow.agents.simulate.ObservedMitigation;
import io.shadow.agents.simulate.ScenarioScorecard;
import io.shadow.cli.runtime.JsonReports;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a backtest found: for each profile set, every true case with whether and how it would have
 * been mitigated, every false mitigation, and the mitigations nothing can grade; then what the
 * candidate changes against the current profiles.
 *
 * @param events stored events replayed
 * @param anomalies anomalies the detector raised (the same for every profile set)
 * @param diffs each candidate against the current profiles (the last set); empty with one profile set
 */
public record BacktestReport(Instant from, Instant to, String model, long baselinesVersion, String groundTruth,
        long events, long anomalies, List<ProfileOutcome> profiles, List<Diff> diffs) {

    /** One true case under one profile set. */
    public record CaseResult(String name, String source, String expectedBand, Instant firstMaliciousEvent,
            boolean caught, long secondsToMitigate, String bands, boolean bandAsExpected, double maxRisk,
            String topProfile, boolean emergency, String actions, int mitigations) {
    }

    /** One mitigation as the report lists it. */
    public record Flagged(String entity, Instant eventTime, String band, double risk, String profile, String path,
            String actions) {
        static Flagged of(ObservedMitigation m) {
            return new Flagged(m.entity().toString(), m.eventTime(), m.band(), m.risk(), m.profile(), m.path(),
                    m.actions());
        }

        String key() {
            return entity + "@" + eventTime + "/" + band;
        }
    }

    /** One profile set's results. */
    public record ProfileOutcome(String label, String source, int version, double low, double medium, double high,
            int mitigations, int caught, int missed, int falseCount, int unreviewedCount, List<CaseResult> cases,
            Map<String, Integer> falseByEntity, List<Flagged> falseMitigations, List<Flagged> unreviewed) {

        static ProfileOutcome grade(ProfileReplay replay, GroundTruth truth, Instant from, Instant to) {
            List<ObservedMitigation> all = replay.mitigations();
            List<GroundTruth.Case> cases = truth.cases(from, to);
            ScenarioScorecard card = ScenarioScorecard.score(cases.stream().map(GroundTruth.Case::scenario).toList(),
                    all);
            List<CaseResult> results = new ArrayList<>();
            for (int i = 0; i < cases.size(); i++) {
                results.add(result(cases.get(i), card.rows().get(i)));
            }
            List<Flagged> falses = new ArrayList<>();
            List<Flagged> unreviewed = new ArrayList<>();
            Map<String, Integer> byEntity = new TreeMap<>();
            for (ObservedMitigation m : card.falseMitigations()) {
                if (truth.unmatched(m) == GroundTruth.Verdict.FALSE) {
                    falses.add(Flagged.of(m));
                    byEntity.merge(m.entity().toString(), 1, Integer::sum);
                } else {
                    unreviewed.add(Flagged.of(m));
                }
            }
            var p = replay.profiles();
            int caught = (int) results.stream().filter(CaseResult::caught).count();
            return new ProfileOutcome(replay.label(), replay.source(), p.version(), p.low(), p.medium(), p.high(),
                    all.size(), caught, results.size() - caught, falses.size(), unreviewed.size(), results, byEntity,
                    falses, unreviewed);
        }

        private static CaseResult result(GroundTruth.Case c, ScenarioScorecard.Row row) {
            ObservedMitigation h = row.highest().orElse(null);
            return new CaseResult(c.scenario().name(), c.source(), c.expectedBand(),
                    c.scenario().firstMaliciousEvent(), row.detected(), row.secondsToMitigation(), row.bands(),
                    c.expectedBand() == null ? row.detected() : row.bandAsExpected(),
                    h == null ? 0 : h.risk(), h == null ? null : h.profile(),
                    h != null && "emergency".equals(h.path()), h == null ? null : h.actions(), row.all().size());
        }

        public Optional<CaseResult> find(String name) {
            return cases.stream().filter(c -> c.name().equals(name)).findFirst();
        }
    }

    /** One candidate profile set against the current one. */
    public record Diff(String candidate, String current, List<String> newlyCaught, List<String> newlyMissed,
            List<String> bandsChanged, List<String> timeToActChanged, int falseAdded, int falseRemoved, List<Flagged> falseAddedList,
            List<Flagged> falseRemovedList, int caughtDelta, int falseDelta) {

        static Diff of(ProfileOutcome cand, ProfileOutcome cur) {
            List<String> caught = new ArrayList<>();
            List<String> missed = new ArrayList<>();
            List<String> bands = new ArrayList<>();
            List<String> times = new ArrayList<>();
            for (CaseResult c : cand.cases()) {
                CaseResult o = cur.find(c.name()).orElseThrow();
                if (c.caught() && !o.caught()) {
                    caught.add(c.name());
                } else if (!c.caught() && o.caught()) {
                    missed.add(c.name());
                } else if (c.caught()) {
                    if (!c.bands().equals(o.bands())) {
                        bands.add(c.name() + ": " + o.bands() + " -> " + c.bands());
                    }
                    if (c.secondsToMitigate() != o.secondsToMitigate()) {
                        times.add(c.name() + ": " + o.secondsToMitigate() + " s -> " + c.secondsToMitigate() + " s");
                    }
                }
            }
            List<Flagged> added = minus(cand.falseMitigations(), cur.falseMitigations());
            List<Flagged> removed = minus(cur.falseMitigations(), cand.falseMitigations());
            return new Diff(cand.label(), cur.label(), caught, missed, bands, times, added.size(), removed.size(), added,
                    removed, cand.caught() - cur.caught(), cand.falseCount() - cur.falseCount());
        }

        private static List<Flagged> minus(List<Flagged> a, List<Flagged> b) {
            List<String> left = new ArrayList<>(b.stream().map(Flagged::key).toList());
            List<Flagged> out = new ArrayList<>();
            for (Flagged f : a) {
                if (!left.remove(f.key())) {
                    out.add(f);
                }
            }
            return out;
        }
    }

    public ProfileOutcome profile(String label) {
        return profiles.stream().filter(p -> p.label().equals(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no profile set labelled " + label));
    }

    /** The human-readable report. */
    public String table() {
        return BacktestTable.render(this);
    }

    public String toJson() {
        return JsonReports.toJson(this);
    }

    public void writeJson(Path file) {
        JsonReports.write(this, file);
    }
}
