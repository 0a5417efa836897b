package io.shadow.cli;

import io.shadow.cli.config.ConfigLoader;
import io.shadow.cli.config.ResolvedPaths;
import io.shadow.cli.config.ShadowConfig;
import io.shadow.model.risk.ResourceRisk;
import io.shadow.model.risk.RiskModelTrainer;
import io.shadow.spark.SparkSessions;
import io.shadow.spark.nightly.NightlyConfig;
import io.shadow.spark.nightly.NightlyPipeline;
import io.shadow.spark.nightly.RunReport;
import io.shadow.spark.nightly.RunRequest;
import io.shadow.spark.nightly.RunScope;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shadow nightly [--date D] [--from-step S | --restart]}: one event date through feedback
 * import, profile suggestions, ingest, features, baselines, novelty profiles, threat intel, training
 * set, train and promote.
 */
@Command(name = "nightly", mixinStandardHelpOptions = true,
        description = {"Run the nightly pipeline for one UTC event date: feedback-import -> profile-suggestions -> "
                + "ingest -> features -> baselines -> novelty-profiles -> threat-intel -> training-set -> "
                + "train-and-promote.",
            "Re-running a date replaces its outputs. A run that failed or was stopped resumes at that step; "
                + "finished steps are kept in <warehouse>/_reports/<date>/state.json, the report in report.json and "
                + "report.txt."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:succeeded", "1:a step failed (re-run the same command to resume)",
            "2:a bad flag or config key", "3:succeeded with warnings, e.g. no stored events for the date (nothing "
                + "recorded or learnt), a threat feed refused or listing ranges too broad or private, a TAXII "
                + "outage, late events for a date already run, no mitigation store or incident labels where "
                + "earlier runs imported them (listed at the top of the "
                + "report; report.json status 'succeeded-with-warnings')",
            "143:stopped by SIGTERM (130: Ctrl-C); recorded as interrupted, re-run to resume"})
final class NightlyCommand implements Callable<Integer> {
    /** The exit code of a run that finished with warnings: operators alert on the exit code. */
    static final int WARNINGS = 3;

    @Option(names = "--date", paramLabel = "YYYY-MM-DD", description = "Event date to process (UTC; default: "
            + "yesterday).")
    String date;

    @Option(names = "--from-step", paramLabel = "STEP", description = "Start at this step whatever the run state "
            + "says (steps: feedback-import, profile-suggestions, ingest, features, baselines, novelty-profiles, "
            + "threat-intel, training-set, train-and-promote).")
    String fromStep;

    @Option(names = "--restart", description = "Ignore the run state of the date and run every step.")
    boolean restart;

    @Option(names = "--config", description = "YAML config file (keys: docs/configuration.md).")
    Path config;

    @Option(names = "--set", description = "Override a config key, e.g. --set spark.master=local[4] (repeatable).")
    List<String> sets = new ArrayList<>();

    @Override
    public Integer call() {
        ShadowConfig cfg = ConfigLoader.load(config, System.getenv(), sets);
        ResolvedPaths paths = ResolvedPaths.of(cfg).prepareDataDir();
        var d = cfg.detector();
        NightlyConfig nightly = new NightlyConfig(paths.catalog(), paths.landingEvents(), paths.jdbcUrl(),
                cfg.store().user(), cfg.store().password(), paths.openRegistry(),
                cfg.intel().feeds().stream().map(Path::of).toList(), cfg.intel().taxiiSettings(),
                d.toDetectorConfig(), ResourceRisk.defaults(), RiskModelTrainer.Settings.defaults(),
                cfg.scorer().maxTransferBytes(), cfg.scorer().defaultTenant(),
                ConfigLoader.duration("intel.max-held", cfg.intel().maxHeld()),
                ConfigLoader.duration("mitigation.review-window", cfg.mitigation().reviewWindow()),
                cfg.intel().networkScope());
        java.time.Clock clock = java.time.Clock.systemUTC();
        RunScope scope = date == null ? RunScope.yesterdayUtc(clock)
                : RunScope.parse(date, java.time.LocalDate.now(clock));
        RunRequest request = new RunRequest(scope, fromStep, restart);
        NightlyPipeline.check(nightly, request);
        SparkSession spark = SparkSessions.create("shadow-nightly", cfg.spark().master(),
                cfg.spark().shufflePartitions());
        try {
            System.out.println("warehouse " + paths.catalog().root() + ", Spark " + spark.sparkContext().master());
            try {
                NightlyPipeline.checkWarehouse(spark, nightly, "warehouse");
            } catch (io.shadow.features.config.ConfigException e) {
                throw ConfigLoader.withOrigin(e, System.getenv(), sets);
            }
            RunReport report = new NightlyPipeline(spark, nightly, System.out::println).run(request);
            System.out.print(report.table());
            return report.warnings().isEmpty() ? 0 : WARNINGS;
        } finally {
            spark.stop();
        }
    }
}
