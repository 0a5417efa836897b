package io.shadow.agents;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shadow.agents.intake.HealthReport;
import io.shadow.agents.ship.ShipStatus;
import io.shadow.agents.spool.Spool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent's part of {@code GET /health}: per consumer (landing zone, scorer) what it has not shipped,
 * when it last shipped and its last error; the sources that fail; loop threads that stopped. Problems
 * (503 {@code "degraded"}): a consumer failing for longer than {@code health.max-ship-lag}, a scorer
 * that refuses the agent's token (at once), a failing source, a stopped thread; with actions on, Shadow
 * refusing {@code actions.token} (at once) or commands not fetched for longer than that lag.
 */
final class AgentHealth implements HealthReport {
    private final Agent agent;
    private final Duration maxShipLag;

    AgentHealth(Agent agent, Duration maxShipLag) {
        this.agent = agent;
        this.maxShipLag = maxShipLag;
    }

    @Override
    public List<String> report(ObjectNode answer) {
        List<String> problems = new ArrayList<>();
        if (agent.scorer() != null) {
            answer.put("refused_by_scorer", agent.scorer().rejectedByScorer());
        }
        ObjectNode consumers = answer.putObject("consumers");
        for (ShipStatus s : new ShipStatus[] {agent.landingStatus(), agent.scorerStatus()}) {
            if (s != null) {
                consumer(consumers.putObject(s.consumer()), s, problems);
            }
        }
        ShipStatus commands = agent.commandsStatus();
        if (commands != null) {
            commands(answer.putObject("commands"), commands, problems);
        }
        ObjectNode sources = answer.putObject("failing_sources");
        agent.failingSources.forEach((name, why) -> {
            sources.put(name, why);
            problems.add("source " + name + " fails: " + why);
        });
        agent.stoppedThreads.forEach((name, why) -> problems.add("thread " + name + " stopped (" + why + "); restart "
                + "the agent"));
        return problems;
    }

    /**
     * Fetching Shadow's commands: a host that cannot fetch them is not mitigated (its isolations, process
     * suspensions and releases stay pending on Shadow's side), so a refused token is a problem at once and
     * an outage once it lasts longer than {@code health.max-ship-lag}.
     */
    private void commands(ObjectNode o, ShipStatus s, List<String> problems) {
        o.put("last_polled", s.lastShipped() == null ? null : s.lastShipped().toString());
        o.put("failing_since", s.failingSince() == null ? null : s.failingSince().toString());
        o.put("last_error", s.lastError());
        o.put("last_error_at", s.lastErrorAt() == null ? null : s.lastErrorAt().toString());
        if (s.tokenRefused()) {
            problems.add("Shadow refuses actions.token, so no command (isolate, suspend, release) reaches this host: "
                    + s.lastError());
        } else if (s.failingFor().compareTo(maxShipLag) > 0) {
            problems.add("fetching Shadow's commands has failed for " + s.failingFor().toSeconds() + " s (more than "
                    + "health.max-ship-lag " + maxShipLag + "): " + s.lastError());
        }
    }

    private void consumer(ObjectNode o, ShipStatus s, List<String> problems) {
        Spool.Backlog backlog = agent.spool().backlog(s.consumer());
        o.put("unshipped_records", backlog.records());
        o.put("unshipped_bytes", backlog.bytes());
        o.put("last_shipped", s.lastShipped() == null ? null : s.lastShipped().toString());
        o.put("failing_since", s.failingSince() == null ? null : s.failingSince().toString());
        o.put("last_error", s.lastError());
        o.put("last_error_at", s.lastErrorAt() == null ? null : s.lastErrorAt().toString());
        if (s.tokenRefused()) {
            problems.add(s.consumer() + " refuses the agent's token: " + s.lastError());
        } else if (s.failingFor().compareTo(maxShipLag) > 0) {
            problems.add("shipping to " + s.consumer() + " has failed for " + s.failingFor().toSeconds() + " s (more "
                    + "than health.max-ship-lag " + maxShipLag + "), " + backlog.records() + " record(s) wait: "
                    + s.lastError());
        }
    }
}
