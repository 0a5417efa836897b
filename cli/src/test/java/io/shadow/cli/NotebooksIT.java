package io.shadow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Executes every notebook under {@code notebooks/} top to bottom with papermill against the data the
 * demo leaves ({@link DemoFixture}), with the CLI the notebooks call run from this build's classes.
 * Any cell error fails the test; the executed notebooks and their plots land in
 * {@code target/notebook-output/<notebook>/}. With an MLflow server ({@code SHADOW_TEST_MLFLOW_URI})
 * the retraining notebook runs a second time without one, as it does for a data scientist by default.
 */
class NotebooksIT {
    private static final Path NOTEBOOKS = Path.of("..", "notebooks").toAbsolutePath().normalize();
    private static final Path OUTPUT = Path.of("target", "notebook-output").toAbsolutePath();

    @TestFactory
    Stream<DynamicTest> everyNotebookRunsCleanAndSavesItsPlots() throws Exception {
        String python = System.getenv("SHADOW_TEST_PYTHON");
        Assumptions.assumeTrue(python != null && !python.isBlank(),
                "SHADOW_TEST_PYTHON is unset: `eval \"$(bin/test-services start)\"` provides the venv with papermill");
        List<Path> notebooks;
        try (Stream<Path> s = Files.list(NOTEBOOKS)) {
            notebooks = s.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
        }
        assertThat(notebooks).as("notebooks in " + NOTEBOOKS).hasSizeGreaterThanOrEqualTo(3);
        // a copy: the retraining notebook moves the champion, which the other tests of the shared run rely on
        Path data = copyWithoutSpools(DemoFixture.get().dataDir(), DemoFixture.ROOT.resolve("notebooks"));
        Files.createDirectories(OUTPUT);
        Path cli = shadowLauncher();
        String mlflow = System.getenv("SHADOW_TEST_MLFLOW_URI");
        Stream<DynamicTest> each = notebooks.stream().map(nb -> DynamicTest.dynamicTest(nb.getFileName().toString(),
                () -> execute(python, nb, data, cli, nb.getFileName().toString().replace(".ipynb", ""), mlflow)));
        if (mlflow == null || mlflow.isBlank()) {
            return each; // the run above already used the default
        }
        // what a data scientist gets without an MLflow server: a sqlite store under output_dir (about a minute more)
        Path retrain = NOTEBOOKS.resolve("retrain_and_promote.ipynb");
        return Stream.concat(each, Stream.of(DynamicTest.dynamicTest("retrain_and_promote.ipynb, mlflow_uri empty",
                () -> {
                    execute(python, retrain, data, cli, "retrain_and_promote-default-mlflow", null);
                    assertThat(OUTPUT.resolve("retrain_and_promote-default-mlflow").resolve("mlflow.db"))
                            .as("the comparison run went to the sqlite store under output_dir").isNotEmptyFile();
                })));
    }

    private static void execute(String python, Path notebook, Path data, Path cli, String name, String mlflow)
            throws Exception {
        Path out = OUTPUT.resolve(name);
        Files.createDirectories(out);
        List<String> cmd = new ArrayList<>(List.of(python, "-m", "papermill", notebook.toString(),
                out.resolve(name + ".ipynb").toString(), "--cwd", NOTEBOOKS.toString(), "--log-output",
                "-p", "data_dir", data.toString(), "-p", "output_dir", out.toString(),
                "-p", "shadow_cmd", cli.toString()));
        if (mlflow != null && !mlflow.isBlank()) {
            cmd.addAll(List.of("-p", "mlflow_uri", mlflow));
        }
        Path log = out.resolve("papermill.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(20, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail(name + " did not finish in 20 minutes; see " + log);
        }
        if (p.exitValue() != 0) {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            fail(name + " failed (papermill exit " + p.exitValue() + "); executed notebook in " + out + ":\n"
                    + text.substring(Math.max(0, text.length() - 6000)));
        }
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files.filter(f -> f.toString().endsWith(".png")).toList()).as(name + " saved its plots in "
                    + out).isNotEmpty();
        }
    }

    private static Path copyWithoutSpools(Path from, Path to) throws IOException {
        io.shadow.cli.demo.Demo.deleteRecursively(to);
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path rel = from.relativize(p);
                if (rel.startsWith("agent")) {
                    continue;
                }
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to.resolve(rel.toString()));
                } else {
                    Files.copy(p, to.resolve(rel.toString()));
                }
            }
        }
        return to;
    }

    /** A {@code shadow} launcher running this build's CLI, as {@code bin/shadow} would, for the notebooks. */
    private static Path shadowLauncher() throws IOException {
        List<String> jvm = new ArrayList<>();
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-opens") || a.startsWith("-Djdk.") || a.startsWith("-Dio.netty")) {
                jvm.add(a);
            }
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String script = "#!/bin/sh\n# runs this build's Shadow CLI for the notebook tests\nexec '" + java + "' -Xmx1g "
                + String.join(" ", jvm) + " -cp '" + System.getProperty("java.class.path") + "' io.shadow.cli.Main \"$@\"\n";
        Path launcher = OUTPUT.resolve("shadow");
        Files.writeString(launcher, script);
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        return launcher;
    }
}
