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
 * @param status {@code succeeded} or {@code failed}
 * @param plan where the run started and why (first run, resume, --from-step, --restart)
 * @param steps every step in order, with what happened to it in this run
 */
public record RunReport(String scope, String status, Instant startedAt, Instant finishedAt, double seconds,
        String plan, List<StepOutcome> steps, String error) {

    /** Ran this time and finished, failed, was skipped (finished earlier or before --from-step) or never reached. */
    public static final String RAN = "ran";
    public static final String FAILED = "failed";
    public static final String SKIPPED = "skipped";
    public static final String NOT_RUN = "not run";

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
