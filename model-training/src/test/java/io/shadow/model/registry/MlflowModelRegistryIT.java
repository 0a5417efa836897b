package io.shadow.model.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shadow.model.promotion.ChampionChallenger;
import io.shadow.model.promotion.ChampionPromotion;
import io.shadow.model.risk.RiskFactors;
import io.shadow.model.risk.RiskModelTrainer;
import io.shadow.model.risk.TensorFlowRiskModel;
import io.shadow.model.risk.TrainingExample;
import io.shadow.model.risk.TrainingFixtures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry against a real MLflow tracking server ({@code bin/test-services} starts one and
 * exports {@code SHADOW_TEST_MLFLOW_URI}): runs with params, metrics and the SavedModel, two
 * versions, the champion alias moving, and a fresh instance loading and scoring the champion; a
 * champion whose run was deleted, garbage-collected or lost its model files giving way to the next
 * challenger.
 */
class MlflowModelRegistryIT {
    private static final RiskFactors INTEL_MATCH = new RiskFactors(0.5, 0.5, 0, 0.9);
    private static final RiskModelTrainer.Settings SETTINGS = new RiskModelTrainer.Settings(300, 0.02f, 0.25, 0.5,
            3, 0, 0);
    private static final String RETRAIN = "; alias 'champion' points at it; promote a version whose run exists "
            + "(bin/shadow models promote VERSION) or train a new one (bin/shadow train)";

    @TempDir
    Path dir;

    private URI server;
    private String model;

