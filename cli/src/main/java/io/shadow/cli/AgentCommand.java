package io.shadow.cli;

import io.shadow.agents.Agent;
import io.shadow.agents.AgentConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code shadow agent}: capture, spool and ship until stopped. */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Run the agent: capture sources and the HTTP intake into a durable spool, shipped to the "
                + "landing zone and/or the scorer (keys: docs/agent.md).")
final class AgentCommand implements Callable<Integer> {
    @Option(names = "--config", description = "Agent YAML config file.")
    Path config;

    @Option(names = "--set", description = "Override a config key, e.g. --set intake.port=8090 (repeatable).")
    List<String> sets = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        try (Agent agent = new Agent(AgentConfig.load(config, System.getenv(), sets)).start()) {
            Runtime.getRuntime().addShutdownHook(new Thread(agent::close));
            System.out.println("shadow agent running" + (agent.intakePort() >= 0 ? "; intake on port "
                    + agent.intakePort() : ""));
            agent.awaitStop();
        }
        return 0;
    }
}
