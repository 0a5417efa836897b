package io.shadow.spark;

import java.util.List;

/**
 * A job's result that says what it did as labelled figures, one a line in the nightly run's
 * {@code report.txt}; {@code report.json} keeps the result's own fields.
 */
public interface Figures {
    List<Figure> figures();
}
