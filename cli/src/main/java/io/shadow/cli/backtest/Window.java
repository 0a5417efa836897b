package io.shadow.cli.backtest;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * A backtest's time window from the command line: dates are whole UTC days ({@code --to} inclusive),
 * instants are exact ({@code --to} exclusive).
 */
public record Window(Instant from, Instant to) {
    /** The window {@code --from from --to to} as the user typed them; refused, quoting them, when it is empty. */
    public static Window parse(String from, String to) {
        Instant f = bound("--from", from, false);
        Instant t = bound("--to", to, true);
        if (!f.isBefore(t)) {
            throw BacktestErrors.emptyWindow(from.trim(), to.trim(), f, t);
        }
        return new Window(f, t);
    }

    /** The window from {@code from} (inclusive) to {@code to} (exclusive); refused when it is empty. */
    public static Window of(Instant from, Instant to) {
        if (!from.isBefore(to)) {
            throw BacktestErrors.emptyWindow(from, to);
        }
        return new Window(from, to);
    }

    /**
     * One end of a window as {@code option} gave it: a date is its UTC midnight, or with
     * {@code endOfDay} the next one (an inclusive end date); an instant is itself.
     */
    public static Instant bound(String option, String value, boolean endOfDay) {
        String v = value.trim();
        try {
            if (v.length() == 10) {
                LocalDate d = LocalDate.parse(v);
                return (endOfDay ? d.plusDays(1) : d).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw BacktestErrors.badDate(option, value);
        }
    }
}
