package io.shadow.spark;

import java.util.List;

/**
 * A job's result that found something wrong without failing (no stored events for the date, a threat
 * feed refused): the nightly run lists the warnings at the top of its report and ends {@code
 * succeeded-with-warnings}, so an operator alerting on the status or the exit code hears of it.
 */
public interface StepWarnings {
    List<String> warnings();
}
