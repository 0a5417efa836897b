package io.shadow.spark.nightly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shadow.features.ActivityEvent;
import io.shadow.features.config.ConfigException;
import io.shadow.features.table.TableCatalog;
import io.shadow.model.detect.DetectorConfig;
import io.shadow.model.intel.taxii.TaxiiSettings;
import io.shadow.model.registry.LocalModelRegistry;
import io.shadow.model.risk.ResourceRisk;
import io.shadow.model.risk.RiskModelTrainer;
import io.shadow.spark.SharedSpark;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.DeltaOperations;
import org.apache.spark.sql.delta.OptimisticTransaction;
import org.apache.spark.sql.delta.actions.Action;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the nightly run must tell an operator who alerts on its status (exit 3, {@code
 * succeeded-with-warnings}): a threat feed refused, a TAXII outage, late events for a date already
 * run; and failures a user can cause that must name their cause: two runs at once, an unreachable
 * warehouse.
 */
class NightlyWarningsIT {
    private final SparkSession spark = SharedSpark.session();
    private final List<String> progress = new ArrayList<>();

    @TempDir
    Path dir;

    private NightlyConfig config(List<Path> feeds, TaxiiSettings taxii) throws Exception {
        Path landing = Files.createDirectories(dir.resolve("warehouse/landing/events"));
        return new NightlyConfig(TableCatalog.local(dir.resolve("warehouse")), landing.toUri().toString(), null,
                null, null, new LocalModelRegistry(dir.resolve("registry")), feeds, taxii, DetectorConfig.defaults(),
                ResourceRisk.defaults(), RiskModelTrainer.Settings.defaults());
    }

    /** Runs only the named steps of the pipeline for {@code date}. */
    private RunReport run(NightlyConfig cfg, java.time.LocalDate date, Set<String> names) {
        NightlyPipeline pipeline = new NightlyPipeline(spark, cfg, progress::add);
        return pipeline.run(RunRequest.resumeOrRun(RunScope.of(date)),
                pipeline.steps().stream().filter(s -> names.contains(s.name())).toList());
    }

    @Test
    void aMissingFeedFileIsRefusedByTheThreatIntelStepAndTheRunEndsWithAWarningNamingIt() throws Exception {
        Path good = Files.writeString(dir.resolve("threat-feed.txt"), "203.0.113.7\nevil.example\n");
        Path missing = dir.resolve("feodo.csv");

        RunReport report = run(config(List.of(good, missing), null), NightlyFixture.DAY, Set.of("threat-intel"));

        assertThat(report.status()).isEqualTo(RunReport.SUCCEEDED_WITH_WARNINGS);
        assertThat(report.warnings()).singleElement().satisfies(w -> {
            assertThat(w.step()).isEqualTo("threat-intel");
            assertThat(w.message()).startsWith("threat feed " + missing + " does not exist (a download that failed "
                    + "and removed it?); fix the download or remove it from intel.feeds. What it listed stays active "
                    + "as last synced until ").contains("(intel.max-held = 7 days from its first refusal or hold, ")
                    .endsWith("); after that, what no readable list names is withdrawn");
        });
        assertThat(progress).anyMatch(l -> l.contains("threat-intel done in ")
                && l.contains("2 indicators fetched from threat-feed.txt"));
    }

    @Test
    void aTaxiiOutageEndsTheRunWithAWarningNamingTheServer() throws Exception {
        TaxiiSettings taxii = new TaxiiSettings(URI.create("http://127.0.0.1:1/taxii2/"), List.of(), "", "", "");

        RunReport report = run(config(List.of(), taxii), NightlyFixture.DAY, Set.of("threat-intel"));

        assertThat(report.status()).isEqualTo(RunReport.SUCCEEDED_WITH_WARNINGS);
        assertThat(report.warnings()).singleElement().satisfies(w -> assertThat(w.message())
                .startsWith("TAXII server http://127.0.0.1:1/taxii2/ could not be synced: ")
                .contains("the training set and the scorer keep the indicators of the last sync")
                .contains("intel.max-held applies to feed lists only"));
        assertThat(report.steps().get(0).result().asText()).startsWith("FAILED, the previous threat_indicators "
                + "table stays in use: ");
    }

