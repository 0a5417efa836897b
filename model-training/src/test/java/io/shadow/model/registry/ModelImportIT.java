package io.shadow.model.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.model.promotion.ChampionChallenger;
import io.shadow.model.promotion.ChampionPromotion;
import io.shadow.model.risk.RiskModelTrainer;
import io.shadow.model.risk.TrainingExample;
import io.shadow.model.risk.TrainingFixtures;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Moving to an MLflow server (a real one) with the champion: the local registry's champion copied
 * there keeps its model files and hold-out figures, and the first night on MLflow whose hold-out has
 * no incident keeps it rather than promoting an unevaluated model.
 */
class ModelImportIT {
    private static final RiskModelTrainer.Settings SETTINGS = new RiskModelTrainer.Settings(300, 0.02f, 0.25, 0.5,
            3, 0, 0);

    @TempDir
    Path dir;

    @Test
    void theLocalChampionCopiedToMlflowKeepsItsFilesAndFiguresAndAQuietFirstNightThereKeepsIt() throws Exception {
        String uri = System.getenv("SHADOW_TEST_MLFLOW_URI");
        Assumptions.assumeTrue(uri != null && !uri.isBlank(), "SHADOW_TEST_MLFLOW_URI is unset: skipping the MLflow "
                + "tests; run them with eval \"$(bin/test-services start)\" (or bin/test)");
        String model = "shadow-risk-import-" + UUID.randomUUID().toString().substring(0, 8);
        LocalModelRegistry local = new LocalModelRegistry(dir.resolve("registry"));
        List<TrainingExample> examples = TrainingFixtures.examples(600, 11);
        new ChampionChallenger(local, SETTINGS, model, "shadow-it").run(examples, Map.of(),
                ChampionPromotion.Policy.IF_BETTER);
        ModelVersion champion = local.version(model, ModelRegistry.CHAMPION).orElseThrow();

        MlflowModelRegistry mlflow = new MlflowModelRegistry(URI.create(uri), dir.resolve("registry-cache"));
        ModelImport.Imported imported = ModelImport.copy(champion, local.root().toString(), mlflow, "shadow-it");
        mlflow.setAlias(model, ModelRegistry.CHAMPION, imported.version());
        ModelVersion there = mlflow.version(model, ModelRegistry.CHAMPION).orElseThrow();
        assertThat(there.id()).isEqualTo(imported.id()).isEqualTo(model + ":1");
        assertThat(there.metrics()).isEqualTo(champion.metrics()).containsKeys("pr_auc", ChampionPromotion.TRAIN_LAST);
        assertThat(Files.readAllBytes(there.localPath().resolve("saved_model.pb")))
                .isEqualTo(Files.readAllBytes(champion.localPath().resolve("saved_model.pb")));
        assertThat(local.version(model, ModelRegistry.CHAMPION)).as("the source is only read").contains(champion);
        assertThat(ModelImport.earlierCopy(champion, local.root().toString(), mlflow)).as("found by its tag in MLflow")
                .map(RegisteredVersion::version).contains(imported.version());
        assertThat(ModelImport.earlierCopy(champion, dir.resolve("elsewhere").toString(), mlflow)).isEmpty();

        // the same rows with a hold-out that has no incident: nothing can be measured, the copied champion stays
        int train = examples.size() - RiskModelTrainer.holdout(examples, SETTINGS.holdoutFraction()).size();
        List<TrainingExample> quiet = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            TrainingExample e = examples.get(i);
            quiet.add(i < train ? e : new TrainingExample(e.time(), e.factors(), false));
        }
        ChampionChallenger.Result night = new ChampionChallenger(mlflow, SETTINGS, model, "shadow-it").run(quiet,
                Map.of(), ChampionPromotion.Policy.IF_BETTER);
        assertThat(night.decision().promoted()).isFalse();
        assertThat(night.decision().reason()).startsWith("the hold-out of 150 rows has no confirmed incident, so "
                + "PR-AUC cannot rank the models: champion " + model + ":1 kept");
        assertThat(mlflow.version(model, ModelRegistry.CHAMPION).orElseThrow().version()).isEqualTo(1);
    }
}
