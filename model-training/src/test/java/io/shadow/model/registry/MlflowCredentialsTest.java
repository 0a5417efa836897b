package io.shadow.model.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the MLflow credentials come from, and that a registry URI is never shown with its password. */
class MlflowCredentialsTest {
    @TempDir
    Path dir;

    @Test
    void mlflowsVariablesGiveBasicBeforeBearerAsMlflowsClientDoesAndNothingWithoutThem() {
        assertThat(MlflowCredentials.fromEnvironment(Map.of()).present()).isFalse();
        MlflowCredentials both = MlflowCredentials.fromEnvironment(Map.of("MLFLOW_TRACKING_USERNAME", "alice",
                "MLFLOW_TRACKING_PASSWORD", "pw:with:colons", "MLFLOW_TRACKING_TOKEN", "tok"));
        assertThat(both.header()).isEqualTo("Basic YWxpY2U6cHc6d2l0aDpjb2xvbnM=");
        assertThat(both).hasToString("Basic credentials (user alice) from MLFLOW_TRACKING_USERNAME and "
                + "MLFLOW_TRACKING_PASSWORD");
        MlflowCredentials token = MlflowCredentials.fromEnvironment(Map.of("MLFLOW_TRACKING_TOKEN", "tok"));
        assertThat(token.header()).isEqualTo("Bearer tok");
        assertThat(token).hasToString("a Bearer token from MLFLOW_TRACKING_TOKEN");
    }

    @Test
    void aUserAndPasswordInTheUriArePercentDecodedAndGoBeforeTheOthers() {
        MlflowCredentials uri = MlflowCredentials.fromUri(URI.create("https://alice:p%40ss%3Aword@mlflow:5000"));
        assertThat(uri.header()).isEqualTo("Basic YWxpY2U6cEBzczp3b3Jk"); // alice:p@ss:word
        assertThat(uri.or(MlflowCredentials.bearer("tok", "MLFLOW_TRACKING_TOKEN"))).isSameAs(uri);
        assertThat(MlflowCredentials.fromUri(URI.create("http://mlflow:5000")).present()).isFalse();
    }

    @Test
    void aPasswordInTheUriIsMaskedWhereverTheUriIsShown() {
        assertThat(ModelRegistries.shown("http://alice:S3cretPw@127.0.0.1:5000/x?y=1"))
                .isEqualTo("http://alice:***@127.0.0.1:5000/x?y=1");
        assertThat(ModelRegistries.shown("https://a:b@c@mlflow")).isEqualTo("https://a:***@mlflow");
        assertThat(ModelRegistries.shown("https://t0ken@mlflow")).as("a lone user part may be a token")
                .isEqualTo("https://***@mlflow");
        assertThat(ModelRegistries.shown("http://mlflow:5000/a@b")).as("an @ after a port may end a password: "
                + "more is hidden than needed, never less").isEqualTo("http://mlflow:***@b");
        assertThat(ModelRegistries.shown("/var/lib/shadow/registry")).isEqualTo("/var/lib/shadow/registry");

        assertThatThrownBy(() -> ModelRegistries.open("http://alice:S3cret Pw@mlflow:5000", dir.resolve("registry")))
                .hasMessage("registry.uri http://alice:***@mlflow:5000 is not a URI; expected http(s)://host:port "
                        + "of an MLflow tracking server");
        assertThatThrownBy(() -> ModelRegistries.open("s3://alice:S3cretPw@bucket/registry", dir))
                .hasMessageStartingWith("registry.uri s3://alice:***@bucket/registry has an unsupported scheme");
        MlflowModelRegistry r = (MlflowModelRegistry) ModelRegistries.open("http://alice:S3cretPw@mlflow:5000",
                dir.resolve("registry"), MlflowCredentials.none());
        assertThat(r.uri()).hasToString("http://alice:***@mlflow:5000/");
    }
}
