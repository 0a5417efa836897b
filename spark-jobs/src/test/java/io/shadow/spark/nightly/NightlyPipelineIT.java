package io.shadow.spark.nightly;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.delta.tables.DeltaTable;
import io.shadow.features.table.ShadowTable;
import io.shadow.model.registry.LocalModelRegistry;
import io.shadow.model.registry.ModelRegistry;
import io.shadow.spark.DeltaTables;
import io.shadow.spark.SharedSpark;
import io.shadow.spark.training.TrainAndPromote;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The real nightly steps on a generated week, local[2]: resume after a failure, and re-running a date. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NightlyPipelineIT {
    private SparkSession spark;

    @BeforeAll
    void session() {
        spark = SharedSpark.session();
    }

    /** What a run leaves in the warehouse, table by table. */
    record Counts(long events, long eventsOnDay, long features, long featuresOnDay, long otherFeatureDates,
            long baselines, long novelty, long trainingSet, long incidents, long feedback) {
    }

    private Counts counts(NightlyFixture f) {
        var events = DeltaTables.read(spark, f.catalog, ShadowTable.EVENTS);
        var features = DeltaTables.read(spark, f.catalog, ShadowTable.FEATURES);
        return new Counts(events.count(), events.filter(col("event_date").equalTo(lit(NightlyFixture.DAY))).count(),
                features.count(), features.filter(col("bucket_date").equalTo(lit(NightlyFixture.DAY))).count(),
                features.filter(col("bucket_date").notEqual(lit(NightlyFixture.DAY))).count(),
                DeltaTables.count(spark, f.catalog, ShadowTable.BASELINES),
                DeltaTables.count(spark, f.catalog, ShadowTable.NOVELTY_PROFILES),
                DeltaTables.count(spark, f.catalog, ShadowTable.TRAINING_SET),
                DeltaTables.count(spark, f.catalog, ShadowTable.INCIDENTS),
                DeltaTables.count(spark, f.catalog, ShadowTable.FEEDBACK));
    }

    private long version(NightlyFixture f, ShadowTable t) {
        return DeltaTable.forPath(spark, f.catalog.path(t)).history(1).first().getAs("version");
    }

    @Test
    void aFailedRunResumesAtTheFailedStepAndRerunningTheDateReplacesItsOutputs(@TempDir Path dir) throws Exception {
        NightlyFixture f = new NightlyFixture(dir);
        List<String> progress = new ArrayList<>();
        NightlyPipeline pipeline = new NightlyPipeline(spark, f.config(), line -> {
            progress.add(line);
            System.out.println(line);
        });
        RunRequest request = RunRequest.resumeOrRun(RunScope.of(NightlyFixture.DAY));

        // the baselines step fails (a stand-in for a corrupt input or a lost executor)
        List<NightlyStep> failing = pipeline.steps().stream().map(s -> !s.name().equals("baselines") ? s
                : new NightlyStep("baselines", scope -> {
                    throw new IllegalStateException("silver/features: simulated unreadable file");
                })).toList();
        assertThatThrownBy(() -> pipeline.run(request, failing))
                .isInstanceOf(NightlyRun.StepFailedException.class)
                .hasMessageStartingWith("nightly step 'baselines' failed for event date 2026-11-04: silver/features: "
                        + "simulated unreadable file");
        RunFiles files = new RunFiles(spark.sparkContext().hadoopConfiguration(), f.catalog.root(),
                RunScope.of(NightlyFixture.DAY));
        // novelty-profiles runs beside baselines, so it finished; the resume still starts at baselines
        assertThat(files.readState().orElseThrow().finished()).containsExactly("feedback-import",
                "profile-suggestions", "ingest", "features", "novelty-profiles");
        long featuresVersion = version(f, ShadowTable.FEATURES);
        long eventsVersion = version(f, ShadowTable.EVENTS);

        RunReport resumed = pipeline.run(request);
        assertThat(resumed.skipped()).containsExactly("feedback-import", "profile-suggestions", "ingest",
                "features");
        assertThat(resumed.ran()).containsExactly("baselines", "novelty-profiles", "training-set",
                "train-and-promote");
        assertThat(version(f, ShadowTable.FEATURES)).as("features were not recomputed").isEqualTo(featuresVersion);
        assertThat(version(f, ShadowTable.EVENTS)).as("nothing was ingested again").isEqualTo(eventsVersion);
        assertThat(progress).contains("  [4/8] features: skipped (finished in the earlier run)");
        assertThat(files.read(RunFiles.REPORT_TEXT).orElseThrow())
                .contains("\nStep 4 of 8, features: skipped (see Plan above)\n")
                .containsPattern("\nStep 7 of 8, training-set: ran in [0-9]+\\.[0-9] s\n  Training rows: +[0-9,]+ rows\n")
                .containsPattern("\nStep 8 of 8, train-and-promote: ran in [0-9]+\\.[0-9] s\n"
                        + "  Version registered: +shadow-risk:1\n  Promoted: +yes, now champion\n")
                .doesNotContainPattern("[A-Za-z]\\[[a-zA-Z]+=");
        Counts first = counts(f);
        assertThat(first.eventsOnDay()).isEqualTo(f.eventsOn(NightlyFixture.DAY));
        assertThat(first.events()).isEqualTo(f.workload.history().size());
        assertThat(first.featuresOnDay()).isPositive();
        assertThat(first.otherFeatureDates()).as("only the run's date gets features").isZero();
        assertThat(first.baselines()).isPositive();
        assertThat(first.trainingSet()).isPositive();
        assertThat(new LocalModelRegistry(f.registry).version(TrainAndPromote.MODEL_NAME, ModelRegistry.CHAMPION))
                .isPresent();

        // an agent re-sends the day's events under another file name; the date runs again
        f.land("resent.ndjson", f.workload.history().stream()
                .filter(e -> e.time().toString().startsWith(NightlyFixture.DAY.toString())).toList());
        RunReport again = pipeline.run(request);
        assertThat(again.ran()).hasSize(8);
        assertThat(again.plan()).contains("succeeded").contains("running every step again");
        assertThat(counts(f)).as("a re-run replaces the date's outputs").isEqualTo(first);
        assertThat(files.read(RunFiles.REPORT_TEXT).orElseThrow()).startsWith("Nightly run of event date 2026-11-04: succeeded\n");
    }

    @Test
    void aDateWithoutStoredEventsIsWarnedAboutWithTheStoredRange(@TempDir Path dir) throws Exception {
        NightlyFixture f = new NightlyFixture(dir);
        List<String> progress = new ArrayList<>();
        NightlyPipeline pipeline = new NightlyPipeline(spark, f.config(), progress::add);
        List<NightlyStep> upToFeatures = pipeline.steps().stream()
                .filter(s -> s.name().equals("ingest") || s.name().equals("features")).toList();
        RunReport report = pipeline.run(RunRequest.resumeOrRun(RunScope.of(java.time.LocalDate.parse("2026-10-01"))),
                upToFeatures);
        String warning = "no stored events for 2026-10-01 in " + f.catalog.path(ShadowTable.EVENTS) + " (events from ";
        assertThat(progress).anySatisfy(line -> assertThat(line).startsWith("  [2/2] features WARN: " + warning)
                .contains("Check --date"));
        assertThat(report.status()).isEqualTo("succeeded-with-warnings");
        assertThat(report.warnings()).singleElement().satisfies(w -> assertThat(w.message()).startsWith(warning));
        JsonNode json = RunFiles.JSON.readTree(new RunFiles(spark.sparkContext().hadoopConfiguration(),
                f.catalog.root(), RunScope.of(java.time.LocalDate.parse("2026-10-01"))).read(RunFiles.REPORT_JSON)
                .orElseThrow());
        assertThat(json.get("status").asText()).isEqualTo("succeeded-with-warnings");
        assertThat(json.get("warnings").get(0).get("message").asText()).startsWith(warning);
        assertThat(json.get("steps").get(1).get("result").get("rows").asLong()).isZero();
        assertThat(progress).anySatisfy(line -> assertThat(line).matches("  \\[1/2] ingest done in [0-9.]+ s: "
                + "[1-9][0-9]{0,2}(,[0-9]{3})* events in [1-9][0-9]* batch(es)?, 0 quarantined"));
        assertThat(progress).anySatisfy(line -> assertThat(line).matches("  \\[2/2] features done in [0-9.]+ s: "
                + "0 feature rows for 2026-10-01"));
    }

    @Test
    void aDateWithoutStoredEventsRecordsNothingAndLearnsNothing(@TempDir Path dir) throws Exception {
        NightlyFixture f = new NightlyFixture(dir);
        List<String> progress = new ArrayList<>();
        NightlyPipeline pipeline = new NightlyPipeline(spark, f.config(), progress::add);
        pipeline.run(RunRequest.resumeOrRun(RunScope.of(NightlyFixture.DAY)));
        LocalModelRegistry registry = new LocalModelRegistry(f.registry);
        var champion = registry.version(TrainAndPromote.MODEL_NAME, ModelRegistry.CHAMPION).orElseThrow();
        List<ShadowTable> learnt = List.of(ShadowTable.FEATURE_SPANS, ShadowTable.FEATURES, ShadowTable.BASELINES,
                ShadowTable.NOVELTY_PROFILES, ShadowTable.TRAINING_SET, ShadowTable.PATTERN_STATS);
        List<Long> versions = learnt.stream().map(t -> version(f, t)).toList();
        long spans = DeltaTables.count(spark, f.catalog, ShadowTable.FEATURE_SPANS);

        // a wrong --date, or agents that stopped shipping: the date has no stored events
        java.time.LocalDate empty = java.time.LocalDate.parse("2026-11-20");
        progress.clear();
        RunReport report = pipeline.run(RunRequest.resumeOrRun(RunScope.of(empty)));

        assertThat(learnt.stream().map(t -> version(f, t)).toList()).as("no table of " + learnt + " was written")
                .isEqualTo(versions);
        assertThat(DeltaTables.count(spark, f.catalog, ShadowTable.FEATURE_SPANS)).isEqualTo(spans);
        assertThat(DeltaTables.read(spark, f.catalog, ShadowTable.FEATURE_SPANS)
                .filter(col("bucket_date").equalTo(lit(empty))).count()).as("no day of zeros").isZero();
        assertThat(registry.version(TrainAndPromote.MODEL_NAME, ModelRegistry.CHAMPION)).as("nothing promoted")
                .contains(champion);
        assertThat(report.status()).isEqualTo("succeeded-with-warnings");
        assertThat(report.warnings()).singleElement().satisfies(w -> assertThat(w.message())
                .startsWith("no stored events for 2026-11-20 in " + f.catalog.path(ShadowTable.EVENTS) + " (events "
                        + "from ")
                .contains("). Nothing was recorded for 2026-11-20: no feature spans (no day of zeros), and the "
                        + "baselines, novelty profiles, training set and model are left as they were")
                .contains("Likely causes: a wrong --date, agents that stopped shipping to ")
                .endsWith("once the day's events are in, run bin/shadow nightly --date 2026-11-20 again to record "
                        + "and learn it"));
        assertThat(progress).anySatisfy(line -> assertThat(line).matches("  \\[6/8] novelty-profiles done in [0-9.]+ "
                + "s: skipped: no stored events for 2026-11-20, so nothing new to learn; the tables and the model "
                + "stay as the last run left them"));
        assertThat(progress).anySatisfy(line -> assertThat(line).startsWith("  [8/8] train-and-promote done in ")
                .endsWith("s: skipped: no stored events for 2026-11-20, so nothing new to learn; the tables and the "
                        + "model stay as the last run left them"));

        // the quiet day an earlier version wrote for the date: a re-run of the date removes it
        DeltaTables.read(spark, f.catalog, ShadowTable.FEATURE_SPANS).filter(col("bucket_date").equalTo(
                lit(NightlyFixture.DAY))).withColumn("bucket_date", lit(empty)).write().format("delta")
                .mode("append").save(f.catalog.path(ShadowTable.FEATURE_SPANS));
        long zeros = DeltaTables.read(spark, f.catalog, ShadowTable.FEATURE_SPANS)
                .filter(col("bucket_date").equalTo(lit(empty))).count();
        RunReport rerun = pipeline.run(RunRequest.resumeOrRun(RunScope.of(empty)));
        assertThat(rerun.warnings()).singleElement().satisfies(w -> assertThat(w.message())
                .contains(". Removed the " + zeros + " feature spans an earlier version wrote for 2026-11-20 (a day "
                        + "of zeros for every known entity)"));
        assertThat(DeltaTables.count(spark, f.catalog, ShadowTable.FEATURE_SPANS)).isEqualTo(spans);
    }
}
