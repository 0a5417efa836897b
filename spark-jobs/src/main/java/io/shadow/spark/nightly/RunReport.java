package io.shadow.spark.nightly;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import io.shadow.spark.Figure;
import io.shadow.spark.Figures;
import java.time.Instant;
import java.util.List;

/**
 * What one nightly run did, written as {@code report.json} (for machines) and {@code report.txt}
 * ({@link #table()}, for people) under {@code _reports/<date>/}.
 *
 * @param status {@code running} (written when a run starts, so an earlier run's report never stands for
 *     this one), {@code succeeded}, {@code succeeded-with-warnings}, {@code failed} or {@code interrupted}
 * @param warnings what a step found wrong without failing (e.g. no stored events for the date); any
 *     makes the status {@code succeeded-with-warnings} and {@code bin/shadow nightly} exit 3
 * @param finishedAt null while the run is under way
 * @param plan where the run started and why (first run, resume, --from-step, --restart)
 * @param steps every step in order, with what happened to it in this run
 */
public record RunReport(String scope, String status, List<Warning> warnings, Instant startedAt, Instant finishedAt, double seconds,
        String plan, List<StepOutcome> steps, String error) {

    /** The run's status when every step finished but one or more warned. */
    public static final String SUCCEEDED_WITH_WARNINGS = "succeeded-with-warnings";

    /**
     * Ran this time and finished, failed, was skipped (finished earlier or before --from-step) or never
     * reached; in the report of a run under way, running now or not started yet.
     */
    public static final String RAN = "ran";
    public static final String FAILED = "failed";
    public static final String SKIPPED = "skipped";
    public static final String NOT_RUN = "not run";
    public static final String RUNNING = "running";
    public static final String PENDING = "pending";

    public RunReport {
        warnings = List.copyOf(warnings == null ? List.of() : warnings);
    }

    /** Something a step found wrong without failing, e.g. {@code no stored events for 2026-11-24 in …}. */
    public record Warning(String step, String message) {
    }

    /**
     * @param result the step's own figures (rows written, model version, …); null unless it ran
     * @param figures the same as labelled lines for {@code report.txt}, when the result gave them
     *     ({@link Figures}); else the text report labels the fields of {@code result}. Not in
     *     {@code report.json}
     */
    public record StepOutcome(String name, String status, double seconds, JsonNode result, String error,
            @JsonIgnore List<Figure> figures) {
        public StepOutcome(String name, String status, double seconds, JsonNode result, String error) {
            this(name, status, seconds, result, error, null);
        }
    }

    public List<String> ran() {
        return steps.stream().filter(s -> RAN.equals(s.status())).map(StepOutcome::name).toList();
    }

    public List<String> skipped() {
        return steps.stream().filter(s -> SKIPPED.equals(s.status())).map(StepOutcome::name).toList();
    }

    /** The report an operator reads ({@code report.txt}): the run, then one section per step. */
    public String table() {
        return RunReportText.of(this);
    }
}
