package io.shadow.spark;

import java.util.Locale;

/**
 * Counts as a person reads them in a job's one-line result (the nightly progress): digits grouped,
 * the unit singular or plural, e.g. {@code 105,242 events in 1 batch}.
 */
public final class Counts {
    private Counts() {
    }

    /** {@code n} and the unit, plural by adding "s". */
    public static String of(long n, String unit) {
        return of(n, unit, unit + "s");
    }

    public static String of(long n, String one, String many) {
        return number(n) + " " + (n == 1 ? one : many);
    }

    /** {@code n} with its digits grouped by thousands. */
    public static String number(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
