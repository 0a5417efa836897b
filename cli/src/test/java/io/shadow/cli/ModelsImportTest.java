package io.shadow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.model.registry.LocalModelRegistry;
import io.shadow.model.registry.ModelImport;
import io.shadow.model.registry.ModelRegistry;
import io.shadow.model.registry.ModelVersion;
import io.shadow.spark.training.TrainAndPromote;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/shadow models import}: moving registry.uri to a new registry keeps the champion; here
 * from the local registry under the data dir to another real local registry (MLflow: ModelImportIT).
 */
class ModelsImportTest {
    private static final String NL = System.lineSeparator();

    @TempDir
    Path data;

    private final CliRun cli = new CliRun();
    private LocalModelRegistry old;
    private String oldRun;

    /** Two versions in the registry used so far; champion 2, with its model file and metrics. */
    @BeforeEach
    void registryUsedSoFar() throws Exception {
        old = new LocalModelRegistry(data.resolve("registry"));
        for (int v = 1; v <= 2; v++) {
            String run = old.startRun(TrainAndPromote.EXPERIMENT, Map.of());
            Path model = Files.createDirectories(old.artifactDirectory(run, "model"));
            Files.writeString(model.resolve("saved_model.pb"), "model " + v);
            old.logMetrics(run, Map.of("pr_auc", 0.5 + v / 10.0, "precision", 0.5, "recall", 0.25));
            old.finishRun(run, true);
            old.registerVersion(TrainAndPromote.MODEL_NAME, run, "model");
            oldRun = run;
        }
        old.setAlias(TrainAndPromote.MODEL_NAME, ModelRegistry.CHAMPION, 2);
    }

    @Test
    void theChampionOfTheOldRegistryBecomesTheFirstVersionAndChampionOfTheNewOne() throws Exception {
        Path fresh = data.resolve("new-registry");
        assertThat(cli.run("models", "import", "--from", data.resolve("registry").toString(), "--data",
                data.toString(), "--set", "registry.uri=" + fresh)).as(cli.err.toString()).isZero();

        LocalModelRegistry now = new LocalModelRegistry(fresh);
        ModelVersion champion = now.version(TrainAndPromote.MODEL_NAME, ModelRegistry.CHAMPION).orElseThrow();
        assertThat(champion.version()).isEqualTo(1);
        assertThat(champion.localPath().resolve("saved_model.pb")).hasContent("model 2");
        assertThat(champion.metrics()).containsEntry("pr_auc", 0.7);
        assertThat(now.tag(champion.runId(), ModelImport.IMPORTED_TAG)).hasValue("shadow-risk:2 (run " + oldRun
                + ") from " + data.resolve("registry"));
        assertThat(cli.out.toString()).isEqualTo("registered shadow-risk:2 (run " + oldRun + ") of the model "
                + "registry at " + data.resolve("registry") + " as shadow-risk:1 (run " + champion.runId() + ") in the "
                + "model registry at " + fresh + ", with its hold-out metrics" + NL + "champion: none -> shadow-risk:1 "
                + "(run " + champion.runId() + "; PR-AUC 0.700, precision 0.500, recall 0.250)" + NL);
        assertThat(old.version(TrainAndPromote.MODEL_NAME, ModelRegistry.CHAMPION).orElseThrow().version())
                .as("the old registry is only read").isEqualTo(2);

        // again (say after a failure further on): nothing registered twice, the champion is the import
        CliRun again = new CliRun();
        assertThat(again.run("models", "import", "--from", data.resolve("registry").toString(), "--data",
                data.toString(), "--set", "registry.uri=" + fresh)).as(again.err.toString()).isZero();
        String before = "shadow-risk:2 (run " + oldRun + ") of the model registry at " + data.resolve("registry")
                + " was registered before as shadow-risk:1 (run " + champion.runId() + ") in the model registry at "
                + fresh + "; not copied again" + NL;
        assertThat(again.out.toString()).isEqualTo(before + "champion: shadow-risk:1 (run " + champion.runId()
                + "; PR-AUC 0.700, precision 0.500, recall 0.250) (the imported version)" + NL);
        assertThat(now.versions(TrainAndPromote.MODEL_NAME)).hasSize(1);

        // and once the new registry has trained a champion of its own, that alias stays for a person to move
        String trained = now.startRun(TrainAndPromote.EXPERIMENT, Map.of());
        Files.writeString(Files.createDirectories(now.artifactDirectory(trained, "model")).resolve("saved_model.pb"),
                "model trained here");
        now.logMetrics(trained, Map.of("pr_auc", 0.8, "precision", 0.5, "recall", 0.5));
        now.finishRun(trained, true);
        now.setAlias(TrainAndPromote.MODEL_NAME, ModelRegistry.CHAMPION,
                now.registerVersion(TrainAndPromote.MODEL_NAME, trained, "model"));
        CliRun third = new CliRun();
        assertThat(third.run("models", "import", "--from", data.resolve("registry").toString(), "--data",
                data.toString(), "--set", "registry.uri=" + fresh)).as(third.err.toString()).isZero();
        assertThat(third.out.toString()).isEqualTo(before + "champion: shadow-risk:2 (run " + trained
                + "; PR-AUC 0.800, precision 0.500, recall 0.500) stays; `bin/shadow models promote 1` serves the "
                + "imported version" + NL);
        assertThat(now.versions(TrainAndPromote.MODEL_NAME)).hasSize(2);
        assertThat(now.version(TrainAndPromote.MODEL_NAME, ModelRegistry.CHAMPION).orElseThrow().version())
                .isEqualTo(2);
    }

    @Test
    void importingFromTheRegistryInUseOrFromWhereThereIsNoneIsAMistakeInTheCommand() {
        assertThat(cli.run("models", "import", "--from", data.resolve("registry").toString(), "--data",
                data.toString())).isEqualTo(2);
        assertThat(cli.err.toString()).isEqualTo("error: --from " + data.resolve("registry") + " is the registry "
                + "this installation uses (registry.uri); set registry.uri to the new registry and give the old one "
                + "as --from" + NL);

        CliRun nothing = new CliRun();
        assertThat(nothing.run("models", "import", "--from", data.resolve("nothing").toString(), "--data",
                data.toString(), "--set", "registry.uri=" + data.resolve("new-registry"))).isEqualTo(2);
        assertThat(nothing.err.toString()).isEqualTo("error: --from " + data.resolve("nothing") + ": no model "
                + "registry there (no mlruns/models); give the directory of the registry used so far, e.g. "
                + "<data-dir>/registry" + NL);
    }
}
