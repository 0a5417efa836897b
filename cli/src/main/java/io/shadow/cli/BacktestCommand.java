package io.shadow.cli;

import io.shadow.agents.simulate.ScenarioLabels;
import io.shadow.cli.backtest.Backtest;
import io.shadow.cli.backtest.BacktestReport;
import io.shadow.cli.backtest.CurrentProfiles;
import io.shadow.cli.backtest.Window;
import io.shadow.cli.config.ConfigLoader;
import io.shadow.cli.config.ResolvedPaths;
import io.shadow.cli.config.ShadowConfig;
import io.shadow.cli.runtime.MitigationWiring;
import io.shadow.features.table.KernelTableReader;
import io.shadow.mitigation.engine.MitigationEngine;
import io.shadow.mitigation.profile.ProfileException;
import io.shadow.mitigation.profile.ProfileLoader;
import io.shadow.model.risk.ResourceRisk;
import io.shadow.scorer.DeltaBaselines;
import io.shadow.scorer.DeltaThreatIntel;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code shadow backtest}: what candidate profiles would have done on stored history, against the current ones. */
@Command(name = "backtest", mixinStandardHelpOptions = true,
        description = {"Replay stored events through detection, risk scoring and the given mitigation profiles "
                + "without acting, and report which attacks would have been mitigated (when, at which band, with "
                + "which actions), the false mitigations per entity, and the difference from the current profiles.",
            "Ground truth: the scenario labels the demo writes (<data-dir>/" + ScenarioLabels.FILE + "), and "
                + "elsewhere the incidents users confirmed or rejected (gold/incidents)."})
final class BacktestCommand implements Callable<Integer> {
    @Option(names = "--profiles", required = true, arity = "1..*",
            description = "Candidate profiles YAML; several (repeat the option or list them) run in the same pass, "
                    + "each labelled with its file name and compared with the current profiles.")
    List<Path> profiles;

    @Option(names = "--current",
            description = "Profiles to compare with (default: those the service runs with: the config's `profiles` "
                    + "key, else the built-in defaults, unless the mitigation store holds a newer version uploaded "
                    + "through the API).")
    Path current;

    @Option(names = "--from", required = true,
            description = "Start: a UTC date (2026-11-09, from its midnight) or an instant (2026-11-09T10:00:00Z).")
    String from;

    @Option(names = "--to", required = true,
            description = "End: a UTC date (inclusive: up to the end of that day) or an instant (exclusive).")
    String to;

    @Mixin
    InstallationOptions installation = new InstallationOptions();

    @Option(names = "--labels", description = "Scenario labels JSON (default: <data-dir>/" + ScenarioLabels.FILE
            + " when it exists).")
    Path labels;

    @Option(names = "--out", description = "Also write the full report as JSON to this file.")
    Path out;

    @Spec
    CommandSpec spec;

    /** A candidate's label: its file name without extension, made unique. */
    private static String label(Path file, List<Backtest.Profiles> taken) {
        String stem = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        java.util.Set<String> used = new java.util.HashSet<>(List.of("current"));
        taken.forEach(t -> used.add(t.label()));
        String label = stem;
        for (int n = 2; used.contains(label); n++) {
            label = stem + "-" + n;
        }
        return label;
    }

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        Window window = Window.parse(from, to);
        profiles.forEach(p -> FileArguments.input("--profiles", p));
        if (current != null) {
            FileArguments.input("--current", current);
        }
        if (labels != null) {
            FileArguments.input("--labels", labels);
        }
        if (out != null) {
            FileArguments.output("--out", out, "backtest.json"); // checked now: the replay takes minutes
        }
        ShadowConfig cfg = installation.load();
        ResolvedPaths paths = ResolvedPaths.of(cfg);
        List<Backtest.Profiles> profileSets;
        try {
            profileSets = new ArrayList<>();
            for (Path p : profiles) {
                profileSets.add(new Backtest.Profiles(label(p, profileSets), p.toString(), ProfileLoader.load(p)));
            }
            profileSets.add(current != null
                    ? new Backtest.Profiles("current", current.toString(), ProfileLoader.load(current))
                    : CurrentProfiles.resolve(cfg, paths));
        } catch (ProfileException e) {
            e.problems().forEach(stderr::println);
            return 2;
        }
        Path labelFile = labels != null ? labels : paths.dataDir().resolve(ScenarioLabels.FILE);
        Optional<ScenarioLabels> truth = Files.isRegularFile(labelFile) ? Optional.of(ScenarioLabels.read(labelFile))
                : Optional.empty();
        // the no-act engine logs every mitigation it would take; the report lists them, stderr keeps the progress
        Configurator.setLevel(MitigationEngine.class.getName(), Level.WARN);
        KernelTableReader kernel = new KernelTableReader();
        Backtest.Inputs inputs = new Backtest.Inputs(paths.catalog(), paths::openRegistry,
                cfg.detector().toDetectorConfig(), new DeltaBaselines(kernel, paths.catalog()),
                new DeltaThreatIntel(kernel, paths.catalog(), cfg.intel().feeds().stream().map(Path::of).toList(),
                        cfg.intel().networkScope()),
                ResourceRisk.defaults(), ConfigLoader.duration("mitigation.incident-window",
                        cfg.mitigation().incidentWindow()), truth, cfg.scorer().maxTransferBytes(),
                MitigationWiring.options(cfg, paths, null).protectedTargets());
        BacktestReport report = new Backtest(inputs, line -> {
            stderr.println(line);
            stderr.flush();
        }).run(window.from(), window.to(), profileSets);
        stdout.print(report.table());
        if (out != null) {
            report.writeJson(out);
            stdout.println("report written to " + out);
        }
        stdout.flush();
        return 0;
    }
}
