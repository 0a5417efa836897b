package io.shadow.mitigation.actuate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shadow.mitigation.store.CommandStore;
import io.shadow.mitigation.store.CommandStore.Command;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
 * A command the agent has fetched is {@link #IN_PROGRESS}: revoking it cannot stop the agent, so it
 * is {@link #CANCELLING} until the agent's acknowledgement says whether there is something to reverse.
 */
public final class AgentCommands {
    public static final String PENDING = "pending";
    /** Fetched by the agent, not acknowledged yet: it may be carrying it out right now. */
    public static final String IN_PROGRESS = "in_progress";
    /** Revoked while {@link #IN_PROGRESS}: what the agent did is reversed when it acknowledges it. */
    public static final String CANCELLING = "cancelling";
    public static final String DONE = "done";
    public static final String FAILED = "failed";
    public static final String CANCELLED = "cancelled";
    public static final String REVERTED = "reverted";
    /** Executed, then withdrawn while another command still held what it did: its reversal is owed. */
    public static final String WITHDRAWN = "withdrawn";
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
     * killed process cannot be brought back: nothing is issued for it). The reversal is owed, not
     * issued, while another command of the same kind still holds the host (an isolation) or the
     * process (a suspension), executed or about to be: e.g. a medium-band isolation expiring or
     * rejected must not release a host that a later emergency isolated. Such a command is
     * {@link #WITHDRAWN}; the reversal is issued when the last holder goes (withdrawn, cancelled, or
     * failed on the agent), see {@link #settle}. One the agent has fetched is {@link #CANCELLING}: its
     * acknowledgement decides ({@link #acknowledge}).
     *
     * @return false when the command was executed, or is being executed, and has no reverse (a kill),
     *     so its effect stays; true otherwise (also when another command still holds what this one did:
     *     its own claim is gone)
     */
    public synchronized boolean revoke(String id) {
        Optional<Command> found = store.get(id);
        if (found.isEmpty()) {
            return true;
        }
        Command c = found.get();
        if (store.transition(id, PENDING, CANCELLED, "shadow", null, null)) {
            settle(c); // it may have been what held back another command's reversal
            return true;
        }
        if (store.transition(id, IN_PROGRESS, CANCELLING, "shadow", null, null)) {
            return REVERSE.containsKey(c.action()); // a kill under way cannot be called back
        }
        if (!REVERSE.containsKey(c.action())) {
            // read again: the agent may have acknowledged it between the read above and the cancel
            String now = store.get(id).map(Command::status).orElse(c.status());
            return !DONE.equals(now) && !CANCELLING.equals(now);
        }
        if (store.transition(id, DONE, WITHDRAWN, "shadow", null, null)) {
            settle(c);
        }
        return true;
    }

    /**
     * Issues the reversals that withdrawn commands of {@code c}'s kind on its host owe, as far as no
     * command of that kind still holds (executed, or pending: the agent will carry it out). An
     * isolation is released when none holds the host; a suspension's processes are resumed as far as
     * no other suspension holds them (one not acknowledged yet, or without reported pids, holds them all).
     *
     * @return the ids of the reversals issued
     */
    private List<String> settle(Command c) {
        String reverse = REVERSE.get(c.action());
        if (reverse == null) {
            return List.of();
        }
        List<Command> owed = store.withStatus(c.tenant(), c.host(), WITHDRAWN).stream()
                .filter(w -> w.action().equals(c.action())).toList();
        if (owed.isEmpty()) {
            return List.of();
        }
        List<Command> holders = holders(c.tenant(), c.host(), c.action());
        List<String> issued = new ArrayList<>();
        if ("isolate_host".equals(c.action())) {
            if (!holders.isEmpty()) {
                LOG.info("host {} stays isolated: command {} still isolates it", c.host(), holders.get(0).id());
                return issued;
            }
            owed.forEach(w -> store.transition(w.id(), WITHDRAWN, REVERTED, "shadow", null, null));
            issued.add(issue(c.tenant(), c.host(), reverse, owed.get(owed.size() - 1).params()));
            return issued;
        }
        Set<String> held = heldPids(holders);
        for (Command w : owed) {
            Map<String, String> params = new LinkedHashMap<>(w.params());
            String pids = resultField(w, "pids");
            if (pids == null || pids.isBlank()) {
                if (holders.isEmpty()) { // which processes it stopped is not known: resume by its selector
                    store.transition(w.id(), WITHDRAWN, REVERTED, "shadow", null, null);
                    issued.add(issue(w.tenant(), w.host(), reverse, params));
                }
                continue;
            }
            if (held == null) {
                LOG.info("processes {} on host {} stay suspended: command {} still suspends processes not known yet",
                        pids, w.host(), holders.get(0).id());
                continue;
            }
            String[] all = pids.split(",");
            List<String> free = Arrays.stream(all).filter(p -> !held.contains(p)).toList();
            if (free.size() == all.length) {
                store.transition(w.id(), WITHDRAWN, REVERTED, "shadow", null, null);
            }
            if (!free.isEmpty()) {
                params.put("pid", String.join(",", free));
                issued.add(issue(w.tenant(), w.host(), reverse, params));
            }
        }
        return issued;
    }

    /**
     * Commands of {@code action} on the host that are in force or about to be: a cancelling one too,
     * as the agent may have carried it out (its reversal follows its acknowledgement).
     */
    private List<Command> holders(String tenant, String host, String action) {
        return store.withStatuses(tenant, host, List.of(DONE, PENDING, IN_PROGRESS, CANCELLING)).stream()
                .filter(o -> o.action().equals(action)).toList();
    }

    /** The pids suspensions hold; null when one may hold any (not acknowledged yet, or without reported pids). */
    private static Set<String> heldPids(List<Command> holders) {
        Set<String> held = new HashSet<>();
        for (Command h : holders) {
            String hp = DONE.equals(h.status()) ? resultField(h, "pids") : null;
            if (hp == null || hp.isBlank()) {
                return null;
            }
            held.addAll(Arrays.asList(hp.split(",")));
        }
        return held;
    }

    /** Pending commands for a host (not fetched by its agent yet), oldest first. */
    public List<Command> pending(String tenant, String host) {
        return store.withStatus(tenant, host, PENDING);
    }

    /**
     * The commands a host's agent is to carry out, oldest first: the pending ones, now
     * {@link #IN_PROGRESS}, and again those fetched before but not acknowledged (the answer or the
     * acknowledgement was lost, or the agent restarted: its journal keeps it from running one twice),
     * {@link #CANCELLING} ones among them (an agent that has not run one yet acknowledges it as not
     * carried out).
     */
    public synchronized List<Command> fetch(String tenant, String host) {
        for (Command c : pending(tenant, host)) {
            // one revoked meanwhile stays cancelled and is not handed out
            store.fetched(c.id(), clock.instant());
        }
        return store.withStatuses(tenant, host, List.of(IN_PROGRESS, CANCELLING));
    }

    /**
     * What an acknowledgement did: the command's status after it, whether it had been revoked while
     * the agent carried it out ({@link #CANCELLING}), and the reversals it issued.
     */
    public record Acknowledged(String status, boolean revoked, List<String> reversals) {
    }

    /**
     * An agent reports a command executed ({@code ok}) or failed, with what it did (JSON object:
     * {@code detail}, {@code pids}). One revoked while the agent carried it out is taken all the
     * same: carried out, it is {@link #WITHDRAWN} and reversed at once, as far as no other command
     * holds what it did (a kill stays {@link #DONE}: it has no reverse); not carried out, it is
     * {@link #CANCELLED}.
     *
     * @return empty when the command is unknown or was acknowledged already
     */
    public synchronized Optional<Acknowledged> acknowledge(String id, String agent, boolean ok, String resultJson) {
        String result = resultJson == null ? "{}" : resultJson;
        Instant at = clock.instant();
        for (String from : List.of(IN_PROGRESS, PENDING)) {
            if (store.transition(id, from, ok ? DONE : FAILED, agent, at, result)) {
                // a failed holder holds nothing
                List<String> reversals = ok ? List.of() : store.get(id).map(this::settle).orElse(List.of());
                return Optional.of(new Acknowledged(ok ? DONE : FAILED, false, reversals));
            }
        }
        Optional<Command> c = store.get(id);
        if (c.isEmpty()) {
            return Optional.empty();
        }
        String to = !ok ? CANCELLED : REVERSE.containsKey(c.get().action()) ? WITHDRAWN : DONE;
        if (!store.transition(id, CANCELLING, to, agent, at, result)) {
            return Optional.empty();
        }
        List<String> reversals = settle(c.get());
        return Optional.of(new Acknowledged(store.get(id).map(Command::status).orElse(to), true, reversals));
    }

    /**
     * Commands not reported silent yet whose agent has not fetched them within {@code fetchTimeout} of their
     * issue, or not acknowledged them within {@code ackTimeout} of fetching them; see {@link CommandStore#unconfirmed}.
     */
    public List<CommandStore.Unconfirmed> unconfirmed(Duration fetchTimeout, Duration ackTimeout) {
        Instant now = clock.instant();
        return store.unconfirmed(now.minus(fetchTimeout), now.minus(ackTimeout));
    }

    /**
     * Marks the command reported silent while it is still in its status: when, or empty when another sweep
     * did, or it moved on.
     */
    public Optional<Instant> reportSilent(Command c) {
        Instant at = clock.instant();
        return store.reportSilent(c.id(), c.status(), at) ? Optional.of(at) : Optional.empty();
    }

    /** Takes back a mark {@link #reportSilent} made at {@code at}: reporting failed, a later sweep tries again. */
    public void unmarkSilent(Command c, Instant at) {
        store.unmarkSilent(c.id(), at);
    }

    /** When the command was reported as not confirmed by its agent; empty when it never was. */
    public Optional<Instant> reportedSilentAt(String id) {
        return store.reportedSilentAt(id);
    }

    /** The command that reverses {@code action} ({@code release_host} for {@code isolate_host}…); empty for a kill. */
    public static Optional<String> reverseOf(String action) {
        return Optional.ofNullable(REVERSE.get(action));
    }

    public Optional<Command> get(String id) {
        return store.get(id);
    }

    /**
     * The command a reversal ({@code release_host}, {@code resume_process}) took back: the latest of the
     * reversed kind on its host that was reverted when the reversal was issued; empty for another command.
     */
    public Optional<Command> reversedBy(Command reversal) {
        Optional<String> original = REVERSE.entrySet().stream().filter(e -> e.getValue().equals(reversal.action()))
                .map(Map.Entry::getKey).findFirst();
        if (original.isEmpty()) {
            return Optional.empty();
        }
        return store.withStatus(reversal.tenant(), reversal.host(), REVERTED).stream()
                .filter(c -> c.action().equals(original.get()) && !c.issuedAt().isAfter(reversal.issuedAt()))
                .reduce((a, b) -> b);
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
