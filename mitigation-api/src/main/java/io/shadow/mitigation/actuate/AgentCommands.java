package io.shadow.mitigation.actuate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shadow.mitigation.store.CommandStore;
import io.shadow.mitigation.store.CommandStore.Command;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    private static final Logger LOG = LoggerFactory.getLogger(AgentCommands.class);
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
     * killed process cannot be brought back: nothing is issued for it). The reversal is held back while
     * another command of the same kind still holds the host (an isolation) or the process (a
     * suspension), executed or about to be: e.g. a medium-band isolation expiring or rejected must not
     * release a host that a later emergency isolated. The last one withdrawn releases it.
     *
     * @return false when the command was executed and has no reverse (a kill), so its effect stays;
     *     true otherwise (also when another command still holds what this one did: its own claim is gone)
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
            List<Command> holders = holders(c);
            Map<String, String> params = new LinkedHashMap<>(c.params());
            String pids = resultField(c, "pids");
            if (pids != null && !pids.isBlank()) {
                params.put("pid", pids);
            }
            if ("isolate_host".equals(c.action())) {
                if (!holders.isEmpty()) {
                    LOG.info("host {} stays isolated: command {} still isolates it ({} withdrawn)", c.host(),
                            holders.get(0).id(), id);
                    return true;
                }
            } else if (!holders.isEmpty()) {
                String free = stillHeldRemoved(pids, holders);
                if (free == null || free.isEmpty()) {
                    LOG.info("processes {} on host {} stay suspended: command {} still suspends them ({} withdrawn)",
                            pids == null ? c.params() : pids, c.host(), holders.get(0).id(), id);
                    return true;
                }
                params.put("pid", free);
            }
            issue(c.tenant(), c.host(), reverse, params);
        }
        return true;
    }

    /** Other commands of {@code c}'s kind on its host that are in force or about to be. */
    private List<Command> holders(Command c) {
        List<Command> out = new ArrayList<>();
        for (String status : List.of(DONE, PENDING)) {
            for (Command o : store.withStatus(c.tenant(), c.host(), status)) {
                if (o.action().equals(c.action()) && !o.id().equals(c.id())) {
                    out.add(o);
                }
            }
        }
        return out;
    }

    /**
     * {@code pids} (comma-separated) less those another suspension holds; null when it cannot be
     * told (a holder whose processes are not known yet, or no pids reported): then nothing is resumed.
     */
    private static String stillHeldRemoved(String pids, List<Command> holders) {
        if (pids == null || pids.isBlank()) {
            return null;
        }
        Set<String> held = new HashSet<>();
        for (Command h : holders) {
            String hp = resultField(h, "pids");
            if (hp == null || hp.isBlank()) {
                return null; // a pending suspension, or one without pids: it may hold any process
            }
            held.addAll(Arrays.asList(hp.split(",")));
        }
        StringBuilder free = new StringBuilder();
        for (String pid : pids.split(",")) {
            if (!held.contains(pid)) {
                free.append(free.isEmpty() ? "" : ",").append(pid);
            }
        }
        return free.toString();
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
