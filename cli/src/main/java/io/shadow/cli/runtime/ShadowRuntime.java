package io.shadow.cli.runtime;

import io.javalin.Javalin;
import io.shadow.cli.config.ConfigLoader;
import io.shadow.cli.config.ResolvedPaths;
import io.shadow.cli.config.ShadowConfig;
import io.shadow.features.baseline.BaselineSnapshot;
import io.shadow.features.baseline.BaselineSnapshotReader;
import io.shadow.features.table.KernelTableReader;
import io.shadow.mitigation.MitigationService;
import io.shadow.mitigation.api.Caller;
import io.shadow.mitigation.api.MitigationRoutes;
import io.shadow.mitigation.api.Role;
import io.shadow.mitigation.api.ServiceApp;
import io.shadow.mitigation.api.Tls;
import io.shadow.mitigation.api.Tokens;
import io.shadow.mitigation.engine.Outcome;
import io.shadow.mitigation.profile.ProfileLoader;
import io.shadow.mitigation.profile.ProfileSet;
import io.shadow.mitigation.store.Database;
import io.shadow.model.intel.ThreatIndicatorTable;
import io.shadow.model.registry.LocalModelRegistry;
import io.shadow.model.risk.PatternHistory;
import io.shadow.model.risk.ResourceRisk;
import io.shadow.scorer.OnlineScorer;
import io.shadow.scorer.RiskModelHolder;
import io.shadow.scorer.ScorerRoutes;
import io.shadow.spark.training.TrainAndPromote;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Shadow service: the online scorer and the mitigation API in one process and one
 * HTTP server, the scorer handing assessments to the engine in-process. Wiring only.
 */
public final class ShadowRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShadowRuntime.class);

    private final ShadowConfig config;
    private final ResolvedPaths paths;
    private final MitigationService mitigation;
    private final OnlineScorer scorer;
    private final RiskModelHolder models;
    private final Javalin app;
    private final BaselineSnapshotReader baselines;
    private final KernelTableReader kernel;
    private final java.util.List<Path> feeds;
    private long intelVersion;
    private String scheme;

    private ShadowRuntime(ShadowConfig config, Tokens tokens) {
        this.config = config;
        this.paths = ResolvedPaths.of(config);
        ProfileSet profiles = config.profiles().isBlank() ? ProfileLoader.defaults()
                : ProfileLoader.load(Path.of(config.profiles()));
        Database db = Database.open(paths.jdbcUrl(), config.store().user(), config.store().password());
        this.mitigation = new MitigationService(db, profiles, Clock.systemUTC(),
                ConfigLoader.duration("mitigation.incident-window", config.mitigation().incidentWindow()),
                ConfigLoader.duration("mitigation.expiry-sweep", config.mitigation().expirySweep()));
        this.kernel = new KernelTableReader();
        this.baselines = new BaselineSnapshotReader(kernel, paths.catalog());
        this.feeds = config.intel().feeds().stream().map(Path::of).toList();
        ThreatIndicatorTable.Loaded intel = ThreatIndicatorTable.load(kernel, paths.catalog(), feeds);
        this.intelVersion = intel.tableVersion();
        this.models = new RiskModelHolder(new LocalModelRegistry(paths.registry()), TrainAndPromote.MODEL_NAME);
        models.refresh();
        BaselineSnapshot snapshot = baselines.read();
        var d = config.detector();
        this.scorer = new OnlineScorer(d.toDetectorConfig(), snapshot, intel.intel(),
                PatternHistory.read(kernel, paths.catalog()),
                ResourceRisk.defaults(), models, a -> {
                    Outcome o = mitigation.engine().handle(a);
                    return o.kind() + " " + o.band().wireName();
                });
        LOG.info("scorer ready: model {}, baselines v{} ({} entities), {} threat indicators from {}",
                models.get().id(), snapshot.version(), snapshot.size(), intel.intel().size(), intel.from());
        MitigationRoutes mitigationRoutes = new MitigationRoutes(mitigation.engine());
        ScorerRoutes scorerRoutes = new ScorerRoutes(scorer);
        var srv = config.server();
        Tls tls = srv.tlsKeyStore().isBlank() ? null : new Tls(Path.of(srv.tlsKeyStore()), srv.tlsPassword());
        this.app = ServiceApp.create(tokens, srv.maxRequestBytes(), tls, srv.host(), srv.port(), cfg -> {
            scorerRoutes.register(cfg);
            mitigationRoutes.register(cfg);
        });
        if (tls == null) {
            app.start(srv.host(), srv.port());
        } else {
            app.start();
        }
        this.scheme = tls == null ? "http" : "https";
    }

    public static ShadowRuntime start(ShadowConfig config) {
        return new ShadowRuntime(config, tokens(config));
    }

    public static Tokens tokens(ShadowConfig config) {
        Map<String, Caller> m = new HashMap<>();
        for (ShadowConfig.Token t : config.auth().tokens()) {
            m.put(t.token(), new Caller(t.name(), Role.fromWire(t.role()), t.principal()));
        }
        return new Tokens(m);
    }

    /** Picks up newer baselines, pattern history, threat indicators and champion model; returns what changed. */
    public String reload() {
        StringBuilder changed = new StringBuilder();
        long v = baselines.currentVersion();
        if (v != scorer.detector().snapshot().version()) {
            scorer.update(baselines.read(), null, PatternHistory.read(kernel, paths.catalog()));
            changed.append("baselines v").append(v).append(' ');
        }
        if (ThreatIndicatorTable.currentVersion(kernel, paths.catalog()) != intelVersion) {
            ThreatIndicatorTable.Loaded intel = ThreatIndicatorTable.load(kernel, paths.catalog(), feeds);
            scorer.update(null, intel.intel(), null);
            intelVersion = intel.tableVersion();
            changed.append("threat indicators v").append(intelVersion).append(' ');
        }
        if (models.refresh()) {
            changed.append("model ").append(models.get().id());
        }
        return changed.toString().trim();
    }

    public int port() {
        return ServiceApp.port(app);
    }

    public String baseUrl() {
        return scheme + "://" + config.server().host() + ":" + port();
    }

    public OnlineScorer scorer() {
        return scorer;
    }

    public MitigationService mitigation() {
        return mitigation;
    }

    public ResolvedPaths paths() {
        return paths;
    }

    @Override
    public void close() {
        app.stop();
        models.close();
        mitigation.close();
    }
}
