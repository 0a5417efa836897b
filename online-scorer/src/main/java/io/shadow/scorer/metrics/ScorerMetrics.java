package io.shadow.scorer.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The scorer's Prometheus metrics (Micrometer), served by {@code GET /metrics}: request rates and
 * latencies per route and status (histograms), events scored, rejected, duplicate and unjudged
 * (tenant without baselines), anomalies, overload
 * answers, queue depth and requests in flight, entities tracked and evicted, checkpoints, reloads,
 * and the model and baselines served; plus JVM memory, GC, threads and CPU.
 */
public final class ScorerMetrics implements AutoCloseable {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** The routes {@code shadow_scorer_requests_seconds} covers (its name and tags predate the HTTP-wide timer). */
    public static final java.util.Set<String> SCORING_ROUTES = java.util.Set.of("/v1/events", "/v1/score");
    /** What {@link #reload} counts, each pre-registered at 0 so that alerts on them have data from the start. */
    public static final List<String> RELOADED = List.of("baselines", "threat_intel", "model");
    public static final List<String> RELOAD_RESULTS = List.of("switched", "failed");
    private static final Duration[] HTTP_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private final Map<String, Timer> requests = new ConcurrentHashMap<>();
    private final Map<String, Timer> httpRequests = new ConcurrentHashMap<>();
    private final Counter scored;
    private final Counter rejected;
    private final Counter duplicates;
    private final Counter anomalies;
    private final Counter unjudged;
    private final Counter queueFull;
    private final Counter timedOut;
    private final Counter evicted;
    private final Counter checkpointFailures;
    private final Timer checkpoints;
    private final DistributionSummary batchSize;
    private final MultiGauge modelInfo;
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private volatile long checkpointEntities;

    /** Gauges read these when scraped. */
    public record Sources(Supplier<Number> queued, Supplier<Number> inFlight, Supplier<Number> trackedEntities,
            Supplier<Number> baselinesVersion, Supplier<Number> ready, Supplier<Number> mitigationsHeld,
            Supplier<Number> mitigationsDropped) {
    }

    public ScorerMetrics(Sources sources) {
        scored = Counter.builder("shadow.scorer.events").tag("result", "scored")
                .description("events scored").register(registry);
        rejected = Counter.builder("shadow.scorer.events").tag("result", "rejected")
                .description("malformed events rejected (answered with the field at fault)").register(registry);
        duplicates = Counter.builder("shadow.scorer.events").tag("result", "duplicate")
                .description("events whose tenant and event_id were seen recently: not scored again")
                .register(registry);
        anomalies = Counter.builder("shadow.scorer.anomalies").description("anomalies raised").register(registry);
        unjudged = Counter.builder("shadow.scorer.events.unjudged")
                .description("events accepted for a tenant without baselines: not judged").register(registry);
        queueFull = Counter.builder("shadow.scorer.overload").tag("answer", "429")
                .description("requests turned away: queue full (429) or waited too long (503)").register(registry);
        timedOut = Counter.builder("shadow.scorer.overload").tag("answer", "503").register(registry);
        evicted = Counter.builder("shadow.scorer.entities.evicted")
                .description("entities whose online state was forgotten to bound memory").register(registry);
        checkpointFailures = Counter.builder("shadow.scorer.checkpoint.failures").register(registry);
        checkpoints = Timer.builder("shadow.scorer.checkpoint").description("time to write a state checkpoint")
                .register(registry);
        batchSize = DistributionSummary.builder("shadow.scorer.batch.events").description("events per batch")
                .serviceLevelObjectives(1, 10, 100, 1_000, 10_000).register(registry);
        Gauge.builder("shadow.scorer.queue.depth", sources.queued()).strongReference(true)
                .description("requests waiting for a scoring slot").register(registry);
        Gauge.builder("shadow.scorer.in.flight", sources.inFlight()).strongReference(true)
                .description("requests being scored").register(registry);
        Gauge.builder("shadow.scorer.entities.tracked", sources.trackedEntities()).strongReference(true)
                .description("entities with online state").register(registry);
        Gauge.builder("shadow.scorer.baselines.version", sources.baselinesVersion()).strongReference(true)
                .description("Delta version of the baselines served (-1: none)").register(registry);
        Gauge.builder("shadow.scorer.ready", sources.ready()).strongReference(true)
                .description("1 when model and baselines are loaded and the scorer is not draining").register(registry);
        Gauge.builder("shadow.scorer.mitigations.held", sources.mitigationsHeld()).strongReference(true)
                .description("assessments waiting for the mitigation store to come back").register(registry);
        Gauge.builder("shadow.scorer.mitigations.dropped", sources.mitigationsDropped()).strongReference(true)
                .description("assessments given up since start: more than mitigation.max-held were waiting")
                .register(registry);
        Gauge.builder("shadow.scorer.checkpoint.entities", () -> checkpointEntities).strongReference(true)
                .description("entities in the last checkpoint").register(registry);
        modelInfo = MultiGauge.builder("shadow.scorer.model.info")
                .description("1 for the risk model served, tagged with its id").register(registry);
        for (String what : RELOADED) {
            for (String result : RELOAD_RESULTS) {
                reloads(what, result);
            }
        }
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
    }

