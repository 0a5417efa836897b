package io.shadow.cli;

import io.shadow.agents.simulate.WorkloadConfig;
import io.shadow.cli.demo.Demo;
import io.shadow.cli.demo.DemoWorkdir;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One demo run shared by the integration tests of this module (Failsafe runs them in one JVM): the
 * whole loop on the default workload, its data left in {@code target/notebook-data/demo} where the
 * backtest and notebook tests read it, and its output in {@code target/notebook-data/demo.log}.
 */
final class DemoFixture {
    static final Path ROOT = Path.of("target", "notebook-data").toAbsolutePath();

    /** The run, with what it printed. */
    record Run(Demo.Result result, String output, Path dataDir) {
    }

    private static Run run;

    private DemoFixture() {
    }

    static synchronized Run get() throws IOException, InterruptedException {
        if (run == null) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            Path data = ROOT.resolve("demo");
            if (!Files.exists(data.resolve(DemoWorkdir.MARKER))) {
                Demo.deleteRecursively(data); // left by a build from before the demo marked its folder
            }
            Demo.Result r = new Demo(new Demo.Options(data, WorkloadConfig.defaults(), "local[2]", 500),
                    new PrintStream(buf, true, StandardCharsets.UTF_8)).run();
            String output = buf.toString(StandardCharsets.UTF_8);
            Files.writeString(ROOT.resolve("demo.log"), output);
            run = new Run(r, output, data);
        }
        return run;
    }
}
