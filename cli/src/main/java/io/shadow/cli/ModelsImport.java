package io.shadow.cli;

import io.shadow.cli.config.ResolvedPaths;
import io.shadow.model.registry.LocalModelRegistry;
import io.shadow.model.registry.MissingRunException;
import io.shadow.model.registry.ModelImport;
import io.shadow.model.registry.ModelRegistries;
import io.shadow.model.registry.ModelRegistry;
import io.shadow.model.registry.ModelVersion;
import io.shadow.model.registry.RegisteredVersion;
import io.shadow.spark.training.TrainAndPromote;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shadow models import --from REGISTRY}: the champion of another registry registered here, so
 * that moving {@code registry.uri} (the local registry to MLflow) keeps the model served and its
 * figures, and the first nightly there compares its challenger with it instead of promoting it unseen.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Register the champion of another model registry (--from) as the next version in this one, "
                + "with its model files and hold-out metrics, and make it champion if this registry has none: to "
                + "move to another registry.uri (e.g. from the local registry to MLflow) keeping the champion.")
final class ModelsImport extends ModelsCommand.RegistryCommand {
    @Option(names = "--from", required = true, paramLabel = "REGISTRY", description = "The registry to copy the "
            + "champion from, as registry.uri names one: a directory (e.g. <data-dir>/registry, the local registry) "
            + "or http(s)://host:port of an MLflow server. Only read.")
    String from;

    @Override
    public Integer call() {
        ResolvedPaths paths = ResolvedPaths.of(installation.load());
        Optional<Path> localSource = ModelRegistries.localDirectory(from, paths.registry());
        String source = localSource.map(p -> p.toAbsolutePath().normalize().toString())
                .orElse(ModelRegistries.shown(from.trim()));
        String target = paths.registryLocation();
        if (source.equals(target) || source.equals(target + "/")) {
            throw new IllegalArgumentException("--from " + source + " is the registry this installation uses "
                    + "(registry.uri); set registry.uri to the new registry and give the old one as --from");
        }
        if (localSource.isPresent() && !LocalModelRegistry.exists(localSource.get())) {
            throw new IllegalArgumentException("--from " + source + ": no model registry there (no mlruns/models); "
                    + "give the directory of the registry used so far, e.g. <data-dir>/registry");
        }
        ModelVersion champion;
        try {
            champion = ModelRegistries.open(from, paths.registry(), paths.registryCredentials())
                    .version(TrainAndPromote.MODEL_NAME, ModelRegistry.CHAMPION)
                    .orElseThrow(() -> new IllegalArgumentException("the model registry at " + source + " has no "
                            + "champion of " + TrainAndPromote.MODEL_NAME + " to import (`bin/shadow models list "
                            + "--set registry.uri=" + source + "` shows its versions)"));
        } catch (MissingRunException e) {
            throw new IllegalStateException("cannot import the champion of the model registry at " + source + ": "
                    + e.getMessage());
        }
        ModelRegistry registry = paths.openRegistry();
        boolean[] servable = {true};
        String before = ModelsCommand.champion(registry, e -> servable[0] = false);
        Optional<RegisteredVersion> earlier = ModelImport.earlierCopy(champion, source, registry);
        int version;
        String copied;
        if (earlier.isPresent()) { // run again (e.g. after a failure further on): nothing registered twice
            version = earlier.get().version();
            copied = champion.id() + " (run " + champion.runId() + ") of the model registry at " + source
                    + " was registered before as " + earlier.get().id() + " (run " + earlier.get().runId()
                    + ") in the model registry at " + target + "; not copied again";
        } else {
            ModelImport.Imported imported = ModelImport.copy(champion, source, registry, TrainAndPromote.EXPERIMENT);
            version = imported.version();
            copied = "registered " + champion.id() + " (run " + champion.runId() + ") of the model registry at "
                    + source + " as " + imported.id() + " (run " + imported.runId() + ") in the model registry at "
                    + target + ", with its hold-out metrics";
        }
        if (!"none".equals(before) && servable[0]) {
            say(copied, before.startsWith(TrainAndPromote.MODEL_NAME + ":" + version + " ")
                    ? "champion: " + before + " (the imported version)"
                    : "champion: " + before + " stays; `bin/shadow models promote " + version
                            + "` serves the imported version");
            return 0;
        }
        registry.setAlias(TrainAndPromote.MODEL_NAME, ModelRegistry.CHAMPION, version);
        say(copied, "champion: " + before + " -> " + ModelsCommand.champion(registry, e -> {
            throw e;
        }));
        return 0;
    }
}
