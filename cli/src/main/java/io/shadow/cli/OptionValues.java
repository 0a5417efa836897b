package io.shadow.cli;

import io.shadow.spark.SparkSessions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Checks of option values while the command line is parsed, so a bad value fails at once with the
 * option, the value and what is allowed (exit 2 with the usage), not after minutes of work.
 */
final class OptionValues {
    private OptionValues() {
    }

    static int between(CommandSpec spec, String option, int value, int min, int max, String what) {
        check(spec, value >= min && value <= max, option, value, min + " to " + max + " " + what);
        return value;
    }

    static long atLeast(CommandSpec spec, String option, long value, long min, String what) {
        check(spec, value >= min, option, value, "at least " + min + " " + what);
        return value;
    }

    static String sparkMaster(CommandSpec spec, String option, String value) {
        check(spec, SparkSessions.isMaster(value), option, value, SparkSessions.MASTERS);
        return value;
    }

    static void check(CommandSpec spec, boolean ok, String option, Object value, String expected) {
        if (!ok) {
            throw invalid(spec, option, value, expected);
        }
    }

    static ParameterException invalid(CommandSpec spec, String option, Object value, String expected) {
        return new ParameterException(spec.commandLine(), "invalid " + option + " " + value + "; expected "
                + expected);
    }
}
