package io.shadow.spark.nightly;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * What one nightly run covers: one UTC event date (the operator's unit: {@code --date}, default
 * yesterday), or every date in bronze (the demo's full recompute). Its {@link #key} names the
 * run's state and report folder under {@code _reports/}.
 */
public record RunScope(LocalDate date) {
    /** Every event date at once. */
    public static final RunScope ALL_DATES = new RunScope(null);

    public static RunScope of(LocalDate date) {
        return new RunScope(java.util.Objects.requireNonNull(date, "date"));
    }

    /** Yesterday in UTC: the last complete day when a nightly run starts after midnight. */
    public static RunScope yesterdayUtc(java.time.Clock clock) {
        return of(LocalDate.now(clock.withZone(ZoneOffset.UTC)).minusDays(1));
    }

    /**
     * Parses an operator's {@code --date}; the message names the flag, the value and the form.
     *
     * @param today UTC today: dates after it have no events yet and are refused
     */
    public static RunScope parse(String text, LocalDate today) {
        LocalDate d;
        try {
            d = LocalDate.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--date '" + text + "' is not a date; use YYYY-MM-DD, e.g. "
                    + today.minusDays(1));
        }
        if (d.isAfter(today)) {
            throw new IllegalArgumentException("--date " + d + " is in the future (today is " + today
                    + " UTC); the nightly run processes a day whose events have arrived");
        }
        return of(d);
    }

    public boolean allDates() {
        return date == null;
    }

    public String key() {
        return date == null ? "all-dates" : date.toString();
    }

    @Override
    public String toString() {
        return date == null ? "every event date" : "event date " + date;
    }
}
