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
    public static Window parse(String from, String to) {
        Instant f = parse("--from", from, false);
        Instant t = parse("--to", to, true);
        if (!f.isBefore(t)) {
            throw BacktestErrors.emptyWindow(f, t);
        }
        return new Window(f, t);
    }

    private static Instant parse(String option, String value, boolean endOfDay) {
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
