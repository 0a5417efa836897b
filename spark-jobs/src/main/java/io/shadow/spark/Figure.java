package io.shadow.spark;

/**
 * One labelled figure of a step's result in the nightly run report, the unit in the value:
 * {@code Events ingested: 105,242 events}.
 */
public record Figure(String label, String value) {
    /** A count with its unit, plural by adding "s": {@code count("Events ingested", 2, "event")}. */
    public static Figure count(String label, long n, String unit) {
        return new Figure(label, Counts.of(n, unit));
    }

    public static Figure count(String label, long n, String one, String many) {
        return new Figure(label, Counts.of(n, one, many));
    }
}
