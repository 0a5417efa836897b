package io.shadow.spark.nightly;

import com.fasterxml.jackson.annotation.JsonValue;
import io.shadow.spark.Figure;
import io.shadow.spark.Figures;
import io.shadow.spark.StepWarnings;
import java.util.List;

/**
 * A step's result with warnings the run found about it (late events for a date already run, a TAXII
 * outage): reported as the result itself, the warnings at the top of the run's report.
 */
record WithWarnings(@JsonValue Object result, List<String> warnings) implements Figures, StepWarnings {

    WithWarnings {
        warnings = List.copyOf(warnings);
    }

    /** {@code result} itself when there is nothing to warn about, else with the warnings. */
    static Object of(Object result, List<String> warnings) {
        return warnings.isEmpty() ? result : new WithWarnings(result, warnings);
    }

    @Override
    public List<Figure> figures() {
        return result instanceof Figures f ? f.figures() : List.of(new Figure("Result", String.valueOf(result)));
    }

    @Override
    public String toString() {
        return String.valueOf(result);
    }
}
