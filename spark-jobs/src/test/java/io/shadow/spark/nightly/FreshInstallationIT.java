package io.shadow.spark.nightly;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.features.table.TableCatalog;
import io.shadow.mitigation.store.Database;
import io.shadow.model.detect.DetectorConfig;
import io.shadow.model.registry.LocalModelRegistry;
import io.shadow.model.risk.ResourceRisk;
import io.shadow.model.risk.RiskModelTrainer;
import io.shadow.spark.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nightly run on an installation whose mitigation API never ran: no store yet, or an empty one.
 * The store's steps say so and the run goes on; no database file is created on the way.
 */
class FreshInstallationIT {
    @TempDir
    Path dir;

    private RunReport runFirstSteps(String storeUrl, List<String> progress) throws Exception {
        Path landing = Files.createDirectories(dir.resolve("warehouse/landing/events"));
        NightlyConfig cfg = new NightlyConfig(TableCatalog.local(dir.resolve("warehouse")), landing.toUri().toString(),
                storeUrl, "sa", "", new LocalModelRegistry(dir.resolve("registry")), List.of(),
                DetectorConfig.defaults(), ResourceRisk.defaults(), RiskModelTrainer.Settings.defaults());
        NightlyPipeline pipeline = new NightlyPipeline(SharedSpark.session(), cfg, progress::add);
        // the store's two steps and the step after them; the rest need events
        return pipeline.run(RunRequest.resumeOrRun(RunScope.of(NightlyFixture.DAY)),
                pipeline.steps().subList(0, 3));
    }

    @Test
    void withoutAStoreTheFeedbackStepsAreSkippedAndNoDatabaseIsCreated() throws Exception {
        List<String> progress = new ArrayList<>();
        RunReport report = runFirstSteps(Database.h2Url(dir.resolve("store")), progress);
        assertThat(report.warnings()).as("a fresh installation: the API has not run yet").isEmpty();

        Path file = dir.resolve("store/shadow.mv.db");
        assertThat(report.ran()).containsExactly("feedback-import", "profile-suggestions", "ingest");
        assertThat(progress).anyMatch(l -> l.startsWith("  [1/3] feedback-import done in ")
                && l.endsWith(" s: no mitigation store yet at " + file + ": no feedback to import"));
        assertThat(progress).anyMatch(l -> l.startsWith("  [2/3] profile-suggestions done in ")
                && l.endsWith(" s: no mitigation store yet at " + file + ": no profile suggestions"));
        assertThat(dir.resolve("store")).as("no empty database left behind").doesNotExist();
    }

    @Test
    void aNightWithoutEventsOrIncidentsSucceedsAndLeavesTheModelAsItIs() throws Exception {
        Path landing = Files.createDirectories(dir.resolve("warehouse/landing/events"));
        NightlyConfig cfg = new NightlyConfig(TableCatalog.local(dir.resolve("warehouse")), landing.toUri().toString(),
                Database.h2Url(dir.resolve("store")), "sa", "", new LocalModelRegistry(dir.resolve("registry")),
                List.of(), DetectorConfig.defaults(), ResourceRisk.defaults(), RiskModelTrainer.Settings.defaults());
        List<String> progress = new ArrayList<>();
        NightlyPipeline pipeline = new NightlyPipeline(SharedSpark.session(), cfg, progress::add);

        RunReport report = pipeline.run(RunRequest.resumeOrRun(RunScope.of(NightlyFixture.DAY)));

        assertThat(report.ran()).endsWith("train-and-promote");
        // a fresh warehouse has no events for the date: nothing to learn, the steps from baselines on skip
        assertThat(progress).anyMatch(l -> l.contains("train-and-promote done in ") && l.endsWith(
                "skipped: no stored events for 2026-11-04, so nothing new to learn; the tables and the model stay as "
                        + "the last run left them"));
        assertThat(new LocalModelRegistry(dir.resolve("registry")).version("shadow-risk", "champion")).isEmpty();
    }

    @Test
    void anEmptyStoreIsSkippedToo() throws Exception {
        String url = Database.h2Url(dir.resolve("store"));
        DriverManager.getConnection(url, "sa", "").close(); // what the import used to leave: a database, no tables
        List<String> progress = new ArrayList<>();
        RunReport report = runFirstSteps(url, progress);

        assertThat(report.ran()).containsExactly("feedback-import", "profile-suggestions", "ingest");
        assertThat(progress).anyMatch(l -> l.startsWith("  [1/3] feedback-import done in ")
                && l.endsWith(" s: the mitigation store at " + dir.resolve("store/shadow.mv.db")
                + " has no feedback table yet (the mitigation API creates it when it first starts): no feedback to "
                + "import"));
        // a database without the tables, where a store the API ran against has them: likely the wrong database
        assertThat(report.status()).isEqualTo(RunReport.SUCCEEDED_WITH_WARNINGS);
        assertThat(report.warnings()).singleElement().satisfies(w -> {
            assertThat(w.step()).isEqualTo("feedback-import");
            assertThat(w.message()).isEqualTo("the mitigation store at " + dir.resolve("store/shadow.mv.db")
                    + " has no feedback table yet (the mitigation API creates it when it first starts): no feedback "
                    + "was imported, and the incidents the next steps leave out are those of the last import. A store "
                    + "the mitigation API has run against has these tables: check that store.jdbc-url names the "
                    + "database the API uses (" + dir.resolve("store/shadow.mv.db") + ")");
        });
    }

    @Test
    void aStoreUrlIsNamedWithoutItsPassword() {
        assertThat(io.shadow.features.config.Credentials.redact(
                "jdbc:postgresql://db:5432/shadw?user=shadow&password=hunter2secret&ssl=true"))
                .isEqualTo("jdbc:postgresql://db:5432/shadw?user=shadow&password=***&ssl=true");
        assertThat(io.shadow.features.config.Credentials.redact("jdbc:postgresql://shadow:hunter2@db/shadow"))
                .isEqualTo("jdbc:postgresql://shadow:***@db/shadow");
    }
}
