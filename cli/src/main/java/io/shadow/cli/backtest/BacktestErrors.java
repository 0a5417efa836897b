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
