package io.shadow.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.shadow.agents.simulate.WorkloadConfig;
import io.shadow.cli.config.ConfigLoader;
import io.shadow.cli.demo.Demo;
import io.shadow.cli.runtime.ShadowRuntime;
import io.shadow.features.ActivityEvent;
import io.shadow.features.EventClass;
import io.shadow.features.ResourceType;
import io.shadow.features.files.FileTrees;
import io.shadow.features.json.EventCodec;
import io.shadow.mitigation.store.Database;
import java.io.PrintStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bin/bench mitigation-latency [--probes N] [--load-eps R] [--gateway-rps G]}: a running
 * ShadowRuntime (scorer + mitigation API on one port, H2 store) under background load (benign event
 * batches at R events/s to POST /v1/events, gateway checks at G requests/s to GET /v1/decision).
 * Each probe principal gets an hour of normal activity, then bursts deletes one event at a time
 * through POST /v1/score while a gateway keeps asking GET /v1/decision for that principal; the
 * latency is from just before the triggering event is sent until the decision endpoint first shows
 * a rule for the principal (403, 429, or 200 within a fresh rate limit), counting the middle of
 * that decision request. Prints p50/p99.
 */
public final class MitigationLatencyBench {
    private static final String SERVICE = "bench-service-token-0123456789";
    private static final String TENANT = "acme";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong loadEvents = new AtomicLong();
    private final AtomicLong gatewayChecks = new AtomicLong();
    private URI base;

    public static void main(String[] args) throws Exception {
        int probes = intArg(args, "--probes", 200);
        int loadEps = intArg(args, "--load-eps", 1000);
        int gatewayRps = intArg(args, "--gateway-rps", 500);
        new MitigationLatencyBench().run(probes, loadEps, gatewayRps);
        System.exit(0);
    }

    /**
     * Baselines and a champion model come from one demo run (workload, nightly on Spark), kept in
     * {@code work/demo} and reused while its marker exists; the runtime gets its own fresh store.
     */
    private static Path prepared(Path work) throws Exception {
        Path demo = work.resolve("demo");
        Path marker = work.resolve("prepared");
        if (!Files.exists(marker)) {
            System.err.println("preparing baselines and a model with one demo run in " + demo + " (a few minutes; "
                    + "log: " + work.resolve("demo.log") + ")");
            Files.createDirectories(work);
            try (PrintStream log = new PrintStream(Files.newOutputStream(work.resolve("demo.log")), true,
                    StandardCharsets.UTF_8)) {
                new Demo(new Demo.Options(demo, WorkloadConfig.defaults(), "local[2]", 500), log).run();
            }
            Files.writeString(marker, Instant.now().toString());
        }
        return demo;
    }

