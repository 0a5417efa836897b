package io.shadow.cli;

import io.shadow.cli.config.ResolvedPaths;
import io.shadow.model.registry.MissingRunException;
import io.shadow.model.registry.ModelRegistry;
import io.shadow.model.registry.ModelVersion;
import io.shadow.model.registry.RegisteredVersion;
import io.shadow.model.risk.ModelMetrics;
import io.shadow.spark.training.TrainAndPromote;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code shadow models}: the risk model's champion in the registry, and moving it. */
@Command(name = "models", mixinStandardHelpOptions = true, description = "Work with the risk model registry.",
        subcommands = {ModelsCommand.ListVersions.class, ModelsCommand.Champion.class, ModelsCommand.Promote.class,
                ModelsImport.class})
final class ModelsCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /**
     * The champion as one line: version, run and hold-out metrics. A champion whose run is missing
     * from the registry is described as such and handed to {@code onMissing}, instead of failing.
     */
    static String champion(ModelRegistry registry, Consumer<MissingRunException> onMissing) {
        Optional<ModelVersion> v;
        try {
            v = registry.version(TrainAndPromote.MODEL_NAME, ModelRegistry.CHAMPION);
        } catch (MissingRunException e) {
            onMissing.accept(e);
            return e.versionId() + " (run " + e.runId() + " missing)";
        }
        return v.map(x -> x.id() + " (run " + x.runId() + "; " + ModelMetrics.describe(x.metrics()) + ")")
                .orElse("none");
    }

    /** The champion's version number, also when its run is missing; empty without a champion. */
    private static Optional<Integer> championNumber(ModelRegistry registry) {
        try {
            return registry.version(TrainAndPromote.MODEL_NAME, ModelRegistry.CHAMPION).map(ModelVersion::version);
        } catch (MissingRunException e) {
            return Optional.of(Integer.parseInt(e.versionId().substring(e.versionId().lastIndexOf(':') + 1)));
        }
    }

    /** Version numbers for a message: all of them, or the latest ten of many. */
    static String numbers(List<RegisteredVersion> versions) {
        List<String> all = versions.stream().map(v -> Integer.toString(v.version())).toList();
        return all.size() <= 10 ? String.join(", ", all)
                : "…, " + String.join(", ", all.subList(all.size() - 10, all.size())) + " (the latest 10 of "
                        + all.size() + ")";
    }

    private static void warn(CommandSpec spec, String line) {
        spec.commandLine().getErr().println("warning: " + line);
        spec.commandLine().getErr().flush();
    }

    /** How versions come to be, for the answers that find none. */
    private static final String REGISTERS_THEM = "`bin/shadow nightly` or `bin/shadow train` registers them";

    /** What the subcommands share: the installation they look at and where they print. */
    abstract static class RegistryCommand implements Callable<Integer> {
        @Mixin
        InstallationOptions installation = new InstallationOptions();

        @Spec
        CommandSpec spec;

        /** Prints {@code lines} to standard output and flushes it. */
        void say(String... lines) {
            var out = spec.commandLine().getOut();
            for (String l : lines) {
                out.println(l);
            }
            out.flush();
        }
    }

    /** What to say when the installation has no registry yet: nothing was trained there. */
    static String noRegistry(ResolvedPaths paths) {
        return "no model registry at " + paths.registryLocation() + " yet (`bin/shadow nightly` or `bin/shadow "
                + "train` creates it); --data DIR or --config FILE points at another installation";
    }

    @Command(name = "champion", mixinStandardHelpOptions = true,
            description = "Print the version the scorer serves (the `champion` alias).")
    static final class Champion extends RegistryCommand {
        @Override
        public Integer call() {
            ResolvedPaths paths = ResolvedPaths.of(installation.load());
            // a read-only look: opening a local registry would create its directory
            String line = !paths.registryExists() ? "champion: none (" + noRegistry(paths) + ")"
                    : "champion: " + champion(paths.openRegistry(), e -> warn(spec, e.getMessage()))
                            + " in the model registry at "
                            + paths.registryLocation();
            say(line);
            return 0;
        }
    }

    @Command(name = "promote", mixinStandardHelpOptions = true,
            description = "Point the `champion` alias at a registered version; a running scorer picks it up at its "
                    + "next reload.")
    static final class Promote extends RegistryCommand {
        int version;

        @Parameters(paramLabel = "VERSION", description = "Registered version number, e.g. 2.")
        void version(int v) {
            version = (int) OptionValues.atLeast(spec, "VERSION", v, 1, "(versions are numbered from 1)");
        }

        @Override
        public Integer call() {
            ResolvedPaths paths = ResolvedPaths.of(installation.load());
            if (!paths.registryExists()) {
                throw new IllegalArgumentException("cannot promote version " + version + ": " + noRegistry(paths));
            }
            ModelRegistry registry = paths.openRegistry();
            List<RegisteredVersion> versions = registry.versions(TrainAndPromote.MODEL_NAME);
            if (versions.stream().noneMatch(v -> v.version() == version)) {
                throw new IllegalArgumentException("model " + TrainAndPromote.MODEL_NAME + " has no version " + version
                        + " in the model registry at " + paths.registryLocation() + "; " + (versions.isEmpty()
                        ? "it has no versions yet (" + REGISTERS_THEM + ")"
                        : "its versions: " + numbers(versions) + " (`bin/shadow models list` shows their metrics)"));
            }
            // a champion that cannot be served any more is exactly what promoting replaces: warn and go on
            boolean[] servable = {true};
            String before = champion(registry, e -> {
                servable[0] = false;
                if (!e.versionId().equals(TrainAndPromote.MODEL_NAME + ":" + version)) { // else setAlias says it
                    warn(spec, "the champion " + e.versionId() + " cannot be served: " + e.missing()
                            + "; promoting version " + version + " in its place");
                }
            });
            if (servable[0] && championNumber(registry).filter(c -> c == version).isPresent()) {
                say("champion: " + before + " is already champion, nothing changed");
                return 0;
            }
            registry.setAlias(TrainAndPromote.MODEL_NAME, ModelRegistry.CHAMPION, version);
            say("champion: " + before + " -> " + champion(registry, e -> {
                throw e; // setAlias refuses a version whose run is missing
            }));
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the registered versions, oldest first: run, when registered, hold-out metrics; the "
                    + "champion marked with *.")
    static final class ListVersions extends RegistryCommand {
        @Override
        public Integer call() {
            ResolvedPaths paths = ResolvedPaths.of(installation.load());
            if (!paths.registryExists()) { // a read-only look: opening a local registry would create it
                say("no versions: " + noRegistry(paths));
                return 0;
            }
            ModelRegistry registry = paths.openRegistry();
            List<RegisteredVersion> versions = registry.versions(TrainAndPromote.MODEL_NAME);
            Optional<Integer> champion = championNumber(registry);
            List<String> lines = new java.util.ArrayList<>();
            lines.add("versions of " + TrainAndPromote.MODEL_NAME + " in the model registry at "
                    + paths.registryLocation() + (versions.isEmpty() ? ": none yet (" + REGISTERS_THEM + ")"
                    : " (* champion):"));
            for (RegisteredVersion v : versions) {
                lines.add((champion.filter(c -> c == v.version()).isPresent() ? "* " : "  ") + v.id() + "  run "
                        + v.runId() + (v.registeredAt() == null ? "" : "  registered " + v.registeredAt()) + "  "
                        + (v.runMissing() ? "run missing: cannot be served" : ModelMetrics.describe(v.metrics())));
            }
            say(lines.toArray(String[]::new));
            return 0;
        }
    }
}
