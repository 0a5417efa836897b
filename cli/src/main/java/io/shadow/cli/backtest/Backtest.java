package io.shadow.cli.backtest;

import io.shadow.agents.simulate.ScenarioLabels;
import io.shadow.features.ActivityEvent;
import io.shadow.features.baseline.BaselineSnapshot;
import io.shadow.features.json.TransferLimit;
import io.shadow.features.signal.Assessment;
import io.shadow.features.table.EventTableReader;
import io.shadow.features.table.KernelTableReader;
import io.shadow.features.table.ShadowTable;
import io.shadow.features.table.TableCatalog;
import io.shadow.mitigation.engine.Outcome;
import io.shadow.mitigation.actuate.Protected;
import io.shadow.mitigation.profile.ProfileSet;
import io.shadow.model.detect.DetectorConfig;
import io.shadow.model.registry.ModelRegistry;
import io.shadow.model.risk.ResourceRisk;
import io.shadow.scorer.BaselineSource;
import io.shadow.scorer.OnlineScorer;
import io.shadow.scorer.RiskModelHolder;
import io.shadow.scorer.ThreatIntelSource;
import io.shadow.spark.training.TrainAndPromote;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Replays stored history through the live path without acting: events of {@code [from, to)} are
 * read from {@code bronze/events} with Delta Kernel, in time order, and scored once by the same
 * {@link OnlineScorer} the service runs (detector on the baseline snapshot, risk model from the
 * registry's champion, threat intelligence, pattern history, each read as the service reads it); every assessment then goes to each
 * profile set's trigger in no-act mode. The result is graded against the ground truth.
 */
public final class Backtest {
    /**
     * The installation a backtest reads: tables, registry and the scorer's settings, with baselines
     * and threat intelligence from the same sources the service reads ({@code DeltaBaselines},
     * {@code DeltaThreatIntel}).
     *
     * @param registry opened only once the tables are found, so a failed backtest creates no registry folder
     * @param maxTransferBytes the scorer's {@code scorer.max-transfer-bytes}: stored events above it
     *     (landed before ingest quarantined them) are skipped, as the scorer refuses them
     * @param protectedTargets {@code mitigation.protected.*}: the replay says which actions they hold back (the
     *     emergency budget is not replayed: every profile is replayed as a dry run, which takes none of it)
     */
    public record Inputs(TableCatalog catalog, Supplier<ModelRegistry> registry, DetectorConfig detector,
            BaselineSource baselines, ThreatIntelSource intel, ResourceRisk resourceRisk, Duration incidentWindow,
            Optional<ScenarioLabels> labels, long maxTransferBytes, Protected protectedTargets) {

        /** As above, with nothing protected. */
        public Inputs(TableCatalog catalog, Supplier<ModelRegistry> registry, DetectorConfig detector,
                BaselineSource baselines, ThreatIntelSource intel, ResourceRisk resourceRisk, Duration incidentWindow,
                Optional<ScenarioLabels> labels, long maxTransferBytes) {
            this(catalog, registry, detector, baselines, intel, resourceRisk, incidentWindow, labels, maxTransferBytes,
                    Protected.NONE);
        }
    }

    /** One profile set to try; the last of several is the current one the others are compared with. */
    public record Profiles(String label, String source, ProfileSet set) {
    }

    private final Inputs in;
    private final Consumer<String> progress;

    public Backtest(Inputs in, Consumer<String> progress) {
        this.in = in;
        this.progress = progress;
    }

    public BacktestReport run(Instant from, Instant to, List<Profiles> sets) {
        if (!from.isBefore(to)) {
            throw BacktestErrors.emptyWindow(from, to);
        }
        KernelTableReader kernel = new KernelTableReader();
        EventTableReader events = new EventTableReader(kernel, in.catalog());
        if (!events.exists()) {
            throw BacktestErrors.missingTable("events", events.path());
        }
        String baselinesPath = in.catalog().path(ShadowTable.BASELINES);
        if (kernel.latestVersion(baselinesPath).isEmpty()) {
            throw BacktestErrors.missingTable("baselines", baselinesPath);
        }
        progress.accept("reading stored events " + from + " .. " + to + " from " + events.path());
        List<ActivityEvent> history = refusedLeftOut(events.read(from, to));
        if (history.isEmpty()) {
            throw BacktestErrors.noEvents(from, to, events.path(), span(events));
        }
        BaselineSource.Generation baselines = in.baselines().read();
        BaselineSnapshot snapshot = baselines.snapshot();
        ThreatIntelSource.Generation intel = in.intel().read();
        List<ProfileReplay> replays = new ArrayList<>();
        try (RiskModelHolder models = new RiskModelHolder(in.registry().get(), TrainAndPromote.MODEL_NAME)) {
            models.refresh();
            for (Profiles p : sets) {
                replays.add(new ProfileReplay(p.label(), p.source(), p.set(), in.incidentWindow(),
                        in.protectedTargets()));
            }
            long[] anomalies = {0};
            OnlineScorer scorer = new OnlineScorer(in.detector(), snapshot, intel.intel(), baselines.history(),
                    in.resourceRisk(), models, a -> {
                        anomalies[0]++;
                        return fanOut(replays, a);
                    });
            progress.accept(String.format("replaying %d events through the detector (baselines v%d, %d entities), "
                    + "model %s, %d threat indicators (%s) and %d profile set(s), acting on nothing", history.size(),
                    snapshot.version(), snapshot.size(), models.get().id(), intel.intel().size(), intel.from(),
                    replays.size()));
            long reported = 0;
            for (int i = 0; i < history.size(); i++) {
                scorer.score(history.get(i));
                long tenths = (i + 1) * 10L / history.size();
                if (tenths > reported) {
                    reported = tenths;
                    progress.accept(String.format("  %3d%%  %d / %d events (up to %s), %d anomalies",
                            (i + 1) * 100L / history.size(), i + 1, history.size(), history.get(i).time(),
                            anomalies[0]));
                }
            }
            GroundTruth truth = GroundTruth.load(kernel, in.catalog(), in.labels());
            List<BacktestReport.ProfileOutcome> outcomes = replays.stream()
                    .map(r -> BacktestReport.ProfileOutcome.grade(r, truth, from, to)).toList();
            List<BacktestReport.Diff> diffs = new ArrayList<>();
            for (int i = 0; i < outcomes.size() - 1; i++) {
                diffs.add(BacktestReport.Diff.of(outcomes.get(i), outcomes.get(outcomes.size() - 1)));
            }
            return new BacktestReport(from, to, models.get().id(), snapshot.version(), truth.describe(),
                    history.size(), anomalies[0], outcomes, diffs);
        } finally {
            replays.forEach(ProfileReplay::close);
        }
    }

    /** The events the scorer would take: those reporting more bytes than it accepts are left out, and counted. */
    private List<ActivityEvent> refusedLeftOut(List<ActivityEvent> stored) {
        List<ActivityEvent> kept = new ArrayList<>(stored.size());
        for (ActivityEvent e : stored) {
            if (TransferLimit.allows(e, in.maxTransferBytes())) {
                kept.add(e);
            }
        }
        if (kept.size() < stored.size()) {
            progress.accept(String.format("left out %d stored event(s) reporting more than %d bytes in bytes_in or "
                    + "bytes_out: the scorer refuses them (scorer.max-transfer-bytes), and ingest now quarantines them",
                    stored.size() - kept.size(), in.maxTransferBytes()));
        }
        return kept;
    }

    private static String fanOut(List<ProfileReplay> replays, Assessment a) {
        String first = null;
        for (ProfileReplay r : replays) {
            Outcome o = r.handle(a);
            if (first == null) {
                first = o.kind() + " " + o.band().wireName();
            }
        }
        return first;
    }

    /** The stored time range, for the message when a window holds no events. */
    private static String span(EventTableReader events) {
        Instant[] range = events.range();
        return range == null ? "no events at all" : "events from " + range[0] + " to " + range[1];
    }
}
