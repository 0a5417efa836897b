package io.shadow.cli;

import io.shadow.cli.config.ConfigLoader;
import io.shadow.cli.config.ShadowConfig;
import io.shadow.features.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Options that point a command at one installation's data: {@code --data DIR} (a {@code shadow.yaml}
 * in it, as the demo leaves, is read as the config when none is given), {@code --config FILE} and
 * {@code --set key=value}.
 */
final class InstallationOptions {
    @Option(names = "--data", description = "Data directory of the installation (sets data-dir); a shadow.yaml "
            + "in it, as the demo leaves, is read as --config when none is given.")
    Path data;

    @Option(names = "--config", description = "YAML config file (keys: docs/configuration.md).")
    Path config;

    @Option(names = "--set", description = "Override a config key, e.g. --set detector.threshold=6 (repeatable).")
    List<String> sets = new ArrayList<>();

    ShadowConfig load() {
        Path file = config;
        List<String> overrides = new ArrayList<>();
        if (data != null) {
            if (!Files.exists(data)) {
                // every command taking --data reads an installation: a mistyped path is not "nothing there yet"
                throw new IllegalArgumentException("--data " + data + ": no such folder; give the data folder of an "
                        + "installation (data-dir of its shadow.yaml, e.g. .shadow/demo after bin/shadow demo)");
            }
            overrides.add("data-dir=" + data.toAbsolutePath());
            if (file == null && Files.isRegularFile(data.resolve("shadow.yaml"))) {
                file = data.resolve("shadow.yaml");
            }
        }
        overrides.addAll(sets);
        try {
            return ConfigLoader.load(file, System.getenv(), overrides);
        } catch (ConfigException e) {
            // --data reaches the loader as a --set of data-dir; the user typed --data (unless a --set came after it)
            boolean fromData = data != null && "data-dir".equals(e.key())
                    && sets.stream().noneMatch(s -> s.startsWith("data-dir="));
            throw fromData ? e.from("--data") : e;
        }
    }
}
