package io.shadow.spark.nightly;

import io.shadow.spark.Counts;
import io.shadow.spark.Figures;
import io.shadow.spark.SideBySide;
import io.shadow.spark.StepWarnings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.util.ShutdownHookManager;

/**
 * Runs a list of steps for one scope with a run state: plans where to start ({@link RunPlan}),
 * records each finished step at once, stops at the first failure with a message that names the
 * step and the command that resumes, and writes the report either way, also when the process is
 * stopped in the middle ({@link #interruptActiveRuns}). Knows nothing of Spark.
 */
public final class NightlyRun {
    /** Set by the shutdown hook: the JVM is stopping (SIGTERM, Ctrl-C). */
    private static final AtomicBoolean STOPPING = new AtomicBoolean();
    private static final AtomicBoolean HOOKED = new AtomicBoolean();
    /** What ends each run under way as interrupted, for the shutdown hook. */
    private static final Set<Runnable> ACTIVE = ConcurrentHashMap.newKeySet();
    /**
     * Before Spark's own hook (file system + 30) stops the context and before Hadoop closes the file
     * systems the state is written to; bounded, so a hung warehouse cannot keep the JVM from exiting.
     */
    private static final int HOOK_PRIORITY = FileSystem.SHUTDOWN_HOOK_PRIORITY + 40;
    private static final long HOOK_SECONDS = 20;

    private final RunFiles files;
    private final Consumer<String> progress;
    private final Clock clock;
    private final BooleanSupplier stopping;

    public NightlyRun(RunFiles files, Consumer<String> progress, Clock clock) {
        this(files, progress, clock, STOPPING::get);
        if (HOOKED.compareAndSet(false, true)) {
            ShutdownHookManager.get().addShutdownHook(() -> {
                STOPPING.set(true);
                interruptActiveRuns();
            }, HOOK_PRIORITY, HOOK_SECONDS, TimeUnit.SECONDS);
        }
    }

    /**
     * @param stopping true once the process is being stopped: a step that fails then is recorded as
     *     interrupted, not with the error its stopped Spark context raised (which reads like a bug)
     */
    NightlyRun(RunFiles files, Consumer<String> progress, Clock clock, BooleanSupplier stopping) {
        this.files = files;
        this.progress = line -> {
            synchronized (this) { // steps that run side by side report from their own threads
                progress.accept(line);
            }
        };
        this.clock = clock;
        this.stopping = stopping;
    }

    /**
     * What the shutdown hook does: records every run under way as interrupted (state and report)
     * before the JVM exits; steps such as training or a JDBC read do not throw when it stops, so
     * their run would otherwise stay {@code running} with an earlier report in place.
     */
    static void interruptActiveRuns() {
        for (Runnable interrupt : ACTIVE) {
            try {
                interrupt.run();
            } catch (RuntimeException e) {
                System.err.println("nightly run: could not record the interruption: " + e.getMessage());
            }
        }
    }

    /** Thrown when a step fails; the report and state are written before it is. */
    public static final class StepFailedException extends RuntimeException {
        private final transient RunReport report;

        StepFailedException(String message, Throwable cause, RunReport report) {
            super(message, cause);
            this.report = report;
        }

        public RunReport report() {
            return report;
        }
    }

    public RunReport run(List<NightlyStep> steps, RunRequest request) {
        List<String> names = steps.stream().map(NightlyStep::name).toList();
        if (names.stream().distinct().count() != names.size()) {
            throw new IllegalArgumentException("nightly step names must be unique: " + names);
        }
        RunPlan plan = RunPlan.of(names, request, files.readState());
        RunLedger ledger = new RunLedger(files, request, plan, names, clock);
        Runnable interrupt = () -> ledger.interrupt().ifPresent(r -> progress.accept(String.format(
                "nightly run of %s %s; recorded in %s/%s, the same command resumes there (report: %s/%s)",
                request.scope(), r.error(), files.directory(), RunFiles.STATE, files.directory(),
                RunFiles.REPORT_TEXT)));
        ACTIVE.add(interrupt);
        try {
            return run(steps, request, plan, ledger);
        } finally {
            ACTIVE.remove(interrupt);
        }
    }

