package io.shadow.cli.demo;

import io.shadow.agents.ship.LandingZoneShipper;
import io.shadow.agents.ship.ScorerShipper;
import io.shadow.agents.simulate.EnforcedReplay;
import io.shadow.agents.simulate.ObservedMitigation;
import io.shadow.agents.simulate.ScenarioScorecard;
import io.shadow.agents.simulate.Workload;
import io.shadow.agents.simulate.WorkloadConfig;
import io.shadow.agents.simulate.WorkloadGenerator;
import io.shadow.agents.spool.Spool;
import io.shadow.cli.config.ConfigLoader;
import io.shadow.cli.config.ResolvedPaths;
import io.shadow.cli.config.ShadowConfig;
import io.shadow.cli.runtime.ShadowRuntime;
import io.shadow.features.ActivityEvent;
import io.shadow.features.EntityKey;
import io.shadow.features.EntityKind;
import io.shadow.features.files.FileTrees;
import io.shadow.features.json.EventCodec;
import io.shadow.features.table.ShadowTable;
import io.shadow.mitigation.MitigationService;
import io.shadow.mitigation.profile.ProfileLoader;
import io.shadow.mitigation.store.ActionRecord;
import io.shadow.mitigation.store.Database;
import io.shadow.mitigation.store.Incident;
import io.shadow.mitigation.store.Mitigation;
import io.shadow.mitigation.store.MitigationStore;
import io.shadow.model.registry.ModelRegistry;
import io.shadow.model.risk.ModelMetrics;
import io.shadow.model.risk.ResourceRisk;
import io.shadow.model.risk.RiskModelTrainer;
import io.shadow.spark.DeltaTables;
import io.shadow.spark.SparkSessions;
import io.shadow.spark.feedback.FeedbackImportJob;
import io.shadow.spark.nightly.NightlyConfig;
import io.shadow.spark.nightly.NightlyPipeline;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The whole Shadow loop on embedded defaults, as {@code bin/shadow demo} runs it: workload →
 * agent spool → landing zone → Spark ingest, features, baselines, training set → TF risk model in
 * the local registry → scorer and mitigation API → live day replayed over HTTP → mitigations
 * before notifications → an operator's reject and approve → feedback imported for the next night.
 * Wiring and printing only; every step is a product component. It runs on the {@code shadow.yaml} it
 * leaves in its folder (with another port), whose tokens let {@code serve} show the result in the web UI.
 */
public final class Demo {
    /** Options of one demo run. */
    public record Options(Path workDir, WorkloadConfig workload, String sparkMaster, int batchSize) {
    }

    /** What the run produced, for tests. */
    public record Result(ScenarioScorecard scorecard, List<Mitigation> mitigations, ShadowConfig config,
            String rejected, String approved, long feedbackRows) {
    }

    private final Options options;
    private final PrintStream out;
    private final Instant started = Instant.now();
    private int step;

