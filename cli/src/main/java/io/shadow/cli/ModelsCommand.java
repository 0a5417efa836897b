package io.shadow.cli;

import io.shadow.cli.config.ResolvedPaths;
import io.shadow.model.registry.ModelRegistry;
import io.shadow.model.registry.ModelVersion;
import io.shadow.model.risk.ModelMetrics;
import io.shadow.spark.training.TrainAndPromote;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code shadow models}: the risk model's champion in the registry, and moving it. */
@Command(name = "models", mixinStandardHelpOptions = true, description = "Work with the risk model registry.",
        subcommands = {ModelsCommand.Champion.class, ModelsCommand.Promote.class})
final class ModelsCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** The champion as one line: version, run and hold-out metrics. */
    static String champion(ModelRegistry registry) {
        Optional<ModelVersion> v = registry.version(TrainAndPromote.MODEL_NAME, ModelRegistry.CHAMPION);
        return v.map(x -> x.id() + " (run " + x.runId() + "; " + ModelMetrics.describe(x.metrics()) + ")")
                .orElse("none");
    }

    /** What to say when the installation has no registry yet: nothing was trained there. */
    static String noRegistry(ResolvedPaths paths) {
        return "no model registry at " + paths.registryLocation() + " yet (`bin/shadow nightly` or `bin/shadow "
                + "train` creates it); --data DIR or --config FILE points at another installation";
    }

    @Command(name = "champion", mixinStandardHelpOptions = true,
            description = "Print the version the scorer serves (the `champion` alias).")
    static final class Champion implements Callable<Integer> {
        @Mixin
        InstallationOptions installation = new InstallationOptions();

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            ResolvedPaths paths = ResolvedPaths.of(installation.load());
            // a read-only look: opening a local registry would create its directory
            String line = !paths.registryExists() ? "champion: none (" + noRegistry(paths) + ")"
                    : "champion: " + champion(paths.openRegistry()) + " in the model registry at "
                            + paths.registryLocation();
            spec.commandLine().getOut().println(line);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "promote", mixinStandardHelpOptions = true,
            description = "Point the `champion` alias at a registered version; a running scorer picks it up at its "
                    + "next reload.")
    static final class Promote implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        int version;

        @Parameters(paramLabel = "VERSION", description = "Registered version number, e.g. 2.")
        void version(int v) {
            version = (int) OptionValues.atLeast(spec, "VERSION", v, 1, "(versions are numbered from 1)");
        }

        @Mixin
        InstallationOptions installation = new InstallationOptions();

        @Override
        public Integer call() {
            ResolvedPaths paths = ResolvedPaths.of(installation.load());
            if (!paths.registryExists()) {
                throw new IllegalArgumentException("cannot promote version " + version + ": " + noRegistry(paths));
            }
            ModelRegistry registry = paths.openRegistry();
            String before = champion(registry);
            registry.setAlias(TrainAndPromote.MODEL_NAME, ModelRegistry.CHAMPION, version);
            spec.commandLine().getOut().println("champion: " + before + " -> " + champion(registry));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
