package io.shadow.cli;

import io.shadow.cli.config.ConfigLoader;
import io.shadow.cli.config.ShadowConfig;
import io.shadow.cli.runtime.ShadowRuntime;
import io.shadow.features.config.ConfigException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code shadow serve}: the scorer and mitigation API until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve the online scorer and the mitigation API (one process, one port).")
final class ServeCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    /** Serving without tokens: what to add, with an entry to copy (an operator's signs in to the web UI). */
    static final String NO_TOKENS = "auth.tokens is empty: every API needs a bearer token. Add tokens to the config "
            + "file, e.g. auth: {tokens: [{name: ops, token: <random, 32+ characters, e.g. from `openssl rand -hex "
            + "24`>, role: operator}]} (an operator token signs in to the web UI at /ui/; the other roles and fields: "
            + "docs/configuration.md)";

    @Option(names = "--config", description = "YAML config file (keys: docs/configuration.md).")
    Path config;

    @Option(names = "--set", description = "Override a config key, e.g. --set server.port=9090 (repeatable).")
    List<String> sets = new ArrayList<>();

    @Spec
    CommandSpec spec;

    Long reloadSeconds;

    @Option(names = "--reload-seconds",
            description = "How often to look for new baselines and a new champion model, in seconds (0: never); "
                    + "overrides scorer.reload-interval (default PT1M).")
    void reloadSeconds(long seconds) {
        reloadSeconds = OptionValues.atLeast(spec, "--reload-seconds", seconds, 0, "seconds (0: never reload)");
    }

    @Override
    public Integer call() throws Exception {
        List<String> all = new ArrayList<>(sets);
        if (reloadSeconds != null) {
            all.add("scorer.reload-interval=PT" + reloadSeconds + "S");
        }
        ShadowConfig cfg = ConfigLoader.load(config, System.getenv(), all);
        if (cfg.auth().tokens().isEmpty()) {
            throw new IllegalArgumentException(NO_TOKENS);
        }
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        onStopSignals(stop);
        // other ways out (System.exit elsewhere, a signal not handled above): the JVM halts once shutdown hooks
        // return, so wait in the hook until the drain, the requests in progress and the last checkpoint are done
        long stopSeconds = 60 + ConfigLoader.durationOrZero("server.drain-delay", cfg.server().drainDelay())
                .toSeconds() + ConfigLoader.durationOrZero("server.shutdown-timeout", cfg.server().shutdownTimeout())
                .toSeconds();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            try {
                stopped.await(stopSeconds, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "shadow-serve-shutdown"));
        try {
            ShadowRuntime started;
            try {
                started = ShadowRuntime.start(cfg);
            } catch (ConfigException e) { // a port in use, a key store that does not open: name SHADOW_X or --set
                throw ConfigLoader.withOrigin(e, System.getenv(), all);
            }
            try (ShadowRuntime rt = started) {
                System.out.println("shadow serving on " + rt.baseUrl());
                stop.await();
            }
        } finally {
            stopped.countDown();
        }
        return 0;
    }

    /**
     * SIGTERM and SIGINT (Ctrl-C) stop the service before the JVM's shutdown begins: H2 closes its
     * databases in a shutdown hook of its own, which would race ours and close the store under the
     * outbox and sweeps still using it (the embedded store's AUTO_SERVER rules out DB_CLOSE_ON_EXIT=FALSE).
     * A second signal stops at once, without the last checkpoint.
     */
    private static void onStopSignals(CountDownLatch stop) {
        AtomicBoolean stopping = new AtomicBoolean();
        for (String name : List.of("TERM", "INT")) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), s -> {
                    if (stopping.compareAndSet(false, true)) {
                        LOG.info("SIG{}: stopping (a second signal stops at once, without the last checkpoint)", name);
                        stop.countDown();
                    } else {
                        Runtime.getRuntime().halt(128 + s.getNumber());
                    }
                });
            } catch (IllegalArgumentException notOnThisPlatform) {
                // the shutdown hook in call() still stops the service, racing H2's own close
            }
        }
    }
}
