package io.shadow.bench;

import io.javalin.Javalin;
import io.shadow.agents.simulate.WorkloadConfig;
import io.shadow.agents.simulate.WorkloadGenerator;
import io.shadow.features.ActivityEvent;
import io.shadow.features.baseline.BaselineSnapshot;
import io.shadow.features.files.FileTrees;
import io.shadow.mitigation.api.Caller;
import io.shadow.mitigation.api.Role;
import io.shadow.mitigation.api.ServiceApp;
import io.shadow.mitigation.api.Tokens;
import io.shadow.model.detect.DetectorConfig;
import io.shadow.model.intel.ThreatIntel;
import io.shadow.model.registry.LocalModelRegistry;
import io.shadow.model.registry.ModelRegistry;
import io.shadow.model.risk.PatternHistory;
import io.shadow.model.risk.ResourceRisk;
import io.shadow.model.risk.RiskFactors;
import io.shadow.model.risk.RiskModelTrainer;
import io.shadow.model.risk.TrainingExample;
import io.shadow.scorer.BaselineSource;
import io.shadow.scorer.RiskModelHolder;
import io.shadow.scorer.ScorerService;
import io.shadow.scorer.ScorerSettings;
import io.shadow.scorer.intake.EventBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bin/bench scorer [seconds=10] [clients=4] [batch=500] [employees=200] [rounds=4]}: the online
 * scorer on a real port, fed the workload's week replayed forward in time (baselines fitted on that
 * week, two TensorFlow champions in a local registry, anomalies handed to a counting sink). Measured
 * in one run: (1) batch intake events/s, against a bare Javalin endpoint in the same JVM that only
 * parses the same NDJSON payload: rounds alternate bare and scorer, each pair gives a ratio and the
 * median of those is reported (a pair shares the machine's state of the moment, which drifts on a
 * shared machine), also per CPU-second the JVM used, which the load of other processes on the machine
 * does not skew; rates are means. System property {@code bench.dedupe} sets {@code scorer.dedupe-window}
 * (default 1,000,000; 0 shows what de-duplication costs). (2) the same load while the champion
 * is reloaded 10 times, counting failed requests; (3) single events: the maximum rate, then the
 * latency (p50/p99 from when each request was due) at half of it.
 */
