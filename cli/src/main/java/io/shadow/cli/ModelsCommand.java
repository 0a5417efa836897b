package io.shadow.cli;

import io.shadow.cli.config.ResolvedPaths;
import io.shadow.model.registry.ModelRegistry;
import io.shadow.model.registry.ModelVersion;
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
        return v.map(x -> x.id() + " (run " + x.runId() + ", " + x.metrics() + ")").orElse("none");
    }

    static ModelRegistry registry(InstallationOptions installation) {
        return ResolvedPaths.of(installation.load()).openRegistry();
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
            spec.commandLine().getOut().println("champion: " + champion(registry(installation)));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "promote", mixinStandardHelpOptions = true,
            description = "Point the `champion` alias at a registered version; a running scorer picks it up at its "
                    + "next reload.")
    static final class Promote implements Callable<Integer> {
        @Parameters(paramLabel = "VERSION", description = "Registered version number, e.g. 2.")
        int version;

        @Mixin
        InstallationOptions installation = new InstallationOptions();

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            ModelRegistry registry = registry(installation);
            String before = champion(registry);
            registry.setAlias(TrainAndPromote.MODEL_NAME, ModelRegistry.CHAMPION, version);
            spec.commandLine().getOut().println("champion: " + before + " -> " + champion(registry));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
