package io.shadow.spark.nightly;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * What one nightly run did, written as {@code report.json} (for machines) and {@code report.txt}
 * (the table below, for people) under {@code _reports/<date>/}.
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
     */
    public record StepOutcome(String name, String status, double seconds, JsonNode result, String error) {
    }

    public List<String> ran() {
        return steps.stream().filter(s -> RAN.equals(s.status())).map(StepOutcome::name).toList();
    }

    public List<String> skipped() {
        return steps.stream().filter(s -> SKIPPED.equals(s.status())).map(StepOutcome::name).toList();
    }

    /** The human table: one line per step. */
    public String table() {
        int w = Math.max(4, steps.stream().mapToInt(s -> s.name().length()).max().orElse(4));
        StringBuilder b = new StringBuilder();
        b.append(String.format("nightly run of %s: %s in %.1f s (%s to %s)%n", scope, status, seconds, startedAt,
                finishedAt));
        b.append(plan).append('\n');
        String fmt = "%-" + w + "s  %-7s  %8s  %s%n";
        b.append(String.format(fmt, "step", "status", "seconds", "result"));
        b.append("-".repeat(w + 30)).append('\n');
        for (StepOutcome s : steps) {
            String result = s.error() != null ? "error: " + s.error() : s.result() == null ? "" : summary(s.result());
            b.append(String.format(fmt, s.name(), s.status(), RAN.equals(s.status()) || FAILED.equals(s.status())
                    ? String.format("%.1f", s.seconds()) : "-", result));
        }
        return b.toString();
    }

    private static String summary(JsonNode result) {
        if (result.isTextual() || result.isNumber()) {
            return result.asText();
        }
        StringBuilder b = new StringBuilder();
        result.fields().forEachRemaining(e -> {
            if (e.getValue().isValueNode() && !e.getValue().isNull()) {
                b.append(b.length() > 0 ? ", " : "").append(e.getKey()).append(' ').append(e.getValue().asText());
            }
        });
        String s = b.toString();
        return s.length() > 100 ? s.substring(0, 97) + "..." : s;
    }
}
