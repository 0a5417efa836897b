package io.shadow.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shadow.features.config.ConfigException;
import io.shadow.model.registry.LocalModelRegistry;
import io.shadow.model.registry.MlflowModelRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code registry.uri} picks the registry; {@code scorer.model.poll} sets how often the scorer looks at the champion. */
class RegistryConfigTest {
    @TempDir
    Path dir;

    private ShadowConfig load(Map<String, String> env, String... sets) {
        List<String> all = new java.util.ArrayList<>(List.of("data-dir=" + dir));
        all.addAll(List.of(sets));
        return ConfigLoader.load(null, env, all);
    }

    @Test
    void theDefaultIsTheLocalRegistryUnderTheDataDirAndAnHttpUriIsMlflow() {
        ResolvedPaths local = ResolvedPaths.of(load(Map.of()));
        assertThat(local.openRegistry()).isInstanceOf(LocalModelRegistry.class);
        assertThat(((LocalModelRegistry) local.openRegistry()).root()).isEqualTo(dir.resolve("registry/mlruns"));

        ResolvedPaths mlflow = ResolvedPaths.of(load(Map.of("SHADOW_REGISTRY_URI", "http://mlflow.internal:5000")));
        assertThat(mlflow.openRegistry()).isInstanceOf(MlflowModelRegistry.class);
        assertThat(((MlflowModelRegistry) mlflow.openRegistry()).uri()).isEqualTo(
                URI.create("http://mlflow.internal:5000/"));

        ResolvedPaths elsewhere = ResolvedPaths.of(load(Map.of(), "registry.uri=" + dir.resolve("shared").toUri()));
        assertThat(((LocalModelRegistry) elsewhere.openRegistry()).root()).isEqualTo(dir.resolve("shared/mlruns"));
    }

    @Test
    void anUnsupportedRegistrySchemeIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> load(Map.of(), "registry.uri=s3://models/shadow"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid registry.uri = s3://models/shadow (from --set); expected empty "
                        + "(<data-dir>/registry), a directory, file:///dir, or http(s)://host:port of an MLflow "
                        + "server");
    }

    @Test
    void registryCredentialsAreOneKindInOnePlaceForAnMlflowServerAndNeverShown() {
        String server = "registry.uri=http://mlflow.internal:5000";
        assertThatThrownBy(() -> load(Map.of("SHADOW_REGISTRY_USERNAME", "alice", "SHADOW_REGISTRY_TOKEN",
                "tok-0123456789"), server))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid registry.token = (hidden) (from SHADOW_REGISTRY_TOKEN); expected empty when "
                        + "registry.username is set (Basic auth or a Bearer token, not both)");
        assertThatThrownBy(() -> load(Map.of("SHADOW_REGISTRY_PASSWORD", "S3cretPw"), server))
                .hasMessageStartingWith("invalid registry.username = (empty)");
        assertThatThrownBy(() -> load(Map.of("SHADOW_REGISTRY_USERNAME", "alice", "SHADOW_REGISTRY_PASSWORD",
                "S3cretPw")))
                .hasMessage("invalid registry.uri = (empty); expected http(s)://host:port of an MLflow server when "
                        + "registry.username or registry.token is set (a local registry takes no credentials)");
        assertThatThrownBy(() -> load(Map.of("SHADOW_REGISTRY_USERNAME", "alice"),
                "registry.uri=http://bob:S3cretPw@mlflow.internal:5000"))
                .hasMessage("invalid registry.uri = http://bob:***@mlflow.internal:5000 (from --set); expected no "
                        + "user:password when registry.username or registry.token is set (give the credentials in "
                        + "one place; the environment keeps them off the command line and out of files)");
        assertThatThrownBy(() -> load(Map.of(), "registry.uri=s3://bob:S3cretPw@models/shadow"))
                .hasMessageStartingWith("invalid registry.uri = s3://bob:***@models/shadow (from --set); expected");

        ShadowConfig ok = load(Map.of("SHADOW_REGISTRY_USERNAME", "alice", "SHADOW_REGISTRY_PASSWORD", "S3cretPw"),
                "registry.uri=http://mlflow.internal:5000");
        assertThat(ok.registry().toString()).doesNotContain("S3cretPw");
        assertThat(ResolvedPaths.of(ok).registryCredentials()).hasToString("Basic credentials (user alice) from "
                + "registry.username and registry.password");
        assertThat(ResolvedPaths.of(load(Map.of("SHADOW_REGISTRY_TOKEN", "tok-0123456789"), server))
                .registryCredentials()).hasToString("a Bearer token from registry.token");
        ResolvedPaths inUri = ResolvedPaths.of(load(Map.of(), "registry.uri=http://bob:S3cretPw@mlflow.internal:5000"));
        assertThat(inUri.registryLocation()).isEqualTo("http://bob:***@mlflow.internal:5000");
        assertThat(((MlflowModelRegistry) inUri.openRegistry()).uri()).hasToString(
                "http://bob:***@mlflow.internal:5000/");
        assertThat(inUri.toString()).doesNotContain("S3cretPw");
    }

    @Test
    void theScorerPollsTheChampionAliasEveryFifteenSecondsUnlessToldOtherwise() {
        assertThat(load(Map.of()).scorer().toSettings(dir).modelPoll()).isEqualTo(Duration.ofSeconds(15));
        assertThat(load(Map.of(), "scorer.model.poll=PT2S").scorer().toSettings(dir).modelPoll())
                .isEqualTo(Duration.ofSeconds(2));
        assertThat(load(Map.of(), "scorer.model.poll=PT0S").scorer().toSettings(dir).modelPoll()).isZero();
    }
}
