package io.shadow.spark.nightly;

import io.shadow.model.intel.ThreatFeeds;
import io.shadow.spark.baseline.BaselineJob;
import io.shadow.spark.baseline.NoveltyProfileJob;
import io.shadow.spark.features.FeatureJob;
import io.shadow.spark.feedback.FeedbackImportJob;
import io.shadow.spark.ingest.IngestJob;
import io.shadow.spark.training.TrainAndPromote;
import io.shadow.spark.training.TrainingSetJob;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;

/**
 * The nightly run as a list of named steps: feedback import → ingest → features → baselines →
 * novelty profiles → training set → train and promote. Each step replaces its outputs (features
 * only the run's event date), so a re-run of a date gives the same tables, not more rows; a
 * {@link NightlyRun} records finished steps in the date's run state, so a failed run resumes at the
 * step that failed. Progress goes to {@code progress}; the report to {@code _reports/<date>/}.
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
        if (cfg.storeJdbcUrl() != null) {
            steps.add(new NightlyStep("feedback-import", scope -> new FeedbackImportJob(spark, cfg.catalog(),
                    cfg.storeJdbcUrl(), cfg.storeUser(), cfg.storePassword()).run()));
        }
        steps.add(new NightlyStep("ingest", scope -> new IngestJob(spark, cfg.catalog(), cfg.landingEvents()).run()));
        steps.add(new NightlyStep("features", scope -> scope.allDates()
                ? new FeatureJob(spark, cfg.catalog()).run() + " feature rows, every date"
                : new FeatureJob(spark, cfg.catalog()).run(scope.date()) + " feature rows for " + scope.date()));
        steps.add(new NightlyStep("baselines", scope -> new BaselineJob(spark, cfg.catalog()).run()
                + " entity-feature baselines"));
        steps.add(new NightlyStep("novelty-profiles", scope -> new NoveltyProfileJob(spark, cfg.catalog()).run()
                + " entity-attribute values"));
        steps.add(new NightlyStep("training-set", scope -> new TrainingSetJob(spark, cfg.catalog(), cfg.detector(),
                0.5, ThreatFeeds.load(cfg.threatFeeds()), cfg.resourceRisk()).run()));
        steps.add(new NightlyStep("train-and-promote", scope -> new TrainAndPromote(spark, cfg.catalog(),
                cfg.registry(), cfg.training()).run()));
        return steps;
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
        RunFiles files = new RunFiles(spark.sparkContext().hadoopConfiguration(), cfg.catalog().root(),
                request.scope());
        spark.sparkContext().setJobGroup("shadow-nightly", "nightly " + request.scope().key(), false);
        return new NightlyRun(files, progress, Clock.systemUTC()).run(steps, request);
    }
}
