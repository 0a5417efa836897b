package io.shadow.scorer;

import io.javalin.config.JavalinConfig;
import io.shadow.features.baseline.BaselineSnapshot;
import io.shadow.model.detect.Detector;
import io.shadow.model.detect.DetectorConfig;
import io.shadow.model.intel.ThreatIntel;
import io.shadow.model.risk.PatternHistory;
import io.shadow.model.risk.ResourceRisk;
import io.shadow.scorer.intake.IntakeRules;
import io.shadow.scorer.intake.TenantCoverage;
import io.shadow.scorer.load.Admission;
import io.shadow.scorer.metrics.ScorerMetrics;
import io.shadow.scorer.shard.EntityShards;
import io.shadow.scorer.shard.RecentEventIds;
import io.shadow.scorer.state.StateCheckpoints;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scorer while it serves: the {@link OnlineScorer} on per-entity shards ({@link EntityShards},
 * one thread per core by default) with its admission control, metrics,
 * per-entity state checkpoints (restored at start, written periodically and on close), memory
 * bound (least recently seen entities evicted beyond {@code max-entities}) and hot reload of
 * baselines and champion model. {@link #register} adds its HTTP routes to a service.
 */
public final class ScorerService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScorerService.class);

    private final ScorerSettings settings;
    private final AssessmentSink sink;
    private final BaselineSource baselines;
    private final ThreatIntelSource intel;
    private volatile long intelVersion;
    private final RiskModelHolder models;
    private final OnlineScorer scorer;
    private final EntityShards shards;
    private final Admission admission;
    private final ScorerMetrics metrics;
    private final StateCheckpoints checkpoints;
    private final IntakeRules intake;
    private final TenantCoverage coverage = new TenantCoverage();
    private final ScheduledThreadPoolExecutor maintenance;
    private final AtomicBoolean evicting = new AtomicBoolean();
    /** How often {@link #reportLate} looks. */
    static final Duration LATE_REPORT = Duration.ofMinutes(1);
    private long lateReported;
    private volatile String baselinesError;
    private volatile String modelError;
    private volatile boolean draining;

    /** Whether the scorer should get traffic, and if not, why. */
    /**
     * Whether the scorer should get traffic: {@code reasons} why not; {@code warnings} are failures
     * that leave what is served in place (a reload of newer baselines or of a new champion that did
     * not load): the scorer stays ready, so that one bad table commit or model version does not take
     * every replica reading it out of a load balancer at once.
     */
    public record Readiness(boolean ready, List<String> reasons, List<String> warnings, String model,
            long baselinesVersion) {
    }

    /** With a fixed threat-intel index. */
    public ScorerService(DetectorConfig detectorConfig, BaselineSource baselines, ThreatIntel intel,
            ResourceRisk resourceRisk, RiskModelHolder models, AssessmentSink sink, ScorerSettings settings) {
        this(detectorConfig, baselines, ThreatIntelSource.fixed(intel), resourceRisk, models, sink, settings);
    }

    /** Threat intelligence is reloaded with the baselines when {@code intel} has a newer version. */
    public ScorerService(DetectorConfig detectorConfig, BaselineSource baselines, ThreatIntelSource intel,
            ResourceRisk resourceRisk, RiskModelHolder models, AssessmentSink sink, ScorerSettings settings) {
        this.settings = settings;
        this.sink = sink;
        // before anything loads: a folder the state cannot be written to is a config error, not a loss at shutdown
        this.checkpoints = settings.checkpointDir() == null ? null : StateCheckpoints.open(settings.checkpointDir());
        this.intake = new IntakeRules(settings.defaultTenant().isEmpty() ? null : settings.defaultTenant(),
                settings.maxFutureSkew(), settings.maxTransferBytes(), Clock.systemUTC());
        this.baselines = baselines;
        this.intel = intel;
        this.models = models;
        BaselineSource.Generation g = new BaselineSource.Generation(BaselineSnapshot.EMPTY, PatternHistory.EMPTY);
        try {
            g = baselines.read();
        } catch (RuntimeException e) {
            baselinesError = "baselines did not load (" + e.getMessage() + "); retried at every reload";
            LOG.warn("scorer starts without baselines: {}", baselinesError, e);
        }
        try {
            models.refresh();
        } catch (RuntimeException e) {
            modelError = e.getMessage();
            LOG.warn("scorer starts with model {}: {}", models.get().id(), modelError);
        }
        ThreatIntelSource.Generation ti = intel.read(); // a broken table is an error at start, like bad config
        this.intelVersion = ti.version();
        LOG.info("{} threat indicators from {}", ti.intel().size(), ti.from());
        this.scorer = new OnlineScorer(detectorConfig, g.snapshot(), ti.intel(), g.history(), resourceRisk, models,
                sink);
        this.shards = new EntityShards(scorer, settings.effectiveShards(), checkpoints == null
                ? new RecentEventIds(settings.dedupeWindow(), settings.effectiveShards())
                : checkpoints.restore(settings.dedupeWindow(), settings.effectiveShards()));
        this.admission = new Admission(settings.maxInFlight(), settings.maxQueued(), settings.queueTimeout());
        this.metrics = new ScorerMetrics(new ScorerMetrics.Sources(admission::queued, admission::inFlight,
                () -> scorer.detector().trackedEntities(), () -> scorer.detector().snapshot().version(),
                () -> readiness().ready() ? 1 : 0, sink::held, sink::dropped));
        metrics.model(models.get().id());
        metrics.lateEvents(scorer.detector()::lateEvents);
        if (checkpoints != null) {
            checkpoints.restore(scorer.detector(), intake.horizon());
        }
        this.maintenance = new ScheduledThreadPoolExecutor(2, r -> {
            Thread t = new Thread(r, "shadow-scorer-maintenance");
            t.setDaemon(true);
            return t;
        });
        maintenance.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        every(settings.reloadInterval(), this::reload);
        every(settings.modelPoll(), this::reloadModel);
        every(LATE_REPORT, this::reportLate);
        if (checkpoints != null) {
            every(settings.checkpointInterval(), this::checkpoint);
        }
        LOG.info("scorer ready={}: model {}, {}, {} entities restored, {} shards, max {} in flight, {} queued",
                readiness().ready(), models.get().id(), g.snapshot().version() < 0
                        ? "no baselines yet (the first nightly run builds them)"
                        : "baselines v" + g.snapshot().version() + " (" + g.snapshot().size() + " entities)",
                scorer.detector().trackedEntities(), shards.shards(), settings.maxInFlight(), settings.maxQueued());
    }

    public void register(JavalinConfig cfg) {
        new ScorerRoutes(this).register(cfg);
    }

    public OnlineScorer scorer() {
        return scorer;
    }

    public EntityShards shards() {
        return shards;
    }

    public RiskModelHolder models() {
        return models;
    }

    /** Where assessments go; says how many wait for the mitigation store. */
    public AssessmentSink sink() {
        return sink;
    }

    public ScorerSettings settings() {
        return settings;
    }

    /** What the intake accepts: tenant named (or defaulted), time not ahead of the scorer's clock. */
    public IntakeRules intake() {
        return intake;
    }

    /** Which tenants the baselines served cover. */
    public TenantCoverage coverage() {
        return coverage;
    }

    public Admission admission() {
        return admission;
    }

    public ScorerMetrics metrics() {
        return metrics;
    }

    public Readiness readiness() {
        List<String> reasons = new ArrayList<>(3);
        long version = scorer == null ? -1 : scorer.detector().snapshot().version();
        if (draining) {
            reasons.add("shutting down");
        }
        List<String> warnings = new ArrayList<>(2);
        if (version < 0) {
            reasons.add(baselinesError != null ? baselinesError : "no baselines yet: run 'bin/shadow nightly' to "
                    + "build them; they are picked up at the next reload");
        } else if (baselinesError != null) {
            warnings.add(baselinesError);
        }
        if (modelError != null) {
            warnings.add(modelError); // the model served stays: the previous champion, or the weighted fallback
        }
        return new Readiness(reasons.isEmpty(), reasons, warnings, models.get().id(), version);
    }

    /**
     * Picks up newer baselines (with their pattern history), threat indicators and a new champion
     * model while serving; a source that fails leaves what is served unchanged. Returns what changed.
     */
    public synchronized String reload() {
        List<String> changed = new ArrayList<>(2);
        try {
            long v = baselines.currentVersion();
            if (v != scorer.detector().snapshot().version() || baselinesError != null) {
                BaselineSource.Generation g = baselines.read();
                scorer.update(g.snapshot(), null, g.history());
                baselinesError = null;
                changed.add("baselines v" + g.snapshot().version());
                metrics.reload("baselines", "switched");
            }
        } catch (RuntimeException e) {
            baselinesError = "baselines did not load (" + e.getMessage() + "); still serving v"
                    + scorer.detector().snapshot().version();
            metrics.reload("baselines", "failed");
            LOG.warn("reload: {}", baselinesError, e);
        }
        try {
            if (intel.currentVersion() != intelVersion) {
                ThreatIntelSource.Generation ti = intel.read();
                scorer.update(null, ti.intel(), null);
                intelVersion = ti.version();
                changed.add("threat indicators v" + ti.version());
                metrics.reload("threat_intel", "switched");
            }
        } catch (RuntimeException e) {
            metrics.reload("threat_intel", "failed");
            LOG.warn("reload: threat indicators did not load ({}); still serving the previous ones", e.getMessage(), e);
        }
        if (reloadModel()) {
            changed.add("model " + models.get().id());
        }
        String what = String.join(" ", changed);
        if (!what.isEmpty()) {
            LOG.info("scorer reloaded {}", what);
        }
        return what;
    }

    /**
     * Looks at the registry's champion alias and swaps in the model it points to if that is not the
     * one served (every {@code scorer.model.poll}, and at each reload); requests in flight finish on
     * the model they started with. Returns whether it switched; a champion that does not load leaves
     * the model served and is reported by {@link #readiness}.
     */
    public boolean reloadModel() {
        try {
            boolean switched = models.refresh();
            if (switched) {
                metrics.reload("model", "switched");
                metrics.model(models.get().id());
                LOG.info("scorer now serves model {}", models.get().id());
            }
            modelError = null;
            return switched;
        } catch (RuntimeException e) {
            modelError = e.getMessage();
            metrics.reload("model", "failed");
            LOG.warn("model reload: {}", modelError, e);
            return false;
        }
    }

    /**
     * Writes a checkpoint of the per-entity state and the de-duplication window now; returns how many
     * entities it holds (-1: checkpoints are off, or this one failed).
     */
    public long checkpoint() {
        if (checkpoints == null) {
            return -1;
        }
        long t0 = System.nanoTime();
        try {
            long n = checkpoints.write(scorer.detector());
            metrics.checkpoint(n, System.nanoTime() - t0);
            LOG.debug("scorer checkpoint: {} entities in {} ms", n, (System.nanoTime() - t0) / 1_000_000);
            if (shards.recent().enabled()) {
                try {
                    checkpoints.write(shards.recent());
                } catch (RuntimeException e) {
                    // the entity state is saved; only re-sent batches would be scored again after a restart
                    metrics.checkpointFailed();
                    LOG.warn("scorer checkpoint of the de-duplication window failed: {}", e.getMessage(), e);
                }
            }
            return n;
        } catch (RuntimeException e) {
            metrics.checkpointFailed();
            LOG.warn("scorer checkpoint failed: {}", e.getMessage(), e);
            return -1;
        }
    }

    /**
     * Says in the log, at most once per {@link #LATE_REPORT}, how many events came after their entity had
     * moved on since the last report (shadow_scorer_events_late_total counts them all).
     */
    void reportLate() {
        long now = scorer.detector().lateEvents();
        long since = now - lateReported;
        lateReported = now;
        if (since > 0) {
            LOG.warn("{} event(s) in the last {} s came after a later event had opened their entity's current "
                    + "5-minute bucket (an agent shipping a backlog while another source reported the entity, a "
                    + "clock behind, or back-dated events): their volumes were judged on the late events alone, "
                    + "without the rest of their bucket, so a volume that only the two together make unusual "
                    + "passes. Check the agents' clocks and backlogs", since, LATE_REPORT.toSeconds());
        }
    }

    /** Called after each scored request: starts an eviction when the state outgrew its bound. */
    void afterScoring() {
        Detector d = scorer.detector();
        if (d.trackedEntities() > settings.maxEntities() && evicting.compareAndSet(false, true)) {
            try {
                maintenance.execute(() -> {
                    try {
                        int keep = (int) (settings.maxEntities() * 0.9);
                        int n = d.evictLeastRecentlySeen(keep);
                        metrics.evicted(n);
                        LOG.info("scorer evicted {} least recently seen entities (max {}, kept {})", n,
                                settings.maxEntities(), d.trackedEntities());
                    } finally {
                        evicting.set(false);
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                evicting.set(false);
            }
        }
    }

    /** Stops answering ready, so load balancers drain this instance before it stops. */
    public void drain() {
        draining = true;
    }

    /** Stops the periodic work, writes a last checkpoint and closes the model. Call after the server stopped. */
    @Override
    public void close() {
        draining = true;
        maintenance.shutdown();
        try {
            maintenance.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (checkpoints != null) {
            long n = checkpoint();
            if (n >= 0) {
                LOG.info("scorer stopped; {} entities checkpointed to {}", n, checkpoints.file());
            } else {
                LOG.warn("scorer stopped; the last checkpoint to {} failed (see above): a restart starts from the "
                        + "previous checkpoint, if any", checkpoints.file());
            }
        }
        shards.close();
        metrics.close();
        models.close();
    }

    private void every(Duration interval, Runnable task) {
        if (interval.isZero()) {
            return;
        }
        long ms = interval.toMillis();
        maintenance.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("scorer maintenance task failed: {}", e.getMessage(), e);
            } catch (Error e) {
                // anything leaving the task would cancel every later run (checkpoints, reloads) without a
                // word; an OutOfMemoryError ends the process before this (bin/shadow's
                // -XX:+ExitOnOutOfMemoryError), so that a supervisor restarts it from its last checkpoint
                LOG.error("scorer maintenance task failed; it runs again as scheduled", e);
            }
        }, ms, ms, TimeUnit.MILLISECONDS);
    }
}
