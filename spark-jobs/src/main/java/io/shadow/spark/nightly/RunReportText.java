package io.shadow.spark.nightly;

import com.fasterxml.jackson.databind.JsonNode;
import io.shadow.spark.Counts;
import io.shadow.spark.Figure;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code report.txt}: the run's status, times and plan, then one section per step with its status
 * and its figures as labelled lines, units in the values. A result that gives no {@link
 * io.shadow.spark.Figures} (a sentence, or a record of counts) is shown by its fields, labelled in
 * words, so no record syntax or bare field name reaches the operator.
 */
final class RunReportText {
    private RunReportText() {
    }

    static String of(RunReport r) {
        StringBuilder b = new StringBuilder();
        b.append("Nightly run of ").append(scope(r.scope())).append(": ").append(status(r)).append('\n');
        if (!r.warnings().isEmpty()) {
            b.append('\n');
            for (RunReport.Warning w : r.warnings()) {
                b.append("  WARNING (").append(w.step()).append("): ").append(w.message()).append('\n');
            }
            b.append('\n');
        }
        List<Figure> run = new ArrayList<>(List.of(new Figure("Started", r.startedAt().toString()),
                new Figure("Finished", r.finishedAt() == null ? "not yet" : r.finishedAt().toString()),
                new Figure("Duration", seconds(r.seconds()) + (r.finishedAt() == null ? " so far" : "")),
                new Figure("Plan", r.plan())));
        if (r.error() != null) {
            run.add(new Figure("Error", r.error()));
        }
        lines(b, run);
        List<RunReport.StepOutcome> steps = r.steps();
        for (int i = 0; i < steps.size(); i++) {
            RunReport.StepOutcome s = steps.get(i);
            b.append('\n').append(String.format(Locale.ROOT, "Step %d of %d, %s: %s%n", i + 1, steps.size(), s.name(),
                    status(s)));
            lines(b, figures(s));
        }
        return b.toString();
    }

    private static String scope(String key) {
        return RunScope.ALL_DATES.key().equals(key) ? "every event date" : "event date " + key;
    }

    private static String status(RunReport r) {
        return switch (r.status()) {
            case RunState.RUNNING -> "running (if no nightly process runs it, it was killed; the same command resumes it)";
            case RunReport.SUCCEEDED_WITH_WARNINGS -> "succeeded with " + Counts.of(r.warnings().size(), "warning");
            default -> r.status();
        };
    }

    private static String status(RunReport.StepOutcome s) {
        return switch (s.status()) {
            case RunReport.RAN -> "ran in " + seconds(s.seconds());
            case RunReport.FAILED -> "failed after " + seconds(s.seconds());
            case RunReport.SKIPPED -> "skipped (see Plan above)";
            case RunReport.NOT_RUN -> "not run (a step before it failed)";
            case RunReport.RUNNING -> "running";
            case RunReport.PENDING -> "not started yet";
            default -> s.status();
        };
    }

    private static List<Figure> figures(RunReport.StepOutcome s) {
        if (s.error() != null) {
            return List.of(new Figure("Error", s.error()));
        }
        if (s.figures() != null) {
            return s.figures();
        }
        List<Figure> out = new ArrayList<>();
        if (s.result() != null) {
            fields(s.result(), "", out);
        }
        return out;
    }

    /** A result without figures of its own: a sentence as it is, an object's fields labelled in words. */
    private static void fields(JsonNode node, String prefix, List<Figure> out) {
        if (node.isValueNode()) {
            if (!node.isNull()) {
                out.add(new Figure(prefix.isEmpty() ? "Result" : prefix, value(node)));
            }
            return;
        }
        if (node.isArray()) {
            List<String> values = new ArrayList<>();
            node.forEach(v -> values.add(v.isValueNode() ? value(v) : v.toString()));
            if (!values.isEmpty()) {
                out.add(new Figure(prefix.isEmpty() ? "Result" : prefix, String.join(", ", values)));
            }
            return;
        }
        node.fields().forEachRemaining(e -> {
            String label = words(e.getKey());
            fields(e.getValue(), prefix.isEmpty() ? capitalised(label) : prefix + " " + label, out);
        });
    }

    private static String value(JsonNode v) {
        if (v.isIntegralNumber()) {
            return Counts.number(v.asLong());
        }
        if (v.isBoolean()) {
            return v.asBoolean() ? "yes" : "no";
        }
        return v.asText();
    }

    /** {@code holdoutRows} or {@code holdout_rows} as {@code holdout rows}. */
    private static String words(String field) {
        return field.replaceAll("([a-z0-9])([A-Z])", "$1 $2").replace('_', ' ').toLowerCase(Locale.ROOT);
    }

    private static String capitalised(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static String seconds(double s) {
        return String.format(Locale.ROOT, "%.1f s", s);
    }

    private static void lines(StringBuilder b, List<Figure> figures) {
        int w = figures.stream().mapToInt(f -> f.label().length()).max().orElse(0) + 1;
        for (Figure f : figures) {
            b.append("  ").append(String.format(Locale.ROOT, "%-" + w + "s", f.label() + ":")).append("  ").append(f.value())
                    .append('\n');
        }
    }
}
