package io.shadow.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/shadow}: one entry point, a subcommand per task. Parsing and wiring only. */
@Command(name = "bin/shadow", mixinStandardHelpOptions = true, version = "shadow 0.1.0",
        footer = "%n  agent      Run the agent: host metrics, processes, CloudTrail and an HTTP%n"
                + "               intake into a durable spool, shipped to the landing zone and%n"
                + "               the scorer (bin/shadow agent --help; it runs on the agents%n"
                + "               module's own small classpath).",
        description = "Predictive security mitigation: learn normal behaviour, detect deviations early, act, "
                + "then explain.",
        subcommands = {DemoCommand.class, ServeCommand.class, NightlyCommand.class, ProfilesCommand.class,
            NabCommand.class, NabScoreCommand.class, BacktestCommand.class, TrainCommand.class, ModelsCommand.class,
            CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        // a thread ended by an exception no code caught is told in the structured log, not as a bare
        // stack trace on stderr that log collectors cannot parse
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> org.slf4j.LoggerFactory.getLogger(Main.class)
                .error("thread {} ended by an uncaught {}", t.getName(), e.toString(), e));
        System.exit(commandLine().execute(args));
    }

    /** The command line with its error handling: a user's mistake exits 2, anything else 1. */
    public static CommandLine commandLine() {
        return new CommandLine(new Main())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("error: " + e.getMessage());
                    if (Boolean.getBoolean("shadow.debug")) {
                        e.printStackTrace(cmd.getErr());
                    }
                    return e instanceof IllegalArgumentException ? 2 : 1;
                });
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** No command given: a usage error (exit 2) naming the commands, not a silent success. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "give a command: "
                + String.join(", ", spec.subcommands().keySet().stream().filter(c -> !c.equals("help")).toList())
                + " or agent (bin/shadow COMMAND --help for one, bin/shadow --help for all)");
    }
}
