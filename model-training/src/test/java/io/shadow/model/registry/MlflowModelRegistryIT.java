package io.shadow.model.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shadow.model.risk.RiskFactors;
import io.shadow.model.risk.TensorFlowRiskModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry against a real MLflow tracking server ({@code bin/test-services} starts one and
 * exports {@code SHADOW_TEST_MLFLOW_URI}): runs with params, metrics and the SavedModel, two
 * versions, the champion alias moving, and a fresh instance loading and scoring the champion.
 */
class MlflowModelRegistryIT {
    private static final RiskFactors INTEL_MATCH = new RiskFactors(0.5, 0.5, 0, 0.9);

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
