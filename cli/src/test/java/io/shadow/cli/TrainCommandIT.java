package io.shadow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.cli.demo.Demo;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code bin/shadow train} on the demo's gold training set ({@link DemoFixture}), copied with the
 * registry so that the versions it registers stay out of the demo's data.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrainCommandIT {
    private Path data;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    void copyTheDemosTrainingSetAndRegistry() throws Exception {
        Path demo = DemoFixture.get().dataDir();
        data = DemoFixture.ROOT.resolve("train-it");
        Demo.deleteRecursively(data);
        copy(demo.resolve("warehouse/gold/training_set"), data.resolve("warehouse/gold/training_set"));
        copy(demo.resolve("registry"), data.resolve("registry"));
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    private int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        return Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    }

    @Test
    void aWindowPastTheTrainingSetNamesTheOptionAndTheSpanTheSetHolds() {
        assertThat(run("train", "--data", data.toString(), "--from", "2030-01-01")).isEqualTo(2);
        assertThat(err.toString()).startsWith("error: no training examples from --from 2030-01-01 on in ")
                .containsPattern("; it holds \\d+ examples from 2026-11-\\d\\dT[0-9:.]+Z to 2026-11-\\d\\dT[0-9:.]+Z: "
                        + "choose --from/--to inside that span, or leave them out to train on all")
                .doesNotContain("+10000");
    }

    @Test
    void aChallengerRegisteredWithoutPromotionReportsReadableFigures() {
        assertThat(run("train", "--data", data.toString(), "--promote", "never")).as(err.toString()).isZero();
        assertThat(out.toString()).containsPattern("registered shadow-risk:2 \\(run \\w+\\): hold-out PR-AUC [0-9.]+, "
                + "precision ([0-9.]+|n/a \\(no positive predictions\\)), recall [0-9.]+")
                .contains("vs champion shadow-risk:1").doesNotContain("NaN").doesNotContain("promoted; not promoted");
        assertThat(run("models", "champion", "--data", data.toString())).isZero();
        assertThat(out.toString()).startsWith("champion: shadow-risk:1 (run ").contains("in the model registry at "
                + data.resolve("registry"));
    }
}
