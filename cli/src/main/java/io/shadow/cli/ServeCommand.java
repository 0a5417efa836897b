package io.shadow.cli;

import io.shadow.cli.config.ConfigLoader;
import io.shadow.cli.config.ShadowConfig;
import io.shadow.cli.runtime.ShadowRuntime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code shadow serve}: the scorer and mitigation API until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve the online scorer and the mitigation API (one process, one port).")
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--config", description = "YAML config file (keys: docs/configuration.md).")
    Path config;

    @Option(names = "--set", description = "Override a config key, e.g. --set server.port=9090 (repeatable).")
    List<String> sets = new ArrayList<>();

    @Option(names = "--reload-seconds", defaultValue = "60",
            description = "How often to look for new baselines and a new champion model (default: ${DEFAULT-VALUE}).")
    long reloadSeconds;

    @Override
    public Integer call() throws Exception {
        ShadowConfig cfg = ConfigLoader.load(config, System.getenv(), sets);
        if (cfg.auth().tokens().isEmpty()) {
            throw new IllegalArgumentException("auth.tokens is empty: every API needs a bearer token. Add tokens to "
                    + "the config file (see docs/configuration.md)");
        }
        CountDownLatch stop = new CountDownLatch(1);
        try (ShadowRuntime rt = ShadowRuntime.start(cfg)) {
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            System.out.println("shadow serving on " + rt.baseUrl());
            while (!stop.await(reloadSeconds, java.util.concurrent.TimeUnit.SECONDS)) {
                String changed = rt.reload();
                if (!changed.isEmpty()) {
                    System.out.println("reloaded " + changed);
                }
            }
        }
        return 0;
    }
}