public final class ScorerBench {
    private static final String TOKEN = "bench-agent-token-0123456789";

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 10;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        int employees = args.length > 3 ? Integer.parseInt(args[3]) : 200;
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 4;
        Path dir = Files.createTempDirectory("shadow-scorer-bench");
        Prepared prepared = prepare(employees);
        BaselineSnapshot snapshot = prepared.snapshot();
        EventStream stream = prepared.stream();
        LocalModelRegistry registry = new LocalModelRegistry(dir.resolve("registry"));
        int[] champions = {train(registry, 1), train(registry, 2)};
        registry.setAlias("shadow-risk", ModelRegistry.CHAMPION, champions[0]);
        AtomicLong anomalies = new AtomicLong();
        ScorerSettings settings = ScorerSettings.defaults().withCheckpointDir(dir.resolve("state"))
                .withIntervals(java.time.Duration.ofMinutes(1), java.time.Duration.ZERO)
                .withDedupeWindow(Integer.getInteger("bench.dedupe", ScorerSettings.DEFAULT_DEDUPE_WINDOW));
        ScorerService scorer = new ScorerService(DetectorConfig.defaults(), BaselineSource.fixed(snapshot,
                PatternHistory.EMPTY), ThreatIntel.fromBlocklist(List.of("185.220.101.0/24"), "tor-exits", 0.9),
                ResourceRisk.defaults(), new RiskModelHolder(registry, "shadow-risk"), a -> {
                    anomalies.incrementAndGet();
                    return "observed";
                }, settings);
        Javalin app = ServiceApp.create(new Tokens(Map.of(TOKEN, new Caller("bench", Role.AGENT, null))),
                10 << 20, scorer::register);
        app.start("127.0.0.1", 0);
        Javalin bare = Javalin.create(cfg -> {
            cfg.http.maxRequestSize = 10 << 20;
            cfg.startup.showJavalinBanner = false;
            cfg.routes.post("/parse", ctx -> ctx.contentType("application/json")
                    .result("{\"accepted\":" + EventBatch.parse(ctx.body()).events().size() + "}"));
        });
        bare.start("127.0.0.1", 0);
        try {
            Report report = new Report("scorer");
            ScorerLoad.Run[] base = new ScorerLoad.Run[rounds];
            ScorerLoad.Run[] scored = new ScorerLoad.Run[rounds];
            double[] ratios = new double[rounds];
            double[] cpuRatios = new double[rounds];
            double baseRate = 0;
            double rate = 0;
            double baseCpuRate = 0;
            double cpuRate = 0;
            long batchFailures = 0;
            for (int round = 0; round < rounds; round++) {
                double warm = round == 0 ? seconds : 3;
                base[round] = ScorerLoad.closedLoop(bare.port(), "/parse", null, clients, warm, seconds, batch,
                        () -> stream.batch(batch));
                scored[round] = ScorerLoad.closedLoop(app.port(), "/v1/events", TOKEN, clients, warm, seconds, batch,
                        () -> stream.batch(batch));
                ratios[round] = scored[round].eventsPerSecond() / base[round].eventsPerSecond();
                cpuRatios[round] = (scored[round].events() / scored[round].cpuSeconds())
                        / (base[round].events() / base[round].cpuSeconds());
                baseRate += base[round].eventsPerSecond() / rounds;
                rate += scored[round].eventsPerSecond() / rounds;
                baseCpuRate += base[round].events() / base[round].cpuSeconds() / rounds;
                cpuRate += scored[round].events() / scored[round].cpuSeconds() / rounds;
                batchFailures += scored[round].failed() + base[round].failed();
            }
            double ratio = median(ratios);
            double cpuRatio = median(cpuRatios);

            List<String> reloads = new ArrayList<>();
            Thread reloader = new Thread(() -> {
                for (int i = 1; i <= 10; i++) {
                    sleep(1_000);
                    registry.setAlias("shadow-risk", ModelRegistry.CHAMPION, champions[i % 2]);
                    reloads.add(scorer.reload());
                }
            });
            reloader.start();
            ScorerLoad.Run duringReloads = ScorerLoad.closedLoop(app.port(), "/v1/events", TOKEN, clients, 0, 12,
                    batch, () -> stream.batch(batch));
            reloader.join();

            ScorerLoad.Run max = ScorerLoad.closedLoop(app.port(), "/v1/score", TOKEN, clients, 5, seconds, 1,
                    stream::single);
            double half = max.requestsPerSecond() / 2;
            ScorerLoad.Run single = ScorerLoad.openLoop(app.port(), "/v1/score", TOKEN, 8, half, 3, seconds,
                    stream::single);

            report.row("workload", String.format("%,d events of one week, %d employees, %,d baseline entities, "
                            + "replayed forward in time", stream.size(), employees, snapshot.size()))
                    .row("batch intake", String.format("%,.0f events/s (rounds %s), %d clients x %d events",
                            rate, rates(scored), clients, batch))
                    .row("bare parse (same payload)", String.format("%,.0f events/s (rounds %s)", baseRate,
                            rates(base)))
                    .row("ratio scorer / bare", String.format("%.2f (median of the rounds' %s)", ratio, list(ratios)))
                    .row("per CPU-second (whole JVM)", String.format("scorer %,.0f, bare %,.0f events; ratio %.2f, "
                            + "median of %s (the comparison other processes' load does not skew)", cpuRate,
                            baseCpuRate, cpuRatio, list(cpuRatios)))
                    .row("failed batch requests", Long.toString(batchFailures))
                    .row("during 10 reloads", String.format("%,.0f events/s, %d failed of %,d requests; %s",
                            duringReloads.eventsPerSecond(), duringReloads.failed(), duringReloads.requests(),
                            String.join(", ", reloads)))
                    .row("single events, max", String.format("%,.0f requests/s (%d clients, closed loop)",
                            max.requestsPerSecond(), clients))
                    .row("single events at half", String.format("%,.0f/s: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, "
                                    + "max %.2f ms, %d failed", half, single.percentileMillis(0.5),
                            single.percentileMillis(0.99), single.percentileMillis(0.999),
                            single.percentileMillis(1.0), single.failed()))
                    .row("anomalies handed on", String.format("%,d (entities tracked %,d)", anomalies.get(),
                            scorer.scorer().detector().trackedEntities()))
                    .row("targets", ">= 50,000 events/s, ratio >= 0.5, p99 < 5 ms, 0 failed during reloads")
                    .figure("events_per_s", rate)
                    .figure("baseline_events_per_s", baseRate)
                    .figure("ratio", ratio)
                    .figure("events_per_cpu_s", cpuRate)
                    .figure("baseline_events_per_cpu_s", baseCpuRate)
                    .figure("cpu_ratio", cpuRatio)
                    .figure("reload_events_per_s", duringReloads.eventsPerSecond())
                    .figure("reload_failed_requests", duringReloads.failed())
                    .figure("reloads", reloads.stream().filter(r -> r.contains("model")).count())
                    .figure("single_max_per_s", max.requestsPerSecond())
                    .figure("single_rate_per_s", half)
                    .figure("single_p50_ms", single.percentileMillis(0.5))
                    .figure("single_p99_ms", single.percentileMillis(0.99))
                    .figure("single_failed", single.failed())
                    .print();
        } finally {
            app.stop();
            bare.stop();
            scorer.close();
            FileTrees.deleteQuietly(dir);
        }
    }

    private static double median(double[] xs) {
        double[] sorted = xs.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String rates(ScorerLoad.Run[] runs) {
        List<String> out = new ArrayList<>();
        for (ScorerLoad.Run r : runs) {
            out.add(String.format("%,.0f", r.eventsPerSecond()));
        }
        return String.join(" / ", out);
    }

    private static String list(double[] xs) {
        List<String> out = new ArrayList<>();
        for (double x : xs) {
            out.add(String.format("%.2f", x));
        }
        return String.join(", ", out);
    }

    /** Baselines fitted on the workload's week and the stream replaying it; the week itself is let go. */
    private record Prepared(BaselineSnapshot snapshot, EventStream stream) {
    }

    private static Prepared prepare(int employees) {
        List<ActivityEvent> week = WorkloadGenerator.generate(new WorkloadConfig(42L, "acme", employees, 7, 24,
                WorkloadConfig.DEFAULT_START, 1.0)).history().stream()
                .sorted(Comparator.comparing(ActivityEvent::time)).toList();
        return new Prepared(BenchBaselines.fit(week), new EventStream(week));
    }

    /** A small TensorFlow risk model, registered; two seeds give two champions that score differently. */
    private static int train(LocalModelRegistry registry, long seed) {
        Random r = new Random(seed);
        List<TrainingExample> ex = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            RiskFactors f = new RiskFactors(r.nextDouble(), r.nextDouble(), 0, r.nextDouble() < 0.3 ? 0.9 : 0);
            ex.add(new TrainingExample(WorkloadConfig.DEFAULT_START.plusSeconds(i), f,
                    f.severity() + (seed == 1 ? f.threatIntel() : 0) > 0.8));
        }
        String run = registry.startRun("bench", Map.of());
        new RiskModelTrainer(new RiskModelTrainer.Settings(300, 0.02f, 0.25, 0.5, seed, 0, 0))
                .train(ex, registry.artifactDirectory(run, "model"));
        registry.finishRun(run, true);
        return registry.registerVersion("shadow-risk", run, "model");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