    public Demo(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public Result run() throws IOException, InterruptedException {
        Path work = DemoWorkdir.standard().prepare(options.workDir());
        Path feed = work.resolve("threat-feed.txt");
        Files.write(feed, WorkloadGenerator.threatFeed(), StandardCharsets.UTF_8);
        Path config = DemoData.writeConfig(work, feed);
        // the file the demo leaves, as serve reads it (no environment), on a free port
        ShadowConfig cfg = ConfigLoader.load(config, Map.of(), List.of("server.port=0",
                "spark.master=" + options.sparkMaster(), "spark.shuffle-partitions=4"));
        String operatorToken = DemoData.token(cfg, DemoData.OPERATOR);
        String agentToken = DemoData.token(cfg, DemoData.AGENT);
        String gatewayToken = DemoData.token(cfg, DemoData.GATEWAY);
        ResolvedPaths paths = ResolvedPaths.of(cfg);

        header("Generating the workload");
        Workload w = WorkloadGenerator.generate(options.workload());
        long principals = w.history().stream().map(ActivityEvent::principal).filter(p -> p != null).distinct().count();
        say("%d principals, %d hosts, %d history events over %d days, %d live events on %s",
                principals, w.history().stream().map(ActivityEvent::host).filter(h -> h != null).distinct().count(),
                w.history().size(), options.workload().historyDays(), w.live().size(),
                options.workload().liveStart().toString().substring(0, 10));
        say("injected attacks: %s", w.attacks().stream().map(a -> a.name()).toList());
        say("benign but unusual: %s", w.benign().stream().map(b -> b.name()).toList());
        say("ground truth for grading (never shown to the detector): %s", DemoData.write(work, w));

        header("Agent: durable spool -> landing zone");
        long shipped;
        try (Spool spool = Spool.open(work.resolve("agent/spool-history"), 64L << 20, 4L << 30)) {
            append(spool, w.history());
            LandingZoneShipper shipper = new LandingZoneShipper(spool, paths.catalog().landingZone(), "demo-agent",
                    5_000, new org.apache.hadoop.conf.Configuration());
            shipped = shipper.drain();
            shipper.close();
        }
        say("%d events acknowledged by the spool (CRC-checked segments, fsync per batch) and shipped to %s",
                shipped, paths.landingEvents());

        header("Mitigation store: the security team's past reviews");
        try (Database db = Database.open(paths.jdbcUrl(), cfg.store().user(), cfg.store().password());
             MitigationService svc = new MitigationService(db, ProfileLoader.defaults(), Clock.systemUTC(),
                     Duration.ofHours(2), Duration.ofSeconds(30))) {
            PastDecisions.load(svc.engine(), w.pastIncidents());
        }
        say("%d reviewed episodes loaded (%d confirmed incidents, %d rejected false alarms) into %s",
                w.pastIncidents().size(), w.pastIncidents().stream().filter(p -> p.confirmed()).count(),
                w.pastIncidents().stream().filter(p -> !p.confirmed()).count(),
                io.shadow.features.config.Credentials.redact(paths.jdbcUrl()));

        header("Nightly run on Spark " + options.sparkMaster());
        SparkSession spark = SparkSessions.create("shadow-demo", options.sparkMaster(), 4);
        spark.sparkContext().setLogLevel("ERROR");
        try {
            ModelRegistry registry = paths.openRegistry();
            NightlyConfig nightly = new NightlyConfig(paths.catalog(), paths.landingEvents(), paths.jdbcUrl(),
                    cfg.store().user(), cfg.store().password(), registry, List.of(feed), null,
                    cfg.detector().toDetectorConfig(), ResourceRisk.defaults(), RiskModelTrainer.Settings.defaults(),
                    cfg.scorer().maxTransferBytes(), cfg.scorer().defaultTenant(), null, null,
                    cfg.intel().networkScope());
            new NightlyPipeline(spark, nightly, out::println).run();
            say("registry %s: champion %s", paths.registryLocation(),
                    registry.version(io.shadow.spark.training.TrainAndPromote.MODEL_NAME, ModelRegistry.CHAMPION)
                            .map(v -> v.id() + " (" + ModelMetrics.describe(v.metrics()) + ")").orElse("none"));

            header("Scorer and mitigation API");
            Result result;
            try (ShadowRuntime rt = ShadowRuntime.start(cfg)) {
                say("listening on %s; model %s, baselines v%d for %d entities",
                        rt.baseUrl(), rt.scorer().models().get().id(), rt.scorer().detector().snapshot().version(),
                        rt.scorer().detector().snapshot().size());
                header("Live day replayed over HTTP (agent spool -> scorer, " + options.batchSize() + " per batch; "
                        + "every request asks the gateway decision endpoint first)");
                replay(rt, w, work, agentToken, gatewayToken, paths);
                List<Mitigation> mitigations = live(rt.mitigation().store());
                ScenarioScorecard card = ScenarioScorecard.score(w.attacks(), observed(rt.mitigation().store(),
                        mitigations));

                header("An operator (token " + DemoData.OPERATOR.name() + ") reviews the mitigations through the API");
                ApiClient api = new ApiClient(rt.baseUrl(), operatorToken);
                ApiClient gateway = new ApiClient(rt.baseUrl(), gatewayToken);
                String[] decided = decide(api, gateway, rt.mitigation().store(), card, mitigations);

                header("Feedback to Delta for the next nightly run");
                var imported = new FeedbackImportJob(spark, paths.catalog(), paths.jdbcUrl(), cfg.store().user(),
                        cfg.store().password()).run();
                var rows = DeltaTables.read(spark, paths.catalog(), ShadowTable.FEEDBACK)
                        .orderBy("decided_at").collectAsList();
                say("%s: %d feedback rows, %d reviewed incidents (%d confirmed); the newest:",
                        paths.catalog().path(ShadowTable.FEEDBACK), imported.feedback(), imported.incidents(),
                        imported.confirmed());
                for (var r : rows.subList(Math.max(0, rows.size() - 2), rows.size())) {
                    say("  %s %s on %s/%s pattern %s by %s: \"%s\"", r.getAs("decided_at"), r.getAs("decision"),
                            r.getAs("entity_kind"), r.getAs("entity_id"), r.getAs("pattern"), r.getAs("decided_by"),
                            r.getAs("comment"));
                }
                // the live day joins the stored history, so backtests and notebooks can replay it
                var ingested = new io.shadow.spark.ingest.IngestJob(spark, paths.catalog(), paths.landingEvents()).run();
                say("live day ingested for replay: %d events into %s", ingested.events(),
                        paths.catalog().path(ShadowTable.EVENTS));
                result = new Result(card, mitigations, cfg, decided[0], decided[1], imported.feedback());
                header("Summary");
                out.print(card.table());
                out.printf("demo finished in %d s; data in %s (config %s)%n", Duration.between(started, Instant.now())
                        .getSeconds(), work, config);
                out.printf("to look at the result in the web UI, serve the demo's data:%n"
                        + "  bin/shadow serve --config %s%n"
                        + "then open http://%s:%d/ui/ and sign in with the token of auth.tokens[%s] in %s "
                        + "(paste it into the \"API token\" field); Ctrl-C stops serve%n", config, DemoData.HOST,
                        DemoData.PORT, DemoData.OPERATOR.name(), config);
            }
            return result;
        } finally {
            spark.stop();
        }
    }

    private void replay(ShadowRuntime rt, Workload w, Path work, String agentToken, String gatewayToken,
            ResolvedPaths paths) throws InterruptedException, IOException {
        HttpClient http = HttpClient.newHttpClient();
        // each person holds a gateway access key Shadow issued, which a rotate_keys replaces (a person holding
        // none is given none: the rotation is skipped)
        var holders = new java.util.LinkedHashSet<List<String>>();
        w.live().stream().filter(e -> e.principal() != null).forEach(e -> holders.add(List.of(e.tenant(),
                e.principal())));
        holders.forEach(h -> rt.mitigation().engine().actuators().keys().issue(h.get(0), h.get(1)));
        say("%d access keys issued, one per principal (a rotate_keys revokes its holder's and leaves a new one to "
                + "collect)", holders.size());
        EnforcedReplay world = new EnforcedReplay(w, URI.create(rt.baseUrl()), gatewayToken, agentToken, http);
        try (Spool spool = Spool.open(work.resolve("agent/spool-live"), 64L << 20, 4L << 30)) {
            ScorerShipper shipper = new ScorerShipper(spool, URI.create(rt.baseUrl()), agentToken,
                    options.batchSize(), http);
            LandingZoneShipper landing = new LandingZoneShipper(spool, paths.catalog().landingZone(), "demo-agent",
                    5_000, new org.apache.hadoop.conf.Configuration());
            MitigationStore store = rt.mitigation().store();
            int printed = 0;
            int batches = 0;
            while (world.hasNext()) {
                append(spool, world.next(options.batchSize()));
                shipper.drain();
                world.runAgents();
                List<Mitigation> ms = live(store);
                for (Mitigation m : ms.subList(printed, ms.size())) {
                    printMitigation(store, m);
                }
                printed = ms.size();
                if (++batches % 10 == 0) {
                    say("  ... %d / %d live events scored (up to %s)", world.position(), w.live().size(),
                            w.live().get(world.position() - 1).time().toString().substring(11, 19));
                }
            }
            EnforcedReplay.Stats st = world.stats();
            say("%d events scored, %d rejected as malformed; %d mitigations; enforcement: %d requests denied and "
                    + "%d throttled at the gateway, %d agent commands executed", st.events(), shipper.rejectedByScorer(),
                    printed, st.denied(), st.throttled(), st.agentCommands());
            landing.drain();
            landing.close();
        }
    }

    private void printMitigation(MitigationStore store, Mitigation m) {
        Incident i = store.incident(m.incidentId()).orElseThrow();
        List<ActionRecord> actions = store.actionsOf(m.mitigationId());
        var notes = store.notifications(m.incidentId()).stream()
                .filter(n -> m.mitigationId().equals(n.mitigationId())).toList();
        boolean notifiedAfter = !notes.isEmpty() && !notes.get(0).createdAt().isBefore(m.appliedAt());
        say("  %s  %-9s %-12s risk %3.0f %-6s %s %s -> %s; %s", m.eventTime().toString().substring(11, 19),
                i.entityKind(), i.entityId(), m.risk(), m.band().wireName(),
                Mitigation.EMERGENCY.equals(m.path()) ? "EMERGENCY" : "profile", m.profile(),
                actions.stream().map(a -> a.type() + (ActionRecord.APPLIED.equals(a.status()) ? "" : "(" + a.status()
                        + ")")).toList(), notifiedAfter ? "user notified after acting" : "NOT NOTIFIED");
    }

    private String[] decide(ApiClient api, ApiClient gatewayApi, MitigationStore store, ScenarioScorecard card,
            List<Mitigation> all) {
        if (all.isEmpty()) {
            say("no mitigations to review");
            return new String[] {null, null};
        }
        // A false mitigation is what the operator would reject; without one, they reject the first,
        // superseded step of an escalated incident and approve its final step, so the incident's label
        // (confirmed: some mitigation approved) stays true.
        java.util.Set<String> falseIds = new java.util.HashSet<>();
        card.falseMitigations().forEach(m -> falseIds.add(m.mitigationId()));
        Mitigation toReject;
        Mitigation toApprove;
        String rejectWhy;
        var falseOne = all.stream().filter(m -> falseIds.contains(m.mitigationId())).findFirst();
        if (falseOne.isPresent()) {
            toReject = falseOne.get();
            toApprove = all.stream().filter(m -> !falseIds.contains(m.mitigationId()))
                    .max(Comparator.comparingDouble(Mitigation::risk)).orElse(null);
            rejectWhy = "expected activity, not an attack";
        } else {
            var byIncident = all.stream().collect(java.util.stream.Collectors.groupingBy(Mitigation::incidentId));
            var escalated = byIncident.values().stream().filter(l -> l.size() > 1)
                    .min(Comparator.comparing(l -> l.get(0).eventTime()));
            List<Mitigation> steps = escalated.orElse(List.of(all.get(0)));
            toReject = steps.get(0);
            toApprove = steps.size() > 1 ? steps.get(steps.size() - 1)
                    : all.stream().filter(m -> m != toReject).max(Comparator.comparingDouble(Mitigation::risk))
                            .orElse(null);
            rejectWhy = "this first step was not the right response; the escalation that followed was";
        }
        Incident ri = store.incident(toReject.incidentId()).orElseThrow();
        String who = ri.principal() != null ? ri.principal() : ri.entityId();
        String resource = ri.resourceId() == null ? "" : ri.resourceId();
        var before = gateway(gatewayApi, ri);
        var r = api.post("/v1/mitigations/" + toReject.mitigationId() + "/reject",
                "{\"comment\": \"" + rejectWhy + "\"}");
        var after = gateway(gatewayApi, ri);
        List<String> outcomes = new ArrayList<>();
        r.body().path("actions").forEach(a -> outcomes.add(a.path("type").asText() + " " + a.path("status").asText()));
        say("reject %s (%s, risk %.0f): HTTP %d, status %s; actions: %s%s", toReject.mitigationId(), who,
                toReject.risk(), r.status(), r.body().path("mitigation").path("status").asText(), outcomes,
                outcomes.stream().anyMatch(o -> o.endsWith(" " + ActionRecord.KEPT))
                        ? " (kept: a key rotation or a kill cannot be undone)" : "");
        say("  gateway decision for %s on %s: before %d, after %d%s", who, resource.isEmpty() ? "-" : resource,
                before, after, after != 200 ? " (other mitigations of the incident are still in force)" : "");
        String approved = null;
        if (toApprove != null) {
            var a = api.post("/v1/mitigations/" + toApprove.mitigationId() + "/approve",
                    "{\"comment\": \"confirmed: this was an attack\"}");
            Incident ai = store.incident(toApprove.incidentId()).orElseThrow();
            say("approve %s (%s, risk %.0f, %s path): HTTP %d, status %s; its actions stay in force",
                    toApprove.mitigationId(), ai.entityId(), toApprove.risk(), toApprove.path(), a.status(),
                    a.body().path("mitigation").path("status").asText());
            approved = toApprove.mitigationId();
        }
        return new String[] {toReject.mitigationId(), approved};
    }

    private static int gateway(ApiClient api, Incident i) {
        List<String> h = new ArrayList<>(List.of("X-Shadow-Tenant", i.tenant()));
        if (i.principal() != null) {
            h.addAll(List.of("X-Shadow-Principal", i.principal()));
        }
        if (i.resourceId() != null) {
            h.addAll(List.of("X-Shadow-Resource", i.resourceId()));
        }
        if (i.host() != null) {
            h.addAll(List.of("X-Shadow-Host", i.host()));
        }
        return api.get("/v1/decision", h.toArray(String[]::new)).status();
    }

    /** Mitigations of the live phase (the store also holds the imported past reviews). */
    private static List<Mitigation> live(MitigationStore store) {
        return store.mitigations().stream().filter(m -> !"historical-review".equals(m.profile()))
                .sorted(Comparator.comparing(Mitigation::eventTime)).toList();
    }

    private static List<ObservedMitigation> observed(MitigationStore store, List<Mitigation> ms) {
        List<ObservedMitigation> out = new ArrayList<>();
        for (Mitigation m : ms) {
            Incident i = store.incident(m.incidentId()).orElseThrow();
            String actions = String.join(",", store.actionsOf(m.mitigationId()).stream()
                    .filter(a -> a.inForce() || ActionRecord.UNDONE.equals(a.status())
                            || ActionRecord.KEPT.equals(a.status()))
                    .map(ActionRecord::type).toList());
            out.add(new ObservedMitigation(m.mitigationId(), new EntityKey(i.tenant(),
                    EntityKind.fromWire(i.entityKind()), i.entityId()), m.eventTime(), m.band().wireName(), m.risk(),
                    m.profile(), m.path(), actions));
        }
        return out;
    }

    private static void append(Spool spool, List<ActivityEvent> events) {
        List<byte[]> batch = new ArrayList<>(1000);
        for (ActivityEvent e : events) {
            batch.add(EventCodec.toJson(e).getBytes(StandardCharsets.UTF_8));
            if (batch.size() == 1000) {
                spool.append(batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            spool.append(batch);
        }
    }

    private void header(String title) {
        step++;
        out.printf("%n[%d] %s  (+%d s)%n", step, title, Duration.between(started, Instant.now()).getSeconds());
    }

    private void say(String fmt, Object... args) {
        out.println(args.length == 0 ? fmt : String.format(fmt, args));
    }

    /** Deletes a directory tree; nothing when it does not exist. */
    public static void deleteRecursively(Path p) throws IOException {
        FileTrees.delete(p);
    }
}
