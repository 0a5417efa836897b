package io.shadow.model.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry against a real MLflow server behind {@link MlflowGate}, which answers as MLflow's
 * basic-auth app: every call carries the credentials (Basic from a user:password in the URI or MLflow's
 * variables, Bearer from {@code MLFLOW_TRACKING_TOKEN}); a refused call names what was sent, never
 * its value; no message shows the password; and the champion last seen is known from the cache while
 * the server cannot be reached.
 */
class MlflowAuthenticationIT {
    private static final String PASSWORD = "S3cretPw";
    private static final String ALICE = "Basic " + Base64.getEncoder().encodeToString(("alice:" + PASSWORD)
            .getBytes(StandardCharsets.UTF_8));
    private static final String SET = "set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD (Basic) or "
            + "MLFLOW_TRACKING_TOKEN (Bearer) in the environment, registry.username and registry.password or "
            + "registry.token (SHADOW_REGISTRY_USERNAME, SHADOW_REGISTRY_PASSWORD, SHADOW_REGISTRY_TOKEN), or "
            + "user:password in registry.uri";

    @TempDir
    Path dir;

    private URI server;
    private String model;
    private MlflowGate gate;

    @BeforeEach
    void server() {
        String uri = System.getenv("SHADOW_TEST_MLFLOW_URI");
        Assumptions.assumeTrue(uri != null && !uri.isBlank(), "SHADOW_TEST_MLFLOW_URI is unset: skipping the MLflow "
                + "tests; run them with eval \"$(bin/test-services start)\" (or bin/test)");
        server = URI.create(uri);
        model = "shadow-risk-auth-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void closeGate() {
        if (gate != null) {
            gate.close();
        }
    }

    @Test
    void aUserAndPasswordInTheUriGoWithEveryCallAndAreShownMasked() throws Exception {
        gate = new MlflowGate(server, ALICE, false);
        MlflowModelRegistry r = new MlflowModelRegistry(gate.uri("alice:" + PASSWORD), dir.resolve("cache"),
                Duration.ofSeconds(30), MlflowCredentials.none());
        String shown = "http://alice:***@127.0.0.1:" + gate.uri().getPort() + "/";
        assertThat(r.uri()).hasToString(shown);

        int v = register(r);
        r.setAlias(model, ModelRegistry.CHAMPION, v);
        ModelVersion champion = r.version(model, ModelRegistry.CHAMPION).orElseThrow();
        assertThat(champion.localPath().resolve("saved_model.pb")).hasContent("model " + v);
        assertThat(r.versions(model)).extracting(RegisteredVersion::version).containsExactly(v);
        assertThat(gate.authorizations).as("runs, artifacts, versions, alias: every call").hasSizeGreaterThan(8)
                .containsOnly(ALICE);

        assertThatThrownBy(() -> r.setAlias(model, ModelRegistry.CHAMPION, 99))
                .hasMessageStartingWith("MLflow at " + shown + ": POST /api/2.0/mlflow/registered-models/alias "
                        + "answered 404")
                .hasMessageNotContaining(PASSWORD);
        MlflowModelRegistry down = new MlflowModelRegistry(URI.create("http://alice:" + PASSWORD + "@127.0.0.1:9"),
                dir.resolve("c"), Duration.ofSeconds(2), MlflowCredentials.none());
        assertThatThrownBy(() -> down.versions(model))
                .hasMessageStartingWith("cannot reach the MLflow tracking server at http://alice:***@127.0.0.1:9/ "
                        + "(GET /api/2.0/mlflow/model-versions/search: ")
                .hasMessageNotContaining(PASSWORD);
    }

    @Test
    void mlflowsOwnVariablesAuthenticateBasicOrBearer() throws Exception {
        gate = new MlflowGate(server, ALICE, false);
        MlflowModelRegistry basic = new MlflowModelRegistry(gate.uri(), dir.resolve("cache"), Duration.ofSeconds(30),
                MlflowCredentials.fromEnvironment(Map.of("MLFLOW_TRACKING_USERNAME", "alice",
                        "MLFLOW_TRACKING_PASSWORD", PASSWORD, "MLFLOW_TRACKING_TOKEN", "ignored-when-basic")));
        int v = register(basic);
        assertThat(basic.versions(model)).extracting(RegisteredVersion::version).containsExactly(v);
        assertThat(gate.authorizations).containsOnly(ALICE);
        gate.close();

        gate = new MlflowGate(server, "Bearer tok-0123456789", false);
        MlflowModelRegistry bearer = new MlflowModelRegistry(gate.uri(), dir.resolve("cache"), Duration.ofSeconds(30),
                MlflowCredentials.fromEnvironment(Map.of("MLFLOW_TRACKING_TOKEN", "tok-0123456789")));
        assertThat(bearer.versions(model)).extracting(RegisteredVersion::version).containsExactly(v);
        assertThat(gate.authorizations).isNotEmpty().containsOnly("Bearer tok-0123456789");
    }