    @Test
    void lateEventsForADateWhoseRunSucceededAreNamedWithTheCommandThatTakesThemIn() throws Exception {
        NightlyFixture f = new NightlyFixture(dir);
        java.time.LocalDate day = NightlyFixture.DAY;
        RunReport first = run(f.config(), day, Set.of("ingest", "features"));
        assertThat(first.status()).as("the first run stores every day's events").isEqualTo(RunState.SUCCEEDED);

        // an agent's spool sent after the night of 'day': new events of that day, and one of the next
        List<ActivityEvent> late = new ArrayList<>();
        for (ActivityEvent e : f.workload.history()) {
            if (e.time().toString().startsWith(day.toString()) && late.size() < 40) {
                late.add(e.toBuilder().eventId("late-" + late.size()).build());
            }
        }
        for (int i = 0; i < 5; i++) {
            late.add(late.get(i).toBuilder().eventId("next-" + i).time(late.get(i).time().plus(java.time.Duration
                    .ofDays(1))).build());
        }
        f.land("spool-late.ndjson", late);
        RunReport next = run(f.config(), day.plusDays(1), Set.of("ingest"));

        assertThat(next.status()).isEqualTo(RunReport.SUCCEEDED_WITH_WARNINGS);
        assertThat(next.warnings()).singleElement().satisfies(w -> {
            assertThat(w.step()).isEqualTo("ingest");
            assertThat(w.message()).isEqualTo("40 late events stored for a date whose nightly run already succeeded "
                    + "(40 on " + day + "): the features of that date, and so the baselines, do not count them (the "
                    + "training set and novelty profiles do) until it is run again: bin/shadow nightly --date " + day);
        });
        assertThat(next.steps().get(0).result().get("newEvents").get(day.toString()).asLong()).isEqualTo(40);
        assertThat(next.steps().get(0).result().get("newEvents").get(day.plusDays(1).toString()).asLong())
                .as("the run's own date, in the same batch").isEqualTo(5);

        // one date in a batch: counted from the MERGE itself
        f.land("spool-later.ndjson", List.of(late.get(0).toBuilder().eventId("later-0").build(),
                late.get(1).toBuilder().eventId("later-1").build()));
        RunReport later = run(f.config(), day.plusDays(1), Set.of("ingest"));
        assertThat(later.steps().get(0).result().get("newEvents").get(day.toString()).asLong()).isEqualTo(2);

        // the same files read again (a re-sent batch) store nothing new: no warning
        f.land("spool-late-resent.ndjson", late);
        RunReport again = run(f.config(), day.plusDays(1), Set.of("ingest"));
        assertThat(again.warnings()).isEmpty();
        assertThat(again.steps().get(0).result().has("newEvents")).isFalse();
    }

    @Test
    void anotherRunWritingTheSameTableMeanwhileFailsSayingRunsMustNotOverlap() throws Exception {
        String table = dir.resolve("warehouse/gold/feedback").toUri().toString();
        spark.range(5).write().format("delta").save(table);
        // the step reads the table, another nightly rewrites it, then the step commits what it read: Delta refuses
        NightlyStep step = new NightlyStep("feedback-import", scope -> {
            OptimisticTransaction txn = DeltaLog.forTable(spark, table).startTransaction();
            Action remove = txn.filterFiles().head().remove();
            spark.range(3).write().format("delta").mode("overwrite").save(table);
            return txn.commit(scala.jdk.javaapi.CollectionConverters.asScala(List.of(remove)).toList(),
                    DeltaOperations.ManualUpdate$.MODULE$);
        });
        NightlyPipeline pipeline = new NightlyPipeline(spark, config(List.of(), null), progress::add);

        assertThatThrownBy(() -> pipeline.run(RunRequest.resumeOrRun(RunScope.of(NightlyFixture.DAY)), List.of(step)))
                .isInstanceOf(NightlyRun.StepFailedException.class)
                .hasMessageStartingWith("nightly step 'feedback-import' failed for event date " + NightlyFixture.DAY
                        + ": another nightly run wrote the same table at the same time, and Delta refused this run's "
                        + "commit ([DELTA_CONCURRENT_")
                .hasMessageContaining("Nightly runs on one warehouse must not overlap, whatever their dates: run them "
                        + "one after the other, e.g. under flock as in the cron line of docs/operations.md. Nothing "
                        + "was corrupted; finished steps are recorded in ");
    }

    @Test
    void aWarehouseOnAnUnknownHostIsABadValueOfTheKeyNamed() throws Exception {
        NightlyConfig cfg = config(List.of(), null);
        NightlyConfig hdfs = new NightlyConfig(new TableCatalog(URI.create("hdfs://nosuchhost.invalid:8020/wh")),
                cfg.landingEvents(), null, null, null, cfg.registry(), List.of(), null, DetectorConfig.defaults(),
                ResourceRisk.defaults(), RiskModelTrainer.Settings.defaults());

        assertThatThrownBy(() -> NightlyPipeline.checkWarehouse(spark, hdfs, "warehouse"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("invalid warehouse = hdfs://nosuchhost.invalid:8020/wh/; expected a warehouse "
                        + "this machine can reach, but the host nosuchhost.invalid is unknown to this machine "
                        + "(java.net.UnknownHostException: ")
                .hasMessageEndingWith("Check the host name and port (the HDFS namenode, e.g. "
                        + "hdfs://namenode:8020/shadow/warehouse) and this machine's DNS and network");
        NightlyPipeline.checkWarehouse(spark, cfg, "warehouse"); // a local warehouse passes
    }
}
