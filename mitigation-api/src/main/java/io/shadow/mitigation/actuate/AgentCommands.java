package io.shadow.mitigation.actuate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shadow.mitigation.store.CommandStore;
import io.shadow.mitigation.store.CommandStore.Command;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Commands for host agents (isolate a host, suspend or kill a process), which agents poll for and
 * acknowledge with what they did. Kept in the store, so a restart neither loses nor repeats one.
 * A revoked command that an agent already executed is answered by its reverse ({@code release_host},
 * {@code resume_process} for the very processes it suspended); an executed kill has no reverse.
 */
public final class AgentCommands {
    public static final String PENDING = "pending";
    public static final String DONE = "done";
    public static final String FAILED = "failed";
    public static final String CANCELLED = "cancelled";
    public static final String REVERTED = "reverted";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> REVERSE = Map.of("isolate_host", "release_host",
            "suspend_process", "resume_process");

    private final CommandStore store;
    private final Clock clock;

    public AgentCommands(CommandStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public String issue(String tenant, String host, String action, Map<String, String> params) {
        String id = "cmd-" + UUID.randomUUID();
        store.insert(new Command(id, tenant, host, action, Map.copyOf(params), clock.instant(), PENDING, null, null));
        return id;
    }

    /**
     * Withdraws a command: a pending one is cancelled, an executed one gets a reversing command (a
     * killed process cannot be brought back: nothing is issued for it).
     *
     * @return false when the command was executed and has no reverse (a kill), so its effect stays
     */
    public boolean revoke(String id) {
        Optional<Command> found = store.get(id);
        if (found.isEmpty()) {
            return true;
        }
        Command c = found.get();
        if (store.transition(id, PENDING, CANCELLED, "shadow", null, null)) {
            return true;
        }
        String reverse = REVERSE.get(c.action());
        if (reverse == null) {
            // read again: the agent may have acknowledged it between the read above and the cancel
            return !DONE.equals(store.get(id).map(Command::status).orElse(c.status()));
        }
        if (store.transition(id, DONE, REVERTED, "shadow", null, null)) {
            Map<String, String> params = new LinkedHashMap<>(c.params());
            String pids = resultField(c, "pids");
            if (pids != null && !pids.isBlank()) {
                params.put("pid", pids);
            }
            issue(c.tenant(), c.host(), reverse, params);
        }
        return true;
    }

    /** Pending commands for a host, oldest first. */
    public List<Command> pending(String tenant, String host) {
        return store.withStatus(tenant, host, PENDING);
    }

    /**
     * An agent reports a command executed ({@code ok}) or failed, with what it did (JSON object:
     * {@code detail}, {@code pids}).
     */
    public boolean acknowledge(String id, String agent, boolean ok, String resultJson) {
        return store.transition(id, PENDING, ok ? DONE : FAILED, agent, clock.instant(),
                resultJson == null ? "{}" : resultJson);
    }

    public Optional<Command> get(String id) {
        return store.get(id);
    }

    private static String resultField(Command c, String field) {
        if (c.result() == null) {
            return null;
        }
        try {
            JsonNode n = JSON.readTree(c.result()).path(field);
            if (n.isArray()) {
                StringBuilder sb = new StringBuilder();
                n.forEach(x -> sb.append(sb.isEmpty() ? "" : ",").append(x.asText()));
                return sb.toString();
            }
            return n.isMissingNode() || n.isNull() ? null : n.asText();
        } catch (IOException e) {
            return null;
        }
    }
}
