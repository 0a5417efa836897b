package io.shadow.cli;

import io.shadow.cli.config.ConfigLoader;
import io.shadow.cli.config.ResolvedPaths;
import io.shadow.cli.config.ShadowConfig;
import io.shadow.model.risk.ResourceRisk;
import io.shadow.model.risk.RiskModelTrainer;
import io.shadow.spark.SparkSessions;
import io.shadow.spark.nightly.NightlyConfig;
import io.shadow.spark.nightly.NightlyPipeline;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code shadow nightly}: feedback import, ingest, features, baselines, threat intel, training set, train, promote. */
@Command(name = "nightly", mixinStandardHelpOptions = true,
        description = "Run the nightly pipeline: feedback import -> ingest -> features -> baselines -> novelty "
                + "profiles -> threat intel -> training set -> train -> promote.")
final class NightlyCommand implements Callable<Integer> {
    @Option(names = "--config", description = "YAML config file (keys: docs/configuration.md).")
    Path config;

    @Option(names = "--set", description = "Override a config key, e.g. --set spark.master=local[4] (repeatable).")
    List<String> sets = new ArrayList<>();

    @Override
    public Integer call() {
        ShadowConfig cfg = ConfigLoader.load(config, System.getenv(), sets);
        ResolvedPaths paths = ResolvedPaths.of(cfg);
        var d = cfg.detector();
        NightlyConfig nightly = new NightlyConfig(paths.catalog(), paths.landingEvents(), paths.jdbcUrl(),
                cfg.store().user(), cfg.store().password(), paths.openRegistry(),
                cfg.intel().feeds().stream().map(Path::of).toList(), cfg.intel().taxiiSettings(),
                d.toDetectorConfig(), ResourceRisk.defaults(), RiskModelTrainer.Settings.defaults());
        SparkSession spark = SparkSessions.create("shadow-nightly", cfg.spark().master(),
                cfg.spark().shufflePartitions());
        try {
            System.out.println("nightly run on " + paths.catalog().root());
            new NightlyPipeline(spark, nightly, System.out::println).run();
        } finally {
            spark.stop();
        }
        return 0;
    }
}
