package io.shadow.cli.runtime;

import io.javalin.Javalin;
import io.shadow.cli.config.ConfigLoader;
import io.shadow.cli.config.FeedFiles;
import io.shadow.cli.config.HostTokenTenants;
import io.shadow.cli.config.ResolvedPaths;
import io.shadow.cli.config.ShadowConfig;
import io.shadow.features.config.ConfigFolders;
import io.shadow.features.signal.Assessment;
import io.shadow.features.table.KernelTableReader;
import io.shadow.mitigation.MitigationService;
import io.shadow.mitigation.api.Caller;
import io.shadow.mitigation.api.MitigationRoutes;
import io.shadow.mitigation.api.Role;
import io.shadow.mitigation.api.ServiceApp;
import io.shadow.mitigation.api.Tls;
import io.shadow.mitigation.api.Tokens;
import io.shadow.mitigation.engine.MitigationHandoff;
import io.shadow.mitigation.engine.Outcome;
import io.shadow.mitigation.profile.ProfileLoader;
import io.shadow.mitigation.profile.ProfileSet;
import io.shadow.mitigation.store.Database;
import io.shadow.model.intel.ThreatIndicatorTable;
import io.shadow.model.risk.ResourceRisk;
import io.shadow.scorer.AssessmentSink;
import io.shadow.scorer.DeltaBaselines;
import io.shadow.scorer.DeltaThreatIntel;
import io.shadow.scorer.OnlineScorer;
import io.shadow.scorer.RiskModelHolder;
import io.shadow.scorer.ScorerRoutes;
import io.shadow.scorer.ScorerService;
import io.shadow.scorer.ScorerSettings;
import io.shadow.scorer.state.StateCheckpoints;
import io.shadow.spark.training.TrainAndPromote;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Shadow service: the online scorer and the mitigation API in one process and one
 * HTTP server, the scorer handing assessments to the engine in-process. Wiring only.
 */
