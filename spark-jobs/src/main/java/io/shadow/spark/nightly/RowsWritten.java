package io.shadow.spark.nightly;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.shadow.spark.Counts;
import io.shadow.spark.Figure;
import io.shadow.spark.Figures;
import io.shadow.spark.StepWarnings;
import java.time.LocalDate;
import java.util.List;

/**
 * What a step that rewrites one table wrote (features, baselines, novelty profiles): in {@code
 * report.json} {@code {"table": "silver/features", "rows": 61752, "unit": "feature row", "date":
 * "2026-11-24"}}, in the progress line and {@code report.txt} {@code 61,752 feature rows for 2026-11-24}.
 * {@code rows} counts {@code unit}s, which are not always the table's rows: the baselines step counts
 * one per entity and feature, while the table holds one per entity, feature and hour-of-day.
 *
 * @param table the table's path under the warehouse
 * @param date the event date written, or null for every date (or a table not kept per date)
 * @param unit what a row is, singular, for people: {@code feature row}
 * @param over what the rows cover, for people: {@code  for 2026-11-24}, {@code , every date} or empty
 */
public record RowsWritten(String table, long rows, @JsonInclude(JsonInclude.Include.NON_NULL) LocalDate date,
        String unit, @JsonIgnore String over, @JsonIgnore List<String> warnings)
        implements Figures, StepWarnings {

    public RowsWritten {
        warnings = List.copyOf(warnings);
    }

    /** A table rewritten as a whole. */
    public static RowsWritten of(String table, long rows, String unit) {
        return new RowsWritten(table, rows, null, unit, "", List.of());
    }

    /** The partition of one event date. */
    public static RowsWritten forDate(String table, long rows, LocalDate date, String unit, List<String> warnings) {
        return new RowsWritten(table, rows, date, unit, " for " + date, warnings);
    }

    /** Every event date's partition (the demo's full recompute). */
    public static RowsWritten everyDate(String table, long rows, String unit) {
        return new RowsWritten(table, rows, null, unit, ", every date", List.of());
    }

    @Override
    public List<Figure> figures() {
        return List.of(new Figure("Result", toString()));
    }

    @Override
    public String toString() {
        return Counts.of(rows, unit) + over;
    }
}
