package io.shadow.cli;

import io.shadow.agents.simulate.WorkloadConfig;
import io.shadow.cli.demo.Demo;
import io.shadow.cli.demo.DemoWorkdir;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code shadow demo}: the whole loop on embedded defaults, with a summary table. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the whole loop on embedded defaults: telemetry -> baselines -> model -> live scoring -> "
                + "mitigation -> notification -> feedback, and print what happens.")
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--workdir", defaultValue = DemoWorkdir.DEFAULT,
            description = "Folder for the demo's tables, registry, store and spools, relative to the current folder "
                    + "(default: ${DEFAULT-VALUE}). Emptied at every run, so it must be new, empty, or one an "
                    + "earlier demo run created (it holds a " + DemoWorkdir.MARKER + " file); any other folder "
                    + "is refused, never emptied.")
    Path workDir;

    @Option(names = "--seed", defaultValue = "42", description = "Workload seed (default: ${DEFAULT-VALUE}).")
    long seed;

    int employees;
    int historyDays;
    String sparkMaster;
    int batch;

    @Option(names = "--employees", defaultValue = "16",
            description = "Human principals, 12 to 1000; four service accounts come on top (default: "
                    + "${DEFAULT-VALUE}).")
    void employees(int n) {
        employees = OptionValues.between(spec, "--employees", n, 12, 1000,
                "human principals (the scenarios pick principals from every group)");
    }

    @Option(names = "--history-days", defaultValue = "7",
            description = "Days of history from 2026-11-02, 7 to 90, and few enough that the live day after "
                    + "them is over by now (default: ${DEFAULT-VALUE}).")
    void historyDays(int n) {
        historyDays = OptionValues.between(spec, "--history-days", n, 7, latestHistoryDays(Instant.now()),
                "days of history (the live day after them must be over by now: the scorer refuses events dated "
                        + "ahead of its clock)");
    }

    /** The most days of history whose live day, the day after them, has ended by {@code now} (at most 90). */
    static int latestHistoryDays(Instant now) {
        long days = Duration.between(WorkloadConfig.DEFAULT_START, now).toDays() - 1;
        return (int) Math.max(7, Math.min(90, days));
    }

    @Option(names = "--spark-master", defaultValue = "local[2]",
            description = "Spark master for the nightly run: local, local[N], local[*] or spark://host:port "
                    + "(default: ${DEFAULT-VALUE}).")
    void sparkMaster(String master) {
        sparkMaster = OptionValues.sparkMaster(spec, "--spark-master", master);
    }

    @Option(names = "--batch", defaultValue = "500",
            description = "Events per HTTP batch in the live replay, 1 to 10000 (default: ${DEFAULT-VALUE}).")
    void batch(int n) {
        batch = OptionValues.between(spec, "--batch", n, 1, 10_000, "events per HTTP batch");
    }

    @Override
    public Integer call() throws Exception {
        WorkloadConfig w = new WorkloadConfig(seed, "acme", employees, historyDays, 24, WorkloadConfig.DEFAULT_START,
                1.0);
        Demo.Result r = new Demo(new Demo.Options(workDir, w, sparkMaster, batch), System.out).run();
        return r.scorecard().rows().stream().allMatch(x -> x.detected()) ? 0 : 3;
    }
}
