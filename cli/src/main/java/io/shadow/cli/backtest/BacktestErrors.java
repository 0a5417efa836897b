package io.shadow.cli.backtest;

import java.time.Instant;

/** Every message a backtest can fail with, written once: what is wrong, where, and what to do. */
final class BacktestErrors {
    private BacktestErrors() {
    }

    static IllegalArgumentException emptyWindow(Instant from, Instant to) {
        return new IllegalArgumentException("--from " + from + " is not before --to " + to
                + "; give a window such as --from 2026-11-09 --to 2026-11-10");
    }

    /** An empty window as the user typed it: a date {@code --to} means the end of that day, so say so. */
    static IllegalArgumentException emptyWindow(String from, String to, Instant fromInstant, Instant toInstant) {
        String fromDate = from.substring(0, Math.min(10, from.length()));
        boolean toIsDate = to.length() == 10;
        return new IllegalArgumentException("--from " + from + " --to " + to + " is an empty window: it would run "
                + "from " + fromInstant + " to " + toInstant + (toIsDate ? " (a date --to is inclusive: the window "
                        + "ends at the end of that UTC day). Give a --to date on or after the --from date, e.g. "
                        + "--from " + fromDate + " --to " + fromDate + " for that one day"
                        : " (an instant --to is exclusive). Give a --to later than --from"));
    }

    static IllegalArgumentException missingTable(String what, String path) {
        return new IllegalArgumentException("no " + what + " table at " + path + "; `bin/shadow nightly --config FILE` "
                + "(or `bin/shadow demo`) writes it; point --data or --config at that installation's data");
    }

    static IllegalArgumentException noEvents(Instant from, Instant to, String path, String span) {
        return new IllegalArgumentException("no stored events between " + from + " and " + to + " in " + path
                + "; the table holds " + span + "; choose --from/--to inside it");
    }

    static IllegalArgumentException badDate(String option, String value) {
        return new IllegalArgumentException(option + " '" + value + "' is not a date or instant; use 2026-11-09 "
                + "(UTC midnight) or 2026-11-09T10:00:00Z");
    }
}
