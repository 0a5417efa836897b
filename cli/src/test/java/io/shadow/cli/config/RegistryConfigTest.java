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
    void theScorerPollsTheChampionAliasEveryFifteenSecondsUnlessToldOtherwise() {
        assertThat(load(Map.of()).scorer().toSettings(dir).modelPoll()).isEqualTo(Duration.ofSeconds(15));
        assertThat(load(Map.of(), "scorer.model.poll=PT2S").scorer().toSettings(dir).modelPoll())
                .isEqualTo(Duration.ofSeconds(2));
        assertThat(load(Map.of(), "scorer.model.poll=PT0S").scorer().toSettings(dir).modelPoll()).isZero();
    }
}
