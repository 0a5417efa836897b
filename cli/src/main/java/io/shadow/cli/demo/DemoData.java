package io.shadow.cli.demo;

import io.shadow.agents.simulate.ScenarioLabels;
import io.shadow.agents.simulate.Workload;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the demo leaves in its data directory for later use (backtests, notebooks, {@code serve}):
 * the live phase's scenario labels, and a {@code shadow.yaml} that points every command at the
 * tables, registry, store and threat feed there (no tokens: those of a demo run are throwaway).
 */
final class DemoData {
    static final String CONFIG = "shadow.yaml";

    private DemoData() {
    }

    /** Writes the labels and the config; returns the labels file. */
    static Path write(Path work, Workload w, Path threatFeed) throws IOException {
        Path labels = work.resolve(ScenarioLabels.FILE);
        ScenarioLabels.of(w).write(labels);
        String yaml = "# written by bin/shadow demo: the demo's data, for backtest, nightly and notebooks\n"
                + "data-dir: " + quote(work) + "\n"
                + "intel:\n  feeds: [" + quote(threatFeed) + "]\n";
        Files.writeString(work.resolve(CONFIG), yaml, StandardCharsets.UTF_8);
        return labels;
    }

    private static String quote(Path p) {
        return "\"" + p.toAbsolutePath().toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