public final class ShadowRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShadowRuntime.class);
    /** Under data-dir: assessments not yet mitigated when the service stopped during a store outage. */
    public static final String HELD_FILE = "held-assessments.jsonl";
    private final ShadowConfig config;
    private final ResolvedPaths paths;
    private final MitigationService mitigation;
    private final MitigationHandoff handoff;
    private final ScorerService scorer;
    private final Javalin app;
    private final DataDirLock dataDirLock;
    private final java.time.Duration drainDelay;
    private final java.time.Duration shutdownTimeout;
    private String scheme;

    /** After {@link #start}'s checks, holding the data-dir. */
    private ShadowRuntime(ShadowConfig config, Tokens tokens, ProfileSet profiles, ResolvedPaths paths,
            DataDirLock dataDirLock) {
        this.config = config;
        this.dataDirLock = dataDirLock;
        var srv = config.server();
        this.paths = paths;
        ScorerSettings scorerSettings = config.scorer().toSettings(paths.dataDir());
        if (scorerSettings.checkpointDir() != null) {
            // the scorer checks it too, but only after the store has opened: refuse before anything starts
            ConfigFolders.prepare(StateCheckpoints.KEY, scorerSettings.checkpointDir());
        }
        Database db = Database.open(paths.jdbcUrl(), config.store().user(), config.store().password());
        try {
            this.mitigation = new MitigationService(db, profiles, config.profiles().isBlank() ? null
                    : config.profiles(), Clock.systemUTC(),
                    ConfigLoader.duration("mitigation.incident-window", config.mitigation().incidentWindow()),
                    ConfigLoader.duration("mitigation.expiry-sweep", config.mitigation().expirySweep()),
                    MitigationWiring.options(config, paths, null));
        } catch (RuntimeException e) {
            db.close(); // profiles refused: nothing else was started
            throw e;
        }
        // assessments scored while the store is down are held and handed over when it is back
        this.handoff = new MitigationHandoff(mitigation.engine(), config.mitigation().maxHeld(),
                ConfigLoader.duration("mitigation.held-retry", config.mitigation().heldRetry()), Clock.systemUTC(),
                paths.dataDir().resolve(HELD_FILE));
        RiskModelHolder models = new RiskModelHolder(paths.openRegistry(),
                TrainAndPromote.MODEL_NAME);
        KernelTableReader kernel = new KernelTableReader();
        this.scorer = new ScorerService(config.detector().toDetectorConfig(),
                new DeltaBaselines(kernel, paths.catalog()), new DeltaThreatIntel(kernel, paths.catalog(),
                        config.intel().feeds().stream().map(Path::of).toList(), config.intel().networkScope()),
                ResourceRisk.defaults(), models,
                new HandoffSink(handoff), scorerSettings);
        MitigationRoutes mitigationRoutes = new MitigationRoutes(mitigation);
        Tls tls = srv.tlsKeyStore().isBlank() ? null : new Tls(Path.of(srv.tlsKeyStore()), srv.tlsPassword());
        this.drainDelay = ConfigLoader.durationOrZero("server.drain-delay", srv.drainDelay());
        this.shutdownTimeout = ConfigLoader.durationOrZero("server.shutdown-timeout", srv.shutdownTimeout());
        ServiceApp.Options http = new ServiceApp.Options(srv.maxRequestBytes(),
                ConfigLoader.duration("server.body-timeout", srv.bodyTimeout()), shutdownTimeout, srv.maxBodiesBytes(),
                srv.maxConnections());
        this.app = ServiceApp.create(tokens, http, tls, srv.host(), srv.port(), cfg -> {
            scorer.register(cfg);
            mitigationRoutes.register(cfg);
            ServiceApp.openApi(cfg, List.of(ScorerRoutes.OPENAPI, MitigationRoutes.OPENAPI));
        });
        try {
            if (tls == null) {
                app.start(srv.host(), srv.port());
            } else {
                app.start();
            }
        } catch (io.javalin.util.JavalinBindException e) {
            // what changed since ServerPort looked (another process took the port), named as ServerPort names it
            scorer.close();
            handoff.close();
            mitigation.close();
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof java.net.BindException b) {
                    throw ServerPort.refused(srv.host(), srv.port(), b);
                }
            }
            throw e;
        }
        this.scheme = tls == null ? "http" : "https";
    }

    public static ShadowRuntime start(ShadowConfig config) {
        HostTokenTenants.warnings(config).forEach(LOG::warn);
        Tokens tokens = tokens(config);
        FeedFiles.unreadable(config.intel().feeds(), () -> ThreatIndicatorTable.currentVersion(
                new KernelTableReader(), ResolvedPaths.of(config).catalog()) >= 0).forEach(LOG::warn);
        var srv = config.server();
        // before anything is created or opened: a wrong host, a taken port or a wrong key store is the user's to fix
        ServerPort.checkFree(srv.host(), srv.port());
        if (!srv.tlsKeyStore().isBlank()) {
            ServerKeyStore.check(Path.of(srv.tlsKeyStore()), srv.tlsPassword());
        }
        // a profiles file that does not load is refused before the data-dir, its lock and the store are touched
        ProfileSet profiles = config.profiles().isBlank() ? ProfileLoader.defaults()
                : ProfileLoader.load(Path.of(config.profiles()));
        ResolvedPaths paths = ResolvedPaths.of(config).prepareDataDir();
        DataDirLock lock = DataDirLock.acquire(paths.dataDir(), "serving " + srv.host() + ":" + srv.port());
        try {
            ShadowRuntime started = new ShadowRuntime(config, tokens, profiles, paths, lock);
            try {
                lock.serving("serving " + srv.host() + ":" + started.port()); // port 0 is a real one now
            } catch (java.io.IOException e) {
                LOG.warn("could not note the port in {}: {}", paths.dataDir().resolve(DataDirLock.FILE), e.toString());
            }
            return started;
        } catch (RuntimeException | Error e) {
            lock.close();
            throw e;
        }
    }

    public static Tokens tokens(ShadowConfig config) {
        Map<String, Caller> m = new HashMap<>();
        for (ShadowConfig.Token t : config.auth().tokens()) {
            // ConfigLoader refuses this with both names; a config built in code must not merge callers either
            if (m.put(t.token(), new Caller(t.name(), Role.fromWire(t.role()), t.tenant(), t.principal())) != null) {
                throw new IllegalArgumentException("auth.tokens[" + t.name() + "].token is also another entry's "
                        + "token; give each entry its own");
            }
        }
        return new Tokens(m);
    }

    /**
     * Picks up newer baselines, pattern history, threat indicators and champion model now (the scorer also does so
     * every {@code scorer.reload-interval}); returns what changed.
     */
    public String reload() {
        return scorer.reload();
    }

    public int port() {
        return ServiceApp.port(app);
    }

    public String baseUrl() {
        return scheme + "://" + config.server().host() + ":" + port();
    }

    public OnlineScorer scorer() {
        return scorer.scorer();
    }

    public ScorerService scorerService() {
        return scorer;
    }

    public MitigationService mitigation() {
        return mitigation;
    }

    public ResolvedPaths paths() {
        return paths;
    }

    /**
     * Stops gracefully: {@code /ready} answers 503 at once while everything else is still served for
     * {@code server.drain-delay} (for load balancers to stop sending here); then the server stops
     * accepting and lets the requests in progress finish, up to {@code server.shutdown-timeout};
     * then the scorer writes its last checkpoint and the store closes.
     */
    @Override
    public void close() {
        scorer.drain();
        try {
            if (!drainDelay.isZero()) {
                LOG.info("stopping: /ready answers 503; still serving for {} (server.drain-delay)", drainDelay);
                try {
                    Thread.sleep(drainDelay.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // stop now: the requests in progress still get their time
                }
            }
            mitigation.stream().close(); // open streams never end by themselves: they would take the whole grace
            try {
                app.stop(); // waits for the requests in progress, up to server.shutdown-timeout
            } catch (RuntimeException e) {
                LOG.warn("requests still in progress after {} (server.shutdown-timeout) were cut off: {}",
                        shutdownTimeout, e.getCause() != null ? e.getCause() : e.getMessage());
            }
            scorer.close();
            handoff.close();
            mitigation.close();
        } finally {
            dataDirLock.close();
        }
    }

    /** The scorer's side of the hand-off: "mitigated high", "held high", … for its answer. */
    private record HandoffSink(MitigationHandoff handoff) implements AssessmentSink {
        @Override
        public String accept(Assessment assessment) {
            Outcome o = handoff.accept(assessment);
            return o.kind() + " " + o.band().wireName();
        }

        @Override
        public int held() {
            return handoff.held();
        }

        @Override
        public long dropped() {
            return handoff.dropped();
        }
    }
}