    private void run(int probes, int loadEps, int gatewayRps) throws Exception {
        Path work = Path.of(System.getProperty("bench.workdir", ".shadow/bench-mitigation")).toAbsolutePath();
        Path demo = prepared(work);
        Path store = Files.createTempDirectory("shadow-bench-store");
        Path config = work.resolve("shadow.yaml");
        Files.writeString(config, """
                data-dir: %s
                store: {jdbc-url: "%s"}
                server: {port: 0}
                auth:
                  tokens:
                    - {name: bench, token: %s, role: service}
                """.formatted(demo, Database.h2Url(store), SERVICE));
        try (ShadowRuntime rt = ShadowRuntime.start(ConfigLoader.load(config, Map.of(), List.of()))) {
            base = URI.create(rt.baseUrl());
            List<Thread> load = List.of(thread(() -> backgroundEvents(loadEps)), thread(() -> gateway(gatewayRps / 2)),
                    thread(() -> gateway(gatewayRps - gatewayRps / 2)));
            for (int i = 0; i < 20; i++) {
                probe("warmup-" + i);
            }
            long loadStart = loadEvents.get();
            long gwStart = gatewayChecks.get();
            long t0 = System.nanoTime();
            List<Double> latencies = new ArrayList<>();
            int missed = 0;
            for (int i = 0; i < probes; i++) {
                double ms = probe("p-" + i);
                if (ms < 0) {
                    missed++;
                } else {
                    latencies.add(ms);
                }
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            running.set(false);
            for (Thread t : load) {
                t.join(5000);
            }
            double[] sorted = latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            new Report("mitigation-latency (event into the scorer -> enforcement visible at GET /v1/decision)")
                    .row("probes mitigated", sorted.length + " of " + probes + (missed > 0 ? " (" + missed
                            + " never triggered)" : ""))
                    .row("background events/s", String.format("%.0f (target %d)", (loadEvents.get() - loadStart)
                            / secs, loadEps))
                    .row("gateway checks/s", String.format("%.0f (target %d)", (gatewayChecks.get() - gwStart)
                            / secs, gatewayRps))
                    .row("latency p50", String.format("%.2f ms", pct(sorted, 0.50)))
                    .row("latency p90", String.format("%.2f ms", pct(sorted, 0.90)))
                    .row("latency p99", String.format("%.2f ms", pct(sorted, 0.99)))
                    .row("latency max", String.format("%.2f ms", sorted.length == 0 ? 0 : sorted[sorted.length - 1]))
                    .figure("probes", sorted.length).figure("p50_ms", pct(sorted, 0.50))
                    .figure("p99_ms", pct(sorted, 0.99)).print();
        } finally {
            FileTrees.deleteQuietly(store); // the run's own H2 store
        }
    }

    /** One principal: an hour of normal reads, then deletes until a mitigation; returns the latency in ms, or -1. */
    private double probe(String principal) throws Exception {
        Instant start = Instant.parse("2026-11-10T09:00:00Z");
        StringBuilder normal = new StringBuilder();
        for (int m = 0; m < 60; m++) {
            normal.append(EventCodec.toJson(event(principal, start.plusSeconds(60L * m), "GetObject", "s3://bench/"
                    + principal + "/r" + (m % 3)))).append('\n');
        }
        post("/v1/events", normal.toString());
        Instant t = start.plusSeconds(3600);
        for (int k = 0; k < 400; k++) {
            String resource = "s3://bench/" + principal + "/r" + (k % 3);
            String body = EventCodec.toJson(event(principal, t.plusMillis(200L * k), "DeleteObject", resource));
            // a gateway keeps asking while the event is being scored: the clock stops at the first answer
            // that shows a rule of this principal (deny, throttle, or an allow within a new rate limit)
            long sent = System.nanoTime();
            CompletableFuture<HttpResponse<String>> scored = http.sendAsync(request("/v1/score", body),
                    HttpResponse.BodyHandlers.ofString());
            while (true) {
                long asked = System.nanoTime();
                if (enforced(principal, resource)) {
                    scored.get(10, TimeUnit.SECONDS);
                    return (asked - sent) / 1e6 + (System.nanoTime() - asked) / 2e6;
                }
                if (scored.isDone()) {
                    if (!acted(scored.get()) || System.nanoTime() - sent > 10_000_000_000L) {
                        break;
                    }
                }
            }
        }
        return -1;
    }

    private static boolean acted(HttpResponse<String> r) throws IOException {
        if (r.statusCode() != 200) {
            throw new IllegalStateException("/v1/score answered HTTP " + r.statusCode() + ": " + r.body());
        }
        for (JsonNode o : EventCodec.mapper().readTree(r.body()).path("outcomes")) {
            if (o.asText().startsWith("mitigated") || o.asText().startsWith("escalated")) {
                return true;
            }
        }
        return false;
    }

    /** Whether the decision endpoint applies a rule to this principal now. */
    private boolean enforced(String principal, String resource) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/v1/decision")).header("Authorization",
                "Bearer " + SERVICE).header("X-Shadow-Tenant", TENANT).header("X-Shadow-Principal", principal)
                .header("X-Shadow-Resource", resource).GET().build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() != 200 || !r.body().contains("\"ruleId\":null");
    }

    private static ActivityEvent event(String principal, Instant at, String op, String resource) {
        return ActivityEvent.builder().tenant(TENANT).time(at).eventClass(EventClass.API_ACTIVITY).operation(op)
                .principal(principal).srcIp("10.9.0.7").host("bench-host").resourceType(ResourceType.DATA_STORAGE)
                .resourceId(resource).bytesOut(2048).build();
    }

    private void backgroundEvents(int eps) {
        int batch = Math.max(1, eps / 10);
        Instant t = Instant.parse("2026-11-10T09:00:00Z");
        long n = 0;
        while (running.get()) {
            long began = System.nanoTime();
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < batch; i++, n++) {
                String p = "bg-" + (n % 500);
                b.append(EventCodec.toJson(event(p, t.plusMillis(n * 50), "GetObject", "s3://bench/shared/"
                        + (n % 40)))).append('\n');
            }
            try {
                post("/v1/events", b.toString());
                loadEvents.addAndGet(batch);
            } catch (Exception e) {
                return;
            }
            sleepRest(began, 100);
        }
    }

    private void gateway(int rps) {
        int perTick = Math.max(1, rps / 10);
        while (running.get()) {
            long began = System.nanoTime();
            for (int i = 0; i < perTick; i++) {
                try {
                    decision("bg-" + ThreadLocalRandom.current().nextInt(500), "s3://bench/shared/1");
                    gatewayChecks.incrementAndGet();
                } catch (Exception e) {
                    return;
                }
            }
            sleepRest(began, 100);
        }
    }

    private int decision(String principal, String resource) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve("/v1/decision")).header("Authorization", "Bearer "
                + SERVICE).header("X-Shadow-Tenant", TENANT).header("X-Shadow-Principal", principal)
                .header("X-Shadow-Resource", resource).GET().build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private HttpRequest request(String path, String body) {
        return HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + SERVICE)
                .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        HttpResponse<String> r = http.send(request(path, body), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(path + " answered HTTP " + r.statusCode() + ": " + r.body());
        }
        return r;
    }

    private Thread thread(Runnable r) {
        Thread t = new Thread(r, "bench-load");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void sleepRest(long beganNanos, long periodMs) {
        long left = periodMs - (System.nanoTime() - beganNanos) / 1_000_000;
        if (left > 0) {
            try {
                Thread.sleep(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static double pct(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    private static int intArg(String[] args, String name, int dflt) {
        int i = Arrays.asList(args).indexOf(name);
        return i >= 0 && i + 1 < args.length ? Integer.parseInt(args[i + 1]) : dflt;
    }
}
