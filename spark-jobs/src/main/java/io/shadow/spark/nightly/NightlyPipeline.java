package io.shadow.spark.nightly;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import io.shadow.features.table.KernelTableReader;
import io.shadow.features.table.ShadowTable;
import io.shadow.model.intel.ThreatIndicatorTable;
import io.shadow.model.intel.taxii.TaxiiException;
import io.shadow.spark.baseline.BaselineJob;
import io.shadow.spark.baseline.NoveltyProfileJob;
import io.shadow.spark.features.FeatureJob;
import io.shadow.spark.feedback.FeedbackImportJob;
import io.shadow.spark.feedback.ImportedLabels;
import io.shadow.spark.feedback.ProfileSuggestionJob;
import io.shadow.spark.DeltaTables;
import io.shadow.spark.ingest.IngestJob;
import io.shadow.spark.intel.ThreatIntelSyncJob;
import io.shadow.spark.training.TrainAndPromote;
import io.shadow.spark.training.TrainingSetJob;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The nightly run as a list of named steps: feedback import → profile suggestions (printed for
 * operators) → ingest → features → baselines → novelty profiles → threat intel → training set →
 * train and promote. Each step replaces its outputs (features only the run's event date), so a
 * re-run of a date gives the same tables, not more rows. A date without stored events records
 * nothing and learns nothing: the run warns, and the steps from baselines on leave their tables and
 * the champion as they were; a {@link NightlyRun} records finished
 * steps in the date's run state, so a failed run resumes at the step that failed. Progress goes to
 * {@code progress}; the report to {@code _reports/<date>/}.
 */
public final class NightlyPipeline {
    private final SparkSession spark;
    private final NightlyConfig cfg;
    private final Consumer<String> progress;

    public NightlyPipeline(SparkSession spark, NightlyConfig cfg, Consumer<String> progress) {
        this.spark = spark;
        this.cfg = cfg;
        this.progress = progress;
    }

    /** The steps in order. Add a step here (a name and a body) and it gets state, resume and reporting. */
    public List<NightlyStep> steps() {
        List<NightlyStep> steps = new ArrayList<>();
        LabelCheck labels = new LabelCheck();
        if (cfg.storeJdbcUrl() != null) {
            // a fresh installation has no store until the mitigation API first runs: both steps skip then
            steps.add(new NightlyStep("feedback-import", scope -> {
                FeedbackImportJob.Result r = new FeedbackImportJob(spark, cfg.catalog(), cfg.storeJdbcUrl(),
                        cfg.storeUser(), cfg.storePassword(), java.time.Clock.systemUTC(), cfg.reviewWindow()).run();
                // a store without the tables, or none where earlier imports found one, is likely the wrong
                // database: the skip warns then
                return r.skipped() == null ? r : r.warnings().isEmpty() ? r.skipped()
                        : new WithWarnings(r.skipped(), r.warnings());
            }));
            steps.add(new NightlyStep("profile-suggestions", scope -> {
                ProfileSuggestionJob.Result r = new ProfileSuggestionJob(spark, cfg.catalog(), cfg.storeJdbcUrl(),
                        cfg.storeUser(), cfg.storePassword(), 2).run();
                r.suggestions().forEach(s -> progress.accept("      " + s.line()));
                return r.skipped() != null ? r.skipped() : r;
            }));
        }
        steps.add(new NightlyStep("ingest", scope -> {
            IngestJob.Result r = new IngestJob(spark, cfg.catalog(), cfg.landingEvents(), cfg.maxTransferBytes(),
                    cfg.defaultTenant()).run();
            List<String> late = lateEvents(scope, r);
            return late.isEmpty() ? r : new WithWarnings(r, late);
        }));
        steps.add(new NightlyStep("features", scope -> {
            String table = ShadowTable.FEATURES.relativePath();
            List<String> lost = labels.once(scope);
            if (scope.allDates()) {
                return WithWarnings.of(RowsWritten.everyDate(table, new FeatureJob(spark, cfg.catalog()).run(),
                        "feature row"), lost);
            }
            java.util.Optional<String> none = noEvents(scope.date());
            if (none.isPresent()) {
                // nothing to record: no zero spans for the date, and away with those an older version wrote
                long removed = new FeatureJob(spark, cfg.catalog()).clearDate(scope.date());
                List<String> warnings = new ArrayList<>(List.of(none.get() + removedSpans(scope.date(), removed)));
                warnings.addAll(lost);
                return RowsWritten.forDate(table, 0, scope.date(), "feature row", warnings);
            }
            return RowsWritten.forDate(table, new FeatureJob(spark, cfg.catalog()).run(scope.date()), scope.date(),
                    "feature row", lost);
        }));
        // the lost-labels check is made even when a step is skipped for a date without events
        steps.add(new NightlyStep("baselines", scope -> {
            List<String> lost = labels.once(scope);
            return WithWarnings.of(learning(scope, () -> RowsWritten.of(ShadowTable.BASELINES.relativePath(),
                    new BaselineJob(spark, cfg.catalog()).run(), "entity-feature baseline")), lost);
        }));
        // novelty reads the features step's partials, not the baselines: the two run side by side
        steps.add(new NightlyStep("novelty-profiles", scope -> {
            List<String> lost = labels.once(scope);
            return WithWarnings.of(learning(scope, () -> RowsWritten.of(ShadowTable.NOVELTY_PROFILES.relativePath(),
                    new NoveltyProfileJob(spark, cfg.catalog()).run(), "entity-attribute value")), lost);
        }).besidePreviousStep());
        if (!cfg.threatFeeds().isEmpty() || cfg.taxii() != null) {
            steps.add(new NightlyStep(RunPlan.THREAT_INTEL, scope -> syncThreatIntel()));
        }
        steps.add(new NightlyStep("training-set", scope -> {
            List<String> lost = labels.once(scope);
            return WithWarnings.of(learning(scope, () -> new TrainingSetJob(spark, cfg.catalog(), cfg.detector(), 0.5,
                    ThreatIndicatorTable.load(new KernelTableReader(spark.sparkContext().hadoopConfiguration()),
                            cfg.catalog(), cfg.threatFeeds(), cfg.intelScope()).intel(), cfg.resourceRisk()).run()),
                    lost);
        }));
        steps.add(new NightlyStep("train-and-promote", scope -> learning(scope, () -> new TrainAndPromote(spark,
                cfg.catalog(), cfg.registry(), cfg.training()).runOrSkip())));
        return steps;
    }

    /**
     * The run's check that the incident labels the steps read hold every incident users confirmed. Made by
     * the first step of the run that reads them (features, or the step a {@code --from-step} starts at), so
     * one missing table is one warning; the steps run beside each other share it.
     */
    private final class LabelCheck {
        private final java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();

        List<String> once(RunScope scope) {
            if (!done.compareAndSet(false, true)) {
                return List.of();
            }
            String fix = "bin/shadow nightly " + (scope.allDates() ? "" : "--date " + scope.date() + " ")
                    + "--from-step feedback-import";
            return ImportedLabels.read(spark.sparkContext().hadoopConfiguration(), cfg.catalog())
                    .missingConfirmations(fix).stream().toList();
        }
    }

    /**
     * A step that learns from the stored history (baselines, novelty profiles, training set, model):
     * for a date without stored events it is skipped, leaving its tables and the champion as they were,
     * since nothing was recorded for the date and there is nothing new to learn from it (the next run of
     * a date with events learns again, also what the threat-intel sync and feedback import brought).
     */
    private Object learning(RunScope scope, java.util.concurrent.Callable<Object> work) throws Exception {
        if (!scope.allDates() && !hasEvents(scope.date())) {
            return "skipped: no stored events for " + scope.date() + ", so nothing new to learn; the tables and "
                    + "the model stay as the last run left them";
        }
        return work.call();
    }

    private boolean hasEvents(LocalDate date) {
        return io.delta.tables.DeltaTable.isDeltaTable(spark, cfg.catalog().path(ShadowTable.EVENTS))
                && !DeltaTables.read(spark, cfg.catalog(), ShadowTable.EVENTS)
                        .filter(col("event_date").equalTo(lit(date))).isEmpty();
    }

    /** What the warning adds when the features step removed a quiet day an older version wrote for the date. */
    private static String removedSpans(LocalDate date, long removed) {
        return removed == 0 ? "" : ". Removed the " + io.shadow.spark.Counts.of(removed, "feature span")
                + " an earlier version wrote for " + date + " (a day of zeros for every known entity): the "
                + "baselines, training set and model drop that day at the next nightly run of a date with events "
                + "(or now: bin/shadow nightly --date <the last date with events>)";
    }

    /**
     * A date without stored events (after ingest) is most likely a wrong {@code --date}, agents that
     * stopped shipping, or a run against the wrong data directory (a cron line run from another
     * directory starts a fresh one): a warning, with the stored range, saying that nothing was recorded
     * or learnt for the date and what to check.
     */
    private java.util.Optional<String> noEvents(LocalDate date) {
        String path = cfg.catalog().path(ShadowTable.EVENTS);
        Row span = null;
        if (io.delta.tables.DeltaTable.isDeltaTable(spark, path)) {
            Dataset<Row> events = DeltaTables.read(spark, cfg.catalog(), ShadowTable.EVENTS);
            if (!events.filter(col("event_date").equalTo(lit(date))).isEmpty()) {
                return java.util.Optional.empty();
            }
            span = events.agg(min("time"), max("time")).first();
        }
        String nothing = "Nothing was recorded for " + date + ": no feature spans (no day of zeros), and the "
                + "baselines, novelty profiles, training set and model are left as they were (the steps that do not "
                + "depend on the date, feedback import and threat-intel sync, still run). ";
        if (span == null || span.isNullAt(0)) {
            return java.util.Optional.of("no stored events for " + date + ": " + path + " holds no events at all (a "
                    + "fresh warehouse). " + nothing + "If this installation has events, the run used the wrong data "
                    + "directory: check the working directory, --config and data-dir; else check the agents' "
                    + "shipping to " + cfg.landingEvents());
        }
        return java.util.Optional.of("no stored events for " + date + " in " + path + " (events from " + span.get(0)
                + " to " + span.get(1) + "). " + nothing + "Likely causes: a wrong --date, agents that stopped "
                + "shipping to " + cfg.landingEvents() + ", or their files for the day not ingested yet. Check --date "
                + "and the agents' shipping; once the day's events are in, run bin/shadow nightly --date " + date
                + " again to record and learn it");
    }

    /**
     * Events this run's ingest stored for another date whose nightly already succeeded (an agent's spool
     * sent late): bronze has them, but that date's features, and so the baselines, do not until the date
     * is run again. Nothing tells an operator otherwise, so the run warns naming the dates.
     */
    private List<String> lateEvents(RunScope scope, IngestJob.Result r) {
        if (scope.allDates()) {
            return List.of(); // every date's features are recomputed
        }
        java.util.SortedMap<LocalDate, Long> late = new java.util.TreeMap<>();
        r.newEvents().forEach((date, count) -> {
            if (!date.equals(scope.date()) && new RunFiles(spark.sparkContext().hadoopConfiguration(),
                    cfg.catalog().root(), RunScope.of(date)).readState()
                    .filter(s -> RunState.SUCCEEDED.equals(s.status())).isPresent()) {
                late.put(date, count);
            }
        });
        if (late.isEmpty()) {
            return List.of();
        }
        long all = late.values().stream().mapToLong(Long::longValue).sum();
        String dates = late.entrySet().stream().map(e -> io.shadow.spark.Counts.number(e.getValue()) + " on "
                + e.getKey()).collect(java.util.stream.Collectors.joining(", "));
        String commands = late.keySet().stream().map(d -> "bin/shadow nightly --date " + d)
                .collect(java.util.stream.Collectors.joining(", then "));
        return List.of(io.shadow.spark.Counts.of(all, "late event") + " stored for "
                + (late.size() == 1 ? "a date" : "dates") + " whose nightly run already succeeded (" + dates
                + "): the features of " + (late.size() == 1 ? "that date" : "those dates") + ", and so the "
                + "baselines, do not count them (the training set and novelty profiles do) until "
                + (late.size() == 1 ? "it is" : "they are") + " run again: " + commands);
    }

    /**
     * A TAXII outage must not cost the night's training: the previous table stays in use, and the report
     * warns, so that an outage is heard of (alerting reads the run's status).
     */
    private Object syncThreatIntel() {
        try {
            return new ThreatIntelSyncJob(spark, cfg.catalog(), cfg.threatFeeds(), cfg.taxii(),
                    java.time.Clock.systemUTC(), cfg.intelMaxHeld(), cfg.intelScope()).run();
        } catch (TaxiiException e) {
            return new WithWarnings("FAILED, the previous threat_indicators table stays in use: " + e.getMessage(),
                    List.of("TAXII server " + cfg.taxii().url() + " could not be synced: " + e.getMessage()
                            + ". Nothing was synced tonight (the feed files neither): the training set and the "
                            + "scorer keep the indicators of the last sync, and the next sync fetches what was "
                            + "missed (the TAXII cursors did not advance). An outage withdraws nothing: intel.max-held "
                            + "applies to feed lists only, the server's indicators stay until they expire or are "
                            + "revoked. Check the server and the intel.taxii.* keys"));
        }
    }

    /**
     * A Delta commit refused because another writer committed to the same table meanwhile: on a
     * warehouse only nightly runs write, that is another run, of whatever date, at the same time.
     */
    static Exception explained(Exception e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof org.apache.spark.sql.delta.DeltaConcurrentModificationException) {
                String delta = String.valueOf(c.getMessage()).lines().findFirst().orElse("");
                return new IllegalStateException("another nightly run wrote the same table at the same time, and "
                        + "Delta refused this run's commit (" + delta + "). Nightly runs on one warehouse must not "
                        + "overlap, whatever their dates: run them one after the other, e.g. under flock as in the "
                        + "cron line of docs/operations.md. Nothing was corrupted", e);
            }
        }
        return e;
    }

    /**
     * Refuses a warehouse this machine cannot reach (an unknown host, a namenode that does not answer)
     * as the bad value of {@code key}, before the run writes its state there.
     */
    public static void checkWarehouse(SparkSession spark, NightlyConfig cfg, String key) {
        java.net.URI root = cfg.catalog().root();
        try {
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(root);
            p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p);
        } catch (java.io.IOException | IllegalArgumentException e) {
            Throwable cause = e;
            while (cause.getCause() != null && !(cause instanceof java.net.UnknownHostException)
                    && !(cause instanceof java.net.ConnectException)) {
                cause = cause.getCause();
            }
            String network = ". Check the host name and port (the HDFS namenode, e.g. "
                    + "hdfs://namenode:8020/shadow/warehouse) and this machine's DNS and network";
            String why = cause instanceof java.net.UnknownHostException ? "the host " + root.getHost() + " is unknown "
                    + "to this machine (" + cause + ")" + network : cause instanceof java.net.ConnectException
                    ? "nothing answers at " + root.getHost() + ":" + root.getPort() + " (" + cause + ")" + network
                    : "it cannot be read (" + e + "). Check the URI and this machine's access to it (credentials, "
                            + "permissions)";
            throw io.shadow.features.config.ConfigException.invalid(key, root, "a warehouse this machine can reach, "
                    + "but " + why);
        }
    }

    /** Refuses a request before Spark starts: an unknown {@code --from-step} is named with the valid steps. */
    public static void check(NightlyConfig cfg, RunRequest request) {
        if (request.fromStep() != null) {
            RunPlan.checkStep(new NightlyPipeline(null, cfg, s -> { }).steps().stream().map(NightlyStep::name)
                    .toList(), request.fromStep());
        }
    }

    /** Runs every step over every event date (the demo's full recompute). */
    public RunReport run() {
        return run(new RunRequest(RunScope.ALL_DATES, null, true));
    }

    public RunReport run(RunRequest request) {
        return run(request, steps());
    }

    /** Runs the given steps (normally {@link #steps()}) with the scope's run state and report. */
    public RunReport run(RunRequest request, List<NightlyStep> steps) {
        steps = steps.stream().map(s -> new NightlyStep(s.name(), scope -> {
            try {
                return s.work().run(scope);
            } catch (Exception e) {
                throw explained(e);
            }
        }, s.besidePrevious())).toList();
        RunFiles files = new RunFiles(spark.sparkContext().hadoopConfiguration(), cfg.catalog().root(),
                request.scope());
        spark.sparkContext().setJobGroup("shadow-nightly", "nightly " + request.scope().key(), false);
        return new NightlyRun(files, progress, Clock.systemUTC()).run(steps, request);
    }
}