    private RunReport run(List<NightlyStep> steps, RunRequest request, RunPlan plan, RunLedger ledger) {
        List<String> names = steps.stream().map(NightlyStep::name).toList();
        progress.accept(String.format("nightly run of %s: %s", request.scope(), plan.reason()));
        for (int i = 0; i < plan.start(); i++) {
            progress.accept(String.format("  [%d/%d] %s: skipped (%s)", i + 1, steps.size(), names.get(i),
                    plan.carriedOver().contains(names.get(i)) ? "finished in the earlier run" : "before --from-step"));
        }
        int i = plan.start();
        while (i < steps.size()) {
            int end = i + 1;
            while (end < steps.size() && steps.get(end).besidePrevious()) {
                end++;
            }
            List<Done> group = runGroup(steps, i, end, request.scope(), ledger);
            Done failed = group.stream().filter(d -> d != null && d.failure() != null).findFirst().orElse(null);
            RunReport interrupted = ledger.ended().orElse(null);
            if (interrupted != null) { // the shutdown hook ended the run
                throw new StepFailedException("nightly run of " + request.scope() + " " + interrupted.error()
                        + "; the same command resumes there", failed == null ? null : failed.failure(), interrupted);
            }
            if (failed != null) {
                Throwable e = failed.failure();
                String message = message(e);
                RunReport report = ledger.fail(failed.step().name(), message, e instanceof Interrupted);
                throw new StepFailedException("nightly step '" + failed.step().name() + "' failed for "
                        + request.scope() + ": " + message + "; finished steps are recorded in " + files.directory()
                        + "/" + RunFiles.STATE + ", so after fixing the cause the same command resumes at '"
                        + failed.step().name() + "' (report: " + files.directory() + "/" + RunFiles.REPORT_TEXT + ")",
                        e, report);
            }
            i = end;
        }
        RunReport report = ledger.succeed();
        progress.accept(String.format("nightly run of %s %s in %.1f s; report: %s/%s", request.scope(),
                report.warnings().isEmpty() ? "succeeded" : "succeeded with " + Counts.of(report.warnings().size(),
                        "warning"), report.seconds(), files.directory(), RunFiles.REPORT_TEXT));
        return report;
    }

    /** How one step ended: the result it gave, or what it threw. */
    private record Done(NightlyStep step, Throwable failure) {
    }

    /** A step that failed because the process was stopping. */
    private static final class Interrupted extends Exception {
        Interrupted(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Runs steps {@code from} (inclusive) to {@code to} (exclusive) at the same time ({@link
     * SideBySide}: each on its own thread started from this one, so a step inherits the caller's
     * thread-local context, such as Spark's job group) and waits for all. Progress lines are
     * printed as each starts and ends; each is recorded in the ledger as it ends.
     */
    private List<Done> runGroup(List<NightlyStep> steps, int from, int to, RunScope scope, RunLedger ledger) {
        Done[] done = new Done[to - from];
        Runnable[] group = new Runnable[to - from];
        for (int k = from; k < to; k++) {
            int at = k;
            group[at - from] = () -> done[at - from] = runStep(steps, at, scope, ledger);
        }
        SideBySide.run(group);
        return java.util.Arrays.asList(done);
    }

    private Done runStep(List<NightlyStep> steps, int i, RunScope scope, RunLedger ledger) {
        NightlyStep step = steps.get(i);
        if (!ledger.begin(i)) {
            return null; // the process is stopping: the run was recorded as interrupted
        }
        progress.accept(String.format("  [%d/%d] %s ...", i + 1, steps.size(), step.name()));
        Instant t0 = clock.instant();
        try {
            Object result = step.work().run(scope);
            double s = seconds(t0);
            progress.accept(String.format("  [%d/%d] %s done in %.1f s: %s", i + 1, steps.size(), step.name(), s,
                    result));
            List<String> warnings = result instanceof StepWarnings w ? List.copyOf(w.warnings()) : List.of();
            warnings.forEach(w -> progress.accept(String.format("  [%d/%d] %s WARN: %s", i + 1, steps.size(),
                    step.name(), w)));
            ledger.ran(i, s, result == null ? null : RunFiles.JSON.valueToTree(result),
                    result instanceof Figures f ? List.copyOf(f.figures()) : null, warnings);
            return new Done(step, null);
        } catch (Exception | LinkageError raised) {
            double s = seconds(t0);
            Throwable e = raised;
            if (stopping.getAsBoolean()) {
                e = new Interrupted(RunLedger.interruption(clock.instant(), "the step ran"), raised);
            }
            progress.accept(String.format("  [%d/%d] %s FAILED after %.1f s: %s", i + 1, steps.size(), step.name(), s,
                    message(e)));
            ledger.failed(i, s, message(e));
            return new Done(step, e);
        }
    }

    /** What the progress line and the reports say of a failed step; a password a message quotes is masked. */
    private static String message(Throwable e) {
        return io.shadow.features.config.Credentials.redact(e.getMessage() != null ? e.getMessage()
                : e.getClass().getName());
    }

    private double seconds(Instant t0) {
        return Duration.between(t0, clock.instant()).toMillis() / 1000.0;
    }
}
