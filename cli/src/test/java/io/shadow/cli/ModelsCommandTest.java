package io.shadow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.model.registry.LocalModelRegistry;
import io.shadow.model.registry.ModelRegistry;
import io.shadow.spark.training.TrainAndPromote;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/shadow models} on a real local registry in {@code <data>/registry} whose champion's run
 * directory was deleted: the champion cannot be served, so it must not block promoting another version.
 */
class ModelsCommandTest {
    private static final String NL = System.lineSeparator();

    @TempDir
    Path data;

    private final CliRun cli = new CliRun();
    private LocalModelRegistry registry;
    private final List<String> runs = new ArrayList<>();

    /** Versions 1 to 3, each from its own run with hold-out metrics; champion 3, whose run is then deleted. */
    @BeforeEach
    void registryWhoseChampionLostItsRun() throws IOException {
        registry = new LocalModelRegistry(data.resolve("registry"));
        for (int v = 1; v <= 3; v++) {
            String run = registry.startRun(TrainAndPromote.EXPERIMENT, Map.of());
            registry.logMetrics(run, Map.of("pr_auc", 0.5 + v / 10.0, "precision", 0.5, "recall", 0.25));
            registry.finishRun(run, true);
            assertThat(registry.registerVersion(TrainAndPromote.MODEL_NAME, run, "model")).isEqualTo(v);
            runs.add(run);
        }
        registry.setAlias(TrainAndPromote.MODEL_NAME, ModelRegistry.CHAMPION, 3);
        try (Stream<Path> walk = Files.walk(registry.root().resolve("1").resolve(runs.get(2)))) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private int alias() throws IOException {
        return Integer.parseInt(Files.readString(registry.root().resolve("models/shadow-risk/aliases/champion")));
    }

    @Test
    void promotingReplacesAChampionWhoseRunIsMissingWithAWarningNamingTheRunAndTheRegistry() throws IOException {
        assertThat(cli.run("models", "promote", "1", "--data", data.toString())).as(cli.err.toString()).isZero();

        assertThat(cli.out.toString()).isEqualTo("champion: shadow-risk:3 (run " + runs.get(2) + " missing) -> "
                + "shadow-risk:1 (run " + runs.get(0) + "; PR-AUC 0.600, precision 0.500, recall 0.250)" + NL);
        assertThat(cli.err.toString()).isEqualTo("warning: the champion shadow-risk:3 cannot be served: its run "
                + runs.get(2) + " is missing from the model registry at " + registry.root() + "; promoting version 1 "
                + "in its place" + NL);
        assertThat(alias()).isEqualTo(1);
    }

    @Test
    void theChampionIsShownWithItsMissingRunAndAVersionWithoutItsRunIsRefusedAsABrokenRegistry() throws IOException {
        assertThat(cli.run("models", "champion", "--data", data.toString())).isZero();
        assertThat(cli.out.toString()).isEqualTo("champion: shadow-risk:3 (run " + runs.get(2) + " missing) in the "
                + "model registry at " + data.resolve("registry") + NL);
        assertThat(cli.err.toString()).isEqualTo("warning: shadow-risk:3 was registered from run " + runs.get(2)
                + ", which is missing from the model registry at " + registry.root() + "; alias 'champion' points at "
                + "it; promote a version whose run exists (bin/shadow models promote VERSION) or train a new one "
                + "(bin/shadow train)" + NL);

        String refused = "error: shadow-risk:3 was registered from run " + runs.get(2) + ", which is missing from the "
                + "model registry at " + registry.root() + "; alias 'champion' stays where it was; point it at a "
                + "version whose run exists" + NL;
        cli.err.getBuffer().setLength(0);
        assertThat(cli.run("models", "promote", "3", "--data", data.toString()))
                .as("not a usage error: the registry lost the run").isEqualTo(1);
        assertThat(cli.err.toString()).as("the lost champion itself: the error alone").isEqualTo(refused);

        assertThat(cli.run("models", "promote", "2", "--data", data.toString())).isZero();
        cli.err.getBuffer().setLength(0);
        assertThat(cli.run("models", "promote", "3", "--data", data.toString())).isEqualTo(1);
        assertThat(cli.err.toString()).isEqualTo(refused);
        assertThat(alias()).isEqualTo(2);
    }

    @Test
    void promotingAVersionThatDoesNotExistNamesTheOnesThatDo() throws IOException {
        assertThat(cli.run("models", "promote", "99", "--data", data.toString())).isEqualTo(2);
        assertThat(cli.err.toString()).isEqualTo("error: model shadow-risk has no version 99 in the model registry "
                + "at " + data.resolve("registry") + "; its versions: 1, 2, 3 (`bin/shadow models list` shows their "
                + "metrics)" + NL);
        assertThat(alias()).isEqualTo(3);
    }

    @Test
    void promotingTheChampionAgainSaysNothingChanged() throws IOException {
        assertThat(cli.run("models", "promote", "2", "--data", data.toString())).isZero();
        cli.out.getBuffer().setLength(0);
        assertThat(cli.run("models", "promote", "2", "--data", data.toString())).isZero();
        assertThat(cli.out.toString()).isEqualTo("champion: shadow-risk:2 (run " + runs.get(1) + "; PR-AUC 0.700, "
                + "precision 0.500, recall 0.250) is already champion, nothing changed" + NL);
        assertThat(alias()).isEqualTo(2);
    }

    @Test
    void listShowsEveryVersionWithItsRunMetricsAndTheChampionMarked() throws IOException {
        assertThat(cli.run("models", "list", "--data", data.toString())).as(cli.err.toString()).isZero();
        assertThat(cli.out.toString().replaceAll("registered 20[-0-9T:.]+Z", "registered T")).isEqualTo(
                "versions of shadow-risk in the model registry at " + data.resolve("registry") + " (* champion):" + NL
                + "  shadow-risk:1  run " + runs.get(0) + "  registered T  PR-AUC 0.600, precision 0.500, recall 0.250"
                + NL
                + "  shadow-risk:2  run " + runs.get(1) + "  registered T  PR-AUC 0.700, precision 0.500, recall 0.250"
                + NL
                + "* shadow-risk:3  run " + runs.get(2) + "  registered T  run missing: cannot be served" + NL);
        assertThat(registry.versions(TrainAndPromote.MODEL_NAME)).extracting(v -> v.version(), v -> v.runMissing())
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, false), org.assertj.core.groups.Tuple.tuple(
                        2, false), org.assertj.core.groups.Tuple.tuple(3, true));
        assertThat(registry.versions("no-such-model")).isEmpty();
    }

    @Test
    void aDemoConfigNamingAFeedFileThatIsGoneDoesNotStopCommandsThatReadNoFeed() throws IOException {
        // the demo writes its feed's absolute path; once its folder moved, that file is gone
        Path gone = data.resolveSibling("moved-away").resolve("threat-feed.txt");
        Files.writeString(data.resolve("shadow.yaml"), "intel:\n  feeds: [" + gone + "]\n");

        assertThat(cli.run("models", "champion", "--data", data.toString())).as(cli.err.toString()).isZero();
        assertThat(cli.out.toString()).startsWith("champion: shadow-risk:3");
        assertThat(cli.err.toString()).doesNotContain("intel.feeds");
    }
}
