package io.shadow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.cli.config.ConfigLoader;
import io.shadow.cli.config.ResolvedPaths;
import io.shadow.model.registry.MlflowGate;
import io.shadow.spark.training.TrainAndPromote;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/shadow models} and the registry keys against a real MLflow server behind {@link
 * MlflowGate}, which answers as MLflow's basic-auth app: the credentials of {@code registry.uri} or of
 * {@code SHADOW_REGISTRY_*} go with every call, and the password is never printed.
 */
class RegistryAuthenticationIT {
    private static final String PASSWORD = "S3cretPw";
    private static final String ALICE = "Basic " + Base64.getEncoder().encodeToString(("alice:" + PASSWORD)
            .getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path data;

    private URI server;
    private final CliRun cli = new CliRun();

    @BeforeEach
    void server() {
        String uri = System.getenv("SHADOW_TEST_MLFLOW_URI");
        Assumptions.assumeTrue(uri != null && !uri.isBlank(), "SHADOW_TEST_MLFLOW_URI is unset: skipping; run with "
                + "eval \"$(bin/test-services start)\" (or bin/test)");
        Assumptions.assumeTrue(System.getenv("MLFLOW_TRACKING_USERNAME") == null
                && System.getenv("MLFLOW_TRACKING_TOKEN") == null, "MLflow credentials are set in this environment");
        server = URI.create(uri);
    }

    @Test
    void modelsCommandsSendTheUserInRegistryUriAndShowItMasked() throws Exception {
        try (MlflowGate gate = new MlflowGate(server, ALICE, false)) {
            String masked = "http://alice:***@127.0.0.1:" + gate.uri().getPort();
            assertThat(cli.run("models", "list", "--data", data.toString(), "--set", "registry.uri="
                    + gate.uri("alice:" + PASSWORD))).as(cli.err.toString()).isZero();
            assertThat(cli.out.toString()).startsWith("versions of shadow-risk in the model registry at " + masked);
            assertThat(cli.run("models", "champion", "--data", data.toString(), "--set", "registry.uri="
                    + gate.uri("alice:" + PASSWORD))).as(cli.err.toString()).isZero();
            assertThat(gate.authorizations).isNotEmpty().containsOnly(ALICE);

            assertThat(cli.run("models", "list", "--data", data.toString(), "--set", "registry.uri="
                    + gate.uri("alice:Wr0ngPw"))).isEqualTo(1);
            assertThat(cli.err.toString()).contains("error: MLflow at " + "http://alice:***@127.0.0.1:"
                    + gate.uri().getPort() + "/: GET /api/2.0/mlflow/model-versions/search answered 401 "
                    + "UNAUTHENTICATED: ")
                    .contains("; sent Basic credentials (user alice) from the user:password in registry.uri: the "
                            + "server did not accept them");
            assertThat(cli.out + cli.err.toString()).doesNotContain(PASSWORD).doesNotContain("Wr0ngPw");
        }
    }

    @Test
    void theRegistryKeysFromTheEnvironmentAuthenticateBasicOrBearer() throws Exception {
        try (MlflowGate gate = new MlflowGate(server, ALICE, false)) {
            ResolvedPaths paths = ResolvedPaths.of(ConfigLoader.load(null, Map.of("SHADOW_REGISTRY_USERNAME", "alice",
                    "SHADOW_REGISTRY_PASSWORD", PASSWORD), List.of("data-dir=" + data, "registry.uri=" + gate.uri())));
            paths.openRegistry().versions(TrainAndPromote.MODEL_NAME);
            assertThat(gate.authorizations).isNotEmpty().containsOnly(ALICE);
        }
        try (MlflowGate gate = new MlflowGate(server, "Bearer tok-0123456789", false)) {
            ResolvedPaths paths = ResolvedPaths.of(ConfigLoader.load(null, Map.of("SHADOW_REGISTRY_TOKEN",
                    "tok-0123456789"), List.of("data-dir=" + data, "registry.uri=" + gate.uri())));
            paths.openRegistry().versions(TrainAndPromote.MODEL_NAME);
            assertThat(gate.authorizations).isNotEmpty().containsOnly("Bearer tok-0123456789");
        }
    }
}
