package io.shadow.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** The real command line ({@link Main#commandLine()}) with what it prints captured, as a terminal would show it. */
final class CliRun {
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    int run(String... args) {
        return Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    }
}