    @Test
    void a401SaysWhichCredentialsWereSentAndWhatToSetWithoutTheirValues() throws Exception {
        gate = new MlflowGate(server, ALICE, false);
        String call = "MLflow at " + gate.uri() + "/: GET /api/2.0/mlflow/registered-models/alias answered 401 "
                + "UNAUTHENTICATED: " + MlflowGate.UNAUTHENTICATED + "; sent ";

        MlflowModelRegistry anonymous = new MlflowModelRegistry(gate.uri(), dir.resolve("cache"),
                Duration.ofSeconds(30), MlflowCredentials.none());
        assertThatThrownBy(() -> anonymous.version(model, ModelRegistry.CHAMPION))
                .hasMessage(call + "no credentials: " + SET);
        assertThat(gate.authorizations).containsExactly("(none)");

        MlflowModelRegistry wrong = new MlflowModelRegistry(gate.uri(), dir.resolve("cache"), Duration.ofSeconds(30),
                MlflowCredentials.fromEnvironment(Map.of("MLFLOW_TRACKING_USERNAME", "alice",
                        "MLFLOW_TRACKING_PASSWORD", "Wr0ngPw")));
        assertThatThrownBy(() -> wrong.version(model, ModelRegistry.CHAMPION))
                .hasMessage(call + "Basic credentials (user alice) from MLFLOW_TRACKING_USERNAME and "
                        + "MLFLOW_TRACKING_PASSWORD: the server did not accept them; check them, or set others: "
                        + SET.substring("set ".length()));

        MlflowModelRegistry token = new MlflowModelRegistry(gate.uri(), dir.resolve("cache"), Duration.ofSeconds(30),
                MlflowCredentials.fromEnvironment(Map.of("MLFLOW_TRACKING_TOKEN", "tok-0123456789")));
        assertThatThrownBy(() -> token.version(model, ModelRegistry.CHAMPION))
                .hasMessageContaining("; sent a Bearer token from MLFLOW_TRACKING_TOKEN: the server did not accept "
                        + "them")
                .hasMessageNotContaining("tok-0123456789");
    }

    @Test
    void a403ForAUserWhoMayOnlyReadNamesTheUserAndThePermission() throws Exception {
        gate = new MlflowGate(server, ALICE, true);
        MlflowModelRegistry r = new MlflowModelRegistry(gate.uri("alice:" + PASSWORD), dir.resolve("cache"),
                Duration.ofSeconds(30), MlflowCredentials.none());
        assertThat(r.version(model, ModelRegistry.CHAMPION)).as("reading is allowed").isEmpty();
        assertThatThrownBy(() -> r.startRun("shadow-auth-it", Map.of()))
                .hasMessageEndingWith("answered 403 PERMISSION_DENIED: Permission denied; sent Basic credentials "
                        + "(user alice) from the user:password in registry.uri: the server knows this user but does "
                        + "not let it do this; grant it permission on the experiment and the model in MLflow (serve "
                        + "and models list read, nightly and train also write), or use another user")
                .hasMessageStartingWith("MLflow at http://alice:***@127.0.0.1:" + gate.uri().getPort() + "/: ");
    }

    @Test
    void theChampionLastSeenIsKnownFromTheCacheWhileTheServerCannotBeReachedUntilItSaysThereIsNone()
            throws Exception {
        gate = MlflowGate.open(server);
        MlflowModelRegistry scorer = new MlflowModelRegistry(gate.uri(), dir.resolve("cache"));
        assertThat(scorer.lastSeen(model, ModelRegistry.CHAMPION)).as("nothing seen yet").isEmpty();
        int v = register(scorer);
        scorer.setAlias(model, ModelRegistry.CHAMPION, v);
        ModelVersion seen = scorer.version(model, ModelRegistry.CHAMPION).orElseThrow();

        gate.stop();
        MlflowModelRegistry restarted = new MlflowModelRegistry(gate.uri(), dir.resolve("cache"),
                Duration.ofSeconds(2));
        assertThatThrownBy(() -> restarted.version(model, ModelRegistry.CHAMPION))
                .hasMessageStartingWith("cannot reach the MLflow tracking server at " + gate.uri() + "/");
        CachedVersion cached = restarted.lastSeen(model, ModelRegistry.CHAMPION).orElseThrow();
        assertThat(cached.version()).isEqualTo(seen);
        assertThat(cached.registry()).isEqualTo(gate.uri() + "/");
        assertThat(cached.confirmedAt()).isBefore(java.time.Instant.now().plusSeconds(1));

        gate.start();
        deleteChampionAlias();
        assertThat(restarted.version(model, ModelRegistry.CHAMPION)).isEmpty();
        assertThat(restarted.lastSeen(model, ModelRegistry.CHAMPION)).as("the server said there is none")
                .isEmpty();
    }

    /** A run whose "model" is one small file, registered as the next version; returns it. */
    private int register(MlflowModelRegistry r) throws Exception {
        String run = r.startRun("shadow-auth-it", Map.of("p", "1"));
        r.logMetrics(run, Map.of("pr_auc", 0.5));
        Path model = r.artifactDirectory(run, "model");
        int next = r.versions(this.model).size() + 1;
        Files.writeString(model.resolve("saved_model.pb"), "model " + next);
        r.finishRun(run, true);
        return r.registerVersion(this.model, run, "model");
    }

    private void deleteChampionAlias() throws Exception {
        var req = java.net.http.HttpRequest.newBuilder(URI.create(server + "/api/2.0/mlflow/registered-models/alias?name="
                + model + "&alias=champion"))
                .header("Content-Type", "application/json")
                .method("DELETE", java.net.http.HttpRequest.BodyPublishers.ofString("{\"name\": \"" + model
                        + "\", \"alias\": \"champion\"}")).build();
        var res = java.net.http.HttpClient.newHttpClient().send(req,
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
    }
}
