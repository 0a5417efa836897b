package io.shadow.cli;

import io.shadow.agents.simulate.WorkloadConfig;
import io.shadow.cli.demo.Demo;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code shadow demo}: the whole loop on embedded defaults, with a summary table. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the whole loop on embedded defaults: telemetry -> baselines -> model -> live scoring -> "
                + "mitigation -> notification -> feedback, and print what happens.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--workdir", defaultValue = ".shadow/demo",
            description = "Directory for the demo's tables, registry, store and spools; wiped first (default: ${DEFAULT-VALUE}).")
    Path workDir;

    @Option(names = "--seed", defaultValue = "42", description = "Workload seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--employees", defaultValue = "16",
            description = "Human principals; four service accounts come on top (default: ${DEFAULT-VALUE}).")
    int employees;

    @Option(names = "--history-days", defaultValue = "7", description = "Days of history (default: ${DEFAULT-VALUE}).")
    int historyDays;

    @Option(names = "--spark-master", defaultValue = "local[2]",
            description = "Spark master for the nightly run (default: ${DEFAULT-VALUE}).")
    String sparkMaster;

    @Option(names = "--batch", defaultValue = "500",
            description = "Events per HTTP batch in the live replay (default: ${DEFAULT-VALUE}).")
    int batch;

    @Override
    public Integer call() throws Exception {
        WorkloadConfig w = new WorkloadConfig(seed, "acme", employees, historyDays, 24, WorkloadConfig.DEFAULT_START,
                1.0);
        Demo.Result r = new Demo(new Demo.Options(workDir, w, sparkMaster, batch), System.out).run();
        return r.scorecard().rows().stream().allMatch(x -> x.detected()) ? 0 : 3;
    }
}
