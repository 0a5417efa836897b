package io.shadow.spark.nightly;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.features.table.KernelTableReader;
import io.shadow.features.table.ShadowTable;
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
import io.shadow.spark.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An installation whose users have confirmed an attack, run without the labels: a mistyped store path,
 * or gold {@code incidents} moved aside before a {@code --from-step}. The run warns (exit 3) naming what
 * is missing and the fix, rather than learning the attack as normal; a fresh installation stays silent.
 */
class LostLabelsIT {
    private static final Instant T = Instant.parse("2026-11-03T11:00:00Z");

    @TempDir
    Path dir;

    private final List<String> progress = new ArrayList<>();

    private NightlyPipeline pipeline(String storeUrl) throws Exception {
        Path landing = Files.createDirectories(dir.resolve("warehouse/landing/events"));
        NightlyConfig cfg = new NightlyConfig(catalog(), landing.toUri().toString(), storeUrl, "sa", "",
                new LocalModelRegistry(dir.resolve("registry")), List.of(), DetectorConfig.defaults(),
                ResourceRisk.defaults(), RiskModelTrainer.Settings.defaults());
        return new NightlyPipeline(SharedSpark.session(), cfg, progress::add);
    }

    private TableCatalog catalog() {
        return TableCatalog.local(dir.resolve("warehouse"));
    }

    private RunReport run(NightlyPipeline pipeline, String... steps) {
        List<NightlyStep> chosen = pipeline.steps().stream().filter(s -> List.of(steps).contains(s.name())).toList();
        return pipeline.run(new RunRequest(RunScope.of(NightlyFixture.DAY), null, true), chosen);
    }

    /** A store where a reviewer approved the mitigation of u-1's exfiltration, imported once. */
    private String storeWithAConfirmedAttack() throws Exception {
        String url = Database.h2Url(dir.resolve("store"));
        try (Database db = Database.open(url, "sa", "")) {
            MitigationStore store = new MitigationStore(db);
            store.insertIncident(new Incident("inc-1", "acme", "principal", "u-1", "u-1", null, "data_storage",
                    "s3://b", "bytes_out@data_storage", Band.HIGH, 95, Incident.OPEN, T, T.plusSeconds(600), T, 4,
                    "{}"));
            store.insertMitigation(new Mitigation("mit-1", "inc-1", "p", Band.HIGH, Mitigation.STANDARD, 95,
                    Mitigation.APPLIED, "e", T, T, false, null, null, "{}"), List.of());
            store.decide("mit-1", Set.of(Mitigation.APPLIED), Mitigation.APPROVED, new FeedbackRecord("fb-1",
                    "mit-1", "inc-1", "acme", "principal", "u-1", "bytes_out@data_storage", "approve", "exfiltration",
                    "alice", false, T.plusSeconds(900)));
        }
        assertThat(run(pipeline(url), "feedback-import").warnings()).isEmpty();
        return url;
    }

    private List<Integer> labels() {
        List<Integer> labels = new ArrayList<>();
        new KernelTableReader().scan(catalog().path(ShadowTable.INCIDENTS), r -> labels.add(r.intValue("label")));
        return labels;
    }

    @Test
    void aMistypedStorePathWhereFeedbackWasImportedBeforeWarnsAndKeepsTheLabels() throws Exception {
        storeWithAConfirmedAttack();
        Path typo = dir.resolve("stor");

        RunReport report = run(pipeline(Database.h2Url(typo)), "feedback-import");

        assertThat(report.status()).isEqualTo(RunReport.SUCCEEDED_WITH_WARNINGS);
        String file = typo.resolve("shadow.mv.db").toString();
        assertThat(report.warnings()).singleElement().satisfies(w -> {
            assertThat(w.step()).isEqualTo("feedback-import");
            assertThat(w.message()).isEqualTo("no mitigation store at " + file + ", though earlier imports brought "
                    + "1 decision (gold/feedback) and 1 labelled incident (gold/incidents): no feedback was imported, "
                    + "so the decisions users took since the last import do not reach training (the labels of the "
                    + "last import stay in use). Check that store.jdbc-url names the database the mitigation API "
                    + "uses (" + file + ")");
        });
        assertThat(typo).as("no database created at the mistyped path").doesNotExist();
        assertThat(labels()).containsExactly(1);

        // the API started on the mistyped path too: a new store, with its tables and no incidents
        Database.open(Database.h2Url(typo), "sa", "").close();
        RunReport empty = run(pipeline(Database.h2Url(typo)), "feedback-import");

        assertThat(empty.warnings()).singleElement().satisfies(w -> assertThat(w.message()).startsWith(
                "the mitigation store at " + file + " has no incidents, though earlier imports brought 1 decision"));
        assertThat(labels()).as("the confirmed attack's label is not replaced by none").containsExactly(1);
    }

    @Test
    void incidentLabelsMovedAsideBeforeAFromStepRunAreWarnedAboutOnceAndNotRecreatedEmpty() throws Exception {
        String url = storeWithAConfirmedAttack();
        Path incidents = dir.resolve("warehouse/gold/incidents");
        Files.move(incidents, dir.resolve("incidents.bak"));

        RunReport report = run(pipeline(url), "baselines", "novelty-profiles", "training-set");

        assertThat(report.status()).isEqualTo(RunReport.SUCCEEDED_WITH_WARNINGS);
        assertThat(report.warnings()).as("one warning for the run, by the first step that reads the labels")
                .singleElement().satisfies(w -> {
                    assertThat(w.step()).isIn("baselines", "novelty-profiles");
                    assertThat(w.message()).isEqualTo("gold/incidents is missing, though gold/feedback confirms "
                            + "1 incident (inc-1): this run takes their activity for normal (baselines and novelty "
                            + "profiles learn it, so the attackers' networks, agents and processes become usual, and "
                            + "the training set labels their anomalies benign). Import the labels again from the "
                            + "mitigation store and recompute these tables: bin/shadow nightly --date "
                            + NightlyFixture.DAY + " --from-step feedback-import");
                });
        assertThat(incidents).as("not replaced by an empty table the backup cannot be moved back over")
                .doesNotExist();

        // emptied rather than moved: the same, worded for a table that is there
        Files.createDirectories(incidents.getParent());
        org.apache.spark.sql.SparkSession spark = SharedSpark.session();
        io.shadow.spark.DeltaTables.overwrite(spark, catalog(), ShadowTable.INCIDENTS,
                spark.createDataFrame(List.of(), io.shadow.spark.DeltaTables.schema(ShadowTable.INCIDENTS)));
        RunReport emptied = run(pipeline(url), "training-set");
        assertThat(emptied.warnings()).singleElement().satisfies(w -> {
            assertThat(w.step()).isEqualTo("training-set");
            assertThat(w.message()).startsWith("gold/incidents does not list 1 incident gold/feedback confirms "
                    + "(inc-1): this run takes their activity for normal");
        });

        // the fix the warning names: the labels imported again, the run is silent
        assertThat(run(pipeline(url), "feedback-import", "training-set").warnings()).isEmpty();
        assertThat(labels()).containsExactly(1);
    }

    @Test
    void aFreshInstallationWithoutStoreOrLabelsStaysSilent() throws Exception {
        RunReport report = run(pipeline(Database.h2Url(dir.resolve("store"))), "feedback-import", "baselines",
                "novelty-profiles", "training-set");

        assertThat(report.status()).isEqualTo(RunState.SUCCEEDED);
        assertThat(report.warnings()).isEmpty();
        assertThat(dir.resolve("store")).doesNotExist();
    }
}