    /**
     * One answered request of the whole service (scorer and mitigation API), for
     * {@code shadow_http_server_requests_seconds{method, route, status}}; {@code route} is the route
     * template, so the series are bounded. Those of the scoring routes also count in
     * {@code shadow_scorer_requests_seconds}, as they always did, now with their 401 and 403 too.
     */
    public void http(String method, String route, int status, long nanos) {
        httpRequests.computeIfAbsent(method + ' ' + route + ' ' + status, k -> Timer.builder("shadow.http.server.requests")
                .tags("method", method, "route", route, "status", Integer.toString(status))
                .description("HTTP requests answered, by method, route template and status")
                .serviceLevelObjectives(HTTP_BUCKETS).register(registry))
                .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        if (SCORING_ROUTES.contains(route)) {
            request(route, status, nanos);
        }
    }

    public void request(String route, int status, long nanos) {
        requests.computeIfAbsent(route + ' ' + status, k -> Timer.builder("shadow.scorer.requests")
                .tags("route", route, "status", Integer.toString(status))
                .description("scorer requests by route and status")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10)).register(registry))
                .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** One request's events: {@code accepted} valid ones, of which {@code duplicate} were not scored again. */
    public void batch(int accepted, int duplicate, int malformed, int anomalyCount) {
        scored.increment(accepted - duplicate);
        if (duplicate > 0) {
            duplicates.increment(duplicate);
        }
        if (malformed > 0) {
            rejected.increment(malformed);
        }
        if (anomalyCount > 0) {
            anomalies.increment(anomalyCount);
        }
        batchSize.record(accepted + malformed);
    }

    /** Counts, from {@code late}, the events whose volumes were judged without the rest of their bucket. */
    public void lateEvents(java.util.function.LongSupplier late) {
        io.micrometer.core.instrument.FunctionCounter.builder("shadow.scorer.events.late", late,
                        l -> l.getAsLong())
                .description("events that came after their entity's current 5-minute bucket had begun: their "
                        + "volumes were judged on the late events alone (per entity)")
                .register(registry);
    }

    /** Events of tenants the baselines do not cover. */
    public void unjudged(int events) {
        if (events > 0) {
            unjudged.increment(events);
        }
    }

    public void overload(int status) {
        (status == 429 ? queueFull : timedOut).increment();
    }

    public void evicted(int n) {
        evicted.increment(n);
    }

    public void checkpoint(long entities, long nanos) {
        checkpointEntities = entities;
        checkpoints.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    public void checkpointFailed() {
        checkpointFailures.increment();
    }

    public void reload(String what, String result) {
        reloads(what, result).increment();
    }

    private Counter reloads(String what, String result) {
        return Counter.builder("shadow.scorer.reloads").tags("what", what, "result", result)
                .description("reloads of baselines, threat indicators and model: switched or failed").register(registry);
    }

    public void model(String id) {
        modelInfo.register(List.of(MultiGauge.Row.of(Tags.of("model", id), 1)), true);
    }

    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
