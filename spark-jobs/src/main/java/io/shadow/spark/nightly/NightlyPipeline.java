package io.shadow.spark.nightly;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.shadow.features.table.KernelTableReader;
import io.shadow.model.intel.ThreatIndicatorTable;
import io.shadow.model.intel.taxii.TaxiiException;
import io.shadow.spark.baseline.BaselineJob;
import io.shadow.spark.baseline.NoveltyProfileJob;
import io.shadow.spark.features.FeatureJob;
import io.shadow.spark.feedback.FeedbackImportJob;
import io.shadow.spark.feedback.ProfileSuggestionJob;
import io.shadow.spark.ingest.IngestJob;
import io.shadow.spark.intel.ThreatIntelSyncJob;
import io.shadow.spark.training.TrainAndPromote;
import io.shadow.spark.training.TrainingSetJob;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;

/**
 * The nightly run: feedback import → profile suggestions (printed for operators) → ingest →
 * features → baselines → novelty profiles → threat intel → training set → train → promote. Each step rewrites its
 * outputs from its inputs, so re-running a step (or the whole run) is safe; progress goes to
 * {@code progress} as steps start and finish, and a run report (steps, durations, figures) is
 * returned and written under {@code _reports/}.
 */
public final class NightlyPipeline {
    private final SparkSession spark;
    private final NightlyConfig cfg;
    private final Consumer<String> progress;

    /** One finished step. */
    public record Step(String name, double seconds, Object result) {
    }

    public NightlyPipeline(SparkSession spark, NightlyConfig cfg, Consumer<String> progress) {
        this.spark = spark;
        this.cfg = cfg;
        this.progress = progress;
    }

    public List<Step> run() {
        List<Step> steps = new ArrayList<>();
        if (cfg.storeJdbcUrl() != null) {
            steps.add(step(steps, "feedback import", () -> new FeedbackImportJob(spark, cfg.catalog(),
                    cfg.storeJdbcUrl(), cfg.storeUser(), cfg.storePassword()).run()));
            Step suggestions = step(steps, "profile suggestions", () -> new ProfileSuggestionJob(spark, cfg.catalog(),
                    cfg.storeJdbcUrl(), cfg.storeUser(), cfg.storePassword(), 2).run());
            steps.add(suggestions);
            ((ProfileSuggestionJob.Result) suggestions.result()).suggestions()
                    .forEach(s -> progress.accept("      " + s.line()));
        }
        steps.add(step(steps, "ingest", () -> new IngestJob(spark, cfg.catalog(), cfg.landingEvents()).run()));
        steps.add(step(steps, "features", () -> new FeatureJob(spark, cfg.catalog()).run() + " feature rows"));
        steps.add(step(steps, "baselines", () -> new BaselineJob(spark, cfg.catalog()).run()
                + " entity-feature baselines"));
        steps.add(step(steps, "novelty profiles", () -> new NoveltyProfileJob(spark, cfg.catalog()).run()
                + " entity-attribute values"));
        if (!cfg.threatFeeds().isEmpty() || cfg.taxii() != null) {
            steps.add(step(steps, "threat intel", this::syncThreatIntel));
        }
        steps.add(step(steps, "training set", () -> new TrainingSetJob(spark, cfg.catalog(), cfg.detector(), 0.5,
                ThreatIndicatorTable.load(new KernelTableReader(spark.sparkContext().hadoopConfiguration()),
                        cfg.catalog(), cfg.threatFeeds()).intel(), cfg.resourceRisk()).run()));
        steps.add(step(steps, "train and promote", () -> new TrainAndPromote(spark, cfg.catalog(), cfg.registry(),
                cfg.training()).run()));
        writeReport(steps);
        return steps;
    }

    /** A TAXII outage must not cost the night's training: the previous table stays in use, and the report says so. */
    private Object syncThreatIntel() {
        try {
            return new ThreatIntelSyncJob(spark, cfg.catalog(), cfg.threatFeeds(), cfg.taxii(),
                    java.time.Clock.systemUTC()).run();
        } catch (TaxiiException e) {
            return "FAILED, the previous threat_indicators table stays in use: " + e.getMessage();
        }
    }

    private Step step(List<Step> done, String name, Supplier<Object> work) {
        progress.accept(String.format("  [%d] %s ...", done.size() + 1, name));
        Instant t0 = Instant.now();
        Object result = work.get();
        double s = Duration.between(t0, Instant.now()).toMillis() / 1000.0;
        progress.accept(String.format("  [%d] %s done in %.1f s: %s", done.size() + 1, name, s, result));
        return new Step(name, s, result);
    }

    private void writeReport(List<Step> steps) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("finished_at", Instant.now().toString());
        report.put("steps", steps);
        try {
            String json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
                    .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).writeValueAsString(report);
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(cfg.catalog().root().resolve(
                    "_reports/nightly-" + Instant.now().toString().replace(':', '-') + ".json"));
            try (var out = p.getFileSystem(spark.sparkContext().hadoopConfiguration()).create(p, true)) {
                out.write(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        } catch (java.io.IOException e) {
            progress.accept("  could not write the run report: " + e.getMessage());
        }
    }
}
