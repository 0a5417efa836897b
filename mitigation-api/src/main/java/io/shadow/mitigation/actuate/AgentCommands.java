package io.shadow.mitigation.actuate;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Commands for host agents (isolate a host, suspend a process), which agents poll for and
 * acknowledge. A revoked command that an agent already executed is answered by its reverse
 * ({@code release_host}, {@code resume_process}).
 */
public final class AgentCommands {
    /** A command for the agent on {@code host}. */
    public record Command(String id, String tenant, String host, String action, Map<String, String> params,
            Instant issuedAt, String status) {
    }

    private final Clock clock;
    private final Map<String, Command> commands = new ConcurrentHashMap<>();

    public AgentCommands(Clock clock) {
        this.clock = clock;
    }

    public String issue(String tenant, String host, String action, Map<String, String> params) {
        String id = "cmd-" + UUID.randomUUID();
        commands.put(id, new Command(id, tenant, host, action, Map.copyOf(params), clock.instant(), "pending"));
        return id;
    }

    /** Withdraws a command: pending ones are cancelled, executed ones get a reversing command. */
    public void revoke(String id) {
        Command c = commands.get(id);
        if (c == null) {
            return;
        }
        if ("pending".equals(c.status())) {
            commands.put(id, withStatus(c, "cancelled"));
        } else if ("done".equals(c.status())) {
            String reverse = c.action().equals("isolate_host") ? "release_host" : "resume_process";
            issue(c.tenant(), c.host(), reverse, c.params());
            commands.put(id, withStatus(c, "reverted"));
        }
    }

    /** Pending commands for a host, oldest first. */
    public List<Command> pending(String tenant, String host) {
        List<Command> out = new ArrayList<>();
        for (Command c : commands.values()) {
            if (c.tenant().equals(tenant) && c.host().equals(host) && "pending".equals(c.status())) {
                out.add(c);
            }
        }
        out.sort((a, b) -> a.issuedAt().compareTo(b.issuedAt()));
        return out;
    }

    /** An agent reports a command executed. */
    public boolean acknowledge(String id) {
        Command c = commands.get(id);
        if (c == null || !"pending".equals(c.status())) {
            return false;
        }
        commands.put(id, withStatus(c, "done"));
        return true;
    }

    public Command get(String id) {
        return commands.get(id);
    }

    private static Command withStatus(Command c, String status) {
        return new Command(c.id(), c.tenant(), c.host(), c.action(), c.params(), c.issuedAt(), status);
    }
}