    @BeforeEach
    void server() {
        String uri = System.getenv("SHADOW_TEST_MLFLOW_URI");
        Assumptions.assumeTrue(uri != null && !uri.isBlank(), "SHADOW_TEST_MLFLOW_URI is unset: skipping the MLflow "
                + "tests; run them with eval \"$(bin/test-services start)\" (or bin/test)");
        server = URI.create(uri);
        model = "shadow-risk-it-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void runsVersionsAndTheChampionAliasLiveOnTheServerAndAFreshInstanceScoresWithTheChampion() throws Exception {
        MlflowModelRegistry writer = new MlflowModelRegistry(server, dir.resolve("writer-cache"));
        String run1 = RegistryFixtures.trainRun(writer, "shadow-it", true);
        String run2 = RegistryFixtures.trainRun(writer, "shadow-it", false);
        int v1 = writer.registerVersion(model, run1, "model");
        int v2 = writer.registerVersion(model, run2, "model");

        assertThat(v2).isEqualTo(v1 + 1);
        assertThat(writer.version(model, ModelRegistry.CHAMPION)).as("no champion before the alias is set").isEmpty();
        JsonNode run = get("runs/get?run_id=" + run1).path("run");
        assertThat(run.path("info").path("status").asText()).isEqualTo("FINISHED");
        assertThat(run.path("data").path("params").findValuesAsText("key")).contains("intel_means_incident");
        assertThat(run.path("data").path("metrics").findValuesAsText("key")).contains("pr_auc", "recall");

        writer.setAlias(model, ModelRegistry.CHAMPION, v1);
        ModelVersion first = new MlflowModelRegistry(server, dir.resolve("reader-1")).version(model,
                ModelRegistry.CHAMPION).orElseThrow();
        writer.setAlias(model, ModelRegistry.CHAMPION, v2);
        ModelVersion second = new MlflowModelRegistry(server, dir.resolve("reader-2")).version(model,
                ModelRegistry.CHAMPION).orElseThrow();

        assertThat(first.id()).isEqualTo(model + ":" + v1);
        assertThat(first.runId()).isEqualTo(run1);
        assertThat(first.metrics()).containsKey("pr_auc");
        assertThat(first.localPath()).startsWith(dir.resolve("reader-1"));
        assertThat(first.localPath().resolve("saved_model.pb")).isRegularFile();
        assertThat(second.id()).isEqualTo(model + ":" + v2);
        assertThat(writer.versions(model)).as("listed oldest first, with each run's metrics")
                .extracting(RegisteredVersion::version, RegisteredVersion::runId, RegisteredVersion::runMissing)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(v1, run1, false),
                        org.assertj.core.groups.Tuple.tuple(v2, run2, false));
        assertThat(writer.versions(model).get(0).metrics()).containsKey("pr_auc");
        assertThat(writer.versions(model).get(0).registeredAt()).isNotNull();
        assertThat(get("registered-models/get?name=" + model).path("registered_model").path("aliases")
                .findValuesAsText("version")).containsExactly(Integer.toString(v2));
        try (TensorFlowRiskModel m1 = TensorFlowRiskModel.load(first.localPath(), first.id());
             TensorFlowRiskModel m2 = TensorFlowRiskModel.load(second.localPath(), second.id())) {
            double s1 = m1.score(INTEL_MATCH).score();
            double s2 = m2.score(INTEL_MATCH).score();
            assertThat(s1 - s2).as("v1 learned that threat intel means an incident, v2 that it does not")
                    .isGreaterThan(30);
            assertThat(m1.score(INTEL_MATCH).model()).isEqualTo(model + ":" + v1);
        }
    }

    @Test
    void aFailedRunUploadsNoModelAndAVersionIsDownloadedOnlyOnce() throws Exception {
        MlflowModelRegistry r = new MlflowModelRegistry(server, dir.resolve("cache"));
        String failed = r.startRun("shadow-it", Map.of());
        Files.writeString(r.artifactDirectory(failed, "model").resolve("half-written"), "x");
        r.finishRun(failed, false);

        assertThat(get("runs/get?run_id=" + failed).path("run").path("info").path("status").asText())
                .isEqualTo("FAILED");
        assertThat(get("../mlflow-artifacts/artifacts?path=" + artifactRoot(failed)).path("files").isEmpty())
                .as("no artifact of a failed run reaches the server").isTrue();

        String ok = RegistryFixtures.trainRun(r, "shadow-it", true);
        int v = r.registerVersion(model, ok, "model");
        r.setAlias(model, ModelRegistry.CHAMPION, v);
        Path first = r.version(model, ModelRegistry.CHAMPION).orElseThrow().localPath();
        long modified = Files.getLastModifiedTime(first.resolve("saved_model.pb")).toMillis();
        Thread.sleep(20);
        Path again = r.version(model, ModelRegistry.CHAMPION).orElseThrow().localPath();
        assertThat(again).isEqualTo(first);
        assertThat(Files.getLastModifiedTime(again.resolve("saved_model.pb")).toMillis()).isEqualTo(modified);
    }

    @Test
    void errorsNameTheServerTheCallAndTheStatus() {
        MlflowModelRegistry r = new MlflowModelRegistry(server, dir.resolve("cache"));
        assertThatThrownBy(() -> r.setAlias(model, ModelRegistry.CHAMPION, 99))
                .hasMessageContaining("MLflow at " + server)
                .hasMessageContaining("POST /api/2.0/mlflow/registered-models/alias answered 404");
        assertThat(r.version(model, ModelRegistry.CHAMPION)).as("an unknown model has no champion").isEmpty();

        MlflowModelRegistry nowhere = new MlflowModelRegistry(URI.create("http://127.0.0.1:9"), dir.resolve("c"),
                java.time.Duration.ofSeconds(2));
        assertThatThrownBy(() -> nowhere.startRun("shadow-it", Map.of()))
                .hasMessageContaining("cannot reach the MLflow tracking server at http://127.0.0.1:9/")
                .hasMessageContaining("fix registry.uri");
        assertThatThrownBy(() -> ModelRegistries.open("s3://bucket/registry", dir))
                .hasMessageContaining("registry.uri s3://bucket/registry has an unsupported scheme");
        assertThat(ModelRegistries.open(server.toString(), dir.resolve("registry")))
                .isInstanceOf(MlflowModelRegistry.class);
    }

    @Test
    void aChampionWhoseRunWasDeletedOrLostItsModelFilesGivesWayToTheNextChallengerAndIsNotPromotedAgain()
            throws Exception {
        MlflowModelRegistry r = new MlflowModelRegistry(server, dir.resolve("cache"));
        ChampionChallenger round = new ChampionChallenger(r, SETTINGS, model, "shadow-it");
        List<TrainingExample> examples = TrainingFixtures.examples(600, 11);
        ChampionChallenger.Result first = round.run(examples, Map.of(), ChampionPromotion.Policy.IF_BETTER);
        String v1 = model + ":" + first.decision().version();
        assertThat(first.decision().promoted()).isTrue();

        // deleted through MLflow's API, as the UI or a clean-up script does, and its model files with it
        post("runs/delete", Map.of("run_id", first.runId()));
        delete(artifactRoot(first.runId()) + "/model");

        String deleted = v1 + " was registered from run " + first.runId() + ", which is deleted in the model "
                + "registry at " + server + "/ (in MLflow's trash until mlflow gc removes it; runs/restore brings it "
                + "back)";
        try (Warnings warnings = new Warnings()) {
            MlflowModelRegistry scorer = new MlflowModelRegistry(server, dir.resolve("scorer"));
            for (int poll = 0; poll < 2; poll++) {
                assertThatThrownBy(() -> scorer.version(model, ModelRegistry.CHAMPION))
                        .isInstanceOf(MissingRunException.class)
                        .hasMessage(deleted + RETRAIN);
            }
            assertThat(warnings.messages).as("one WARN naming the version and the run, not one per look")
                    .containsExactly("alias 'champion' of model " + model + " cannot be served: " + deleted + RETRAIN);
        }

        // as good as the lost champion (same rows): only its absence promotes it
        ChampionChallenger.Result second = round.run(examples, Map.of(), ChampionPromotion.Policy.IF_BETTER);
        String v2 = model + ":" + second.decision().version();
        assertThat(second.decision().promoted()).isTrue();
        assertThat(second.decision().championId()).isEqualTo(v1);
        assertThat(second.decision().reason()).isEqualTo("champion " + v1 + " did not load on the hold-out (its run "
                + first.runId() + " is deleted in the model registry at " + server + "/ (in MLflow's trash until "
                + "mlflow gc removes it; runs/restore brings it back)): challenger promoted");
        assertThat(second.holdout()).allSatisfy(h -> assertThat(h.champion()).isNull());
        assertThat(get("runs/get?run_id=" + second.runId()).path("run").path("data").path("tags")
                .findValuesAsText("value")).anySatisfy(t -> assertThat(t).startsWith("promoted " + v2 + ": champion "
                        + v1 + " did not load"));
        MlflowModelRegistry reader = new MlflowModelRegistry(server, dir.resolve("reader"));
        ModelVersion served = reader.version(model, ModelRegistry.CHAMPION).orElseThrow();
        assertThat(served.id()).isEqualTo(v2);
        assertThat(served.localPath().resolve("saved_model.pb")).isRegularFile();

        assertThatThrownBy(() -> r.setAlias(model, ModelRegistry.CHAMPION, first.decision().version()))
                .isInstanceOf(MissingRunException.class)
                .hasMessage(deleted + "; alias 'champion' stays where it was; point it at a version whose run exists");
        assertThat(championOnServer()).isEqualTo(second.decision().version());

        // the run stays, its model files go: even the reader that has them cached no longer serves them
        delete(artifactRoot(second.runId()) + "/model");
        String noFiles = v2 + " was registered from run " + second.runId() + ", which has no model files in the "
                + "model registry at " + server + "/ (nothing under artifact path " + artifactRoot(second.runId())
                + "/model)";
        assertThatThrownBy(() -> reader.version(model, ModelRegistry.CHAMPION))
                .isInstanceOf(MissingRunException.class).hasMessage(noFiles + RETRAIN);
        ChampionChallenger.Result third = round.run(examples, Map.of(), ChampionPromotion.Policy.IF_BETTER);
        assertThat(third.decision().promoted()).isTrue();
        assertThat(third.decision().reason()).startsWith("champion " + v2 + " did not load on the hold-out (its run "
                + second.runId() + " has no model files in the model registry at " + server + "/");
        assertThat(reader.version(model, ModelRegistry.CHAMPION).orElseThrow().version())
                .isEqualTo(third.decision().version());
    }

    @Test
    void aChampionWhoseRunWasGarbageCollectedIsMissingAndAVersionWithoutItsRunIsRefused() throws Exception {
        // mlflow gc leaves the version pointing at a run the server no longer knows; so does this version
        String gone = UUID.randomUUID().toString().replace("-", "");
        post("registered-models/create", Map.of("name", model));
        String version = post("model-versions/create", Map.of("name", model, "source", "runs:/" + gone + "/model",
                "run_id", gone)).path("model_version").path("version").asText();
        post("registered-models/alias", Map.of("name", model, "alias", "champion", "version", version));
        MlflowModelRegistry r = new MlflowModelRegistry(server, dir.resolve("cache"));

        String missing = model + ":" + version + " was registered from run " + gone + ", which is missing from the "
                + "model registry at " + server + "/ (deleted and garbage-collected)";
        assertThatThrownBy(() -> r.version(model, ModelRegistry.CHAMPION))
                .isInstanceOf(MissingRunException.class)
                .hasMessage(missing + RETRAIN)
                .satisfies(e -> assertThat(((MissingRunException) e).missing()).isEqualTo("its run " + gone
                        + " is missing from the model registry at " + server + "/ (deleted and garbage-collected)"));
        assertThatThrownBy(() -> r.setAlias(model, "challenger", Integer.parseInt(version)))
                .isInstanceOf(MissingRunException.class)
                .hasMessage(missing + "; alias 'challenger' stays where it was; point it at a version whose run "
                        + "exists");
        assertThat(get("registered-models/get?name=" + model).path("registered_model").path("aliases")
                .findValuesAsText("alias")).containsExactly("champion");
    }

    private int championOnServer() throws Exception {
        return get("registered-models/alias?name=" + model + "&alias=champion").path("model_version")
                .path("version").asInt();
    }

    /** The WARN lines of {@link MlflowModelRegistry} while open, kept off the console. */
    private static final class Warnings implements AutoCloseable {
        final List<String> messages = new CopyOnWriteArrayList<>();
        private final Logger logger = (Logger) LogManager.getLogger(MlflowModelRegistry.class);
        private final AbstractAppender appender = new AbstractAppender("mlflow-registry-warnings", null, null,
                true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent e) {
                if (e.getLevel() == Level.WARN) {
                    messages.add(e.getMessage().getFormattedMessage());
                }
            }
        };

        Warnings() {
            appender.start();
            logger.addAppender(appender);
            logger.setAdditive(false);
        }

        @Override
        public void close() {
            logger.setAdditive(true);
            logger.removeAppender(appender);
            appender.stop();
        }
    }

    private JsonNode post(String api, Map<String, String> body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(server + "/api/2.0/mlflow/" + api))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(new ObjectMapper().writeValueAsString(body))).build(), api);
    }

    private void delete(String artifactPath) throws Exception {
        send(HttpRequest.newBuilder(URI.create(server + "/api/2.0/mlflow-artifacts/artifacts/" + artifactPath))
                .DELETE().build(), "delete " + artifactPath);
    }

    private JsonNode send(HttpRequest request, String what) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(what + ": " + r.body()).isEqualTo(200);
        return new ObjectMapper().readTree(r.body());
    }

    private String artifactRoot(String runId) throws Exception {
        String uri = get("runs/get?run_id=" + runId).path("run").path("info").path("artifact_uri").asText();
        return URI.create(uri).getPath().replaceAll("^/+", "");
    }

    private JsonNode get(String api) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(server + "/api/2.0/mlflow/").resolve(api)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(api + ": " + r.body()).isEqualTo(200);
        return new ObjectMapper().readTree(r.body());
    }
}
