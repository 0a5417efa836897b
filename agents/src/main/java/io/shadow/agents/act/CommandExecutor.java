package io.shadow.agents.act;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes the commands Shadow issues for this host: polls {@code GET /v1/agent/commands}, acts
 * (suspend, resume or kill processes; isolate or release the host), and acknowledges each with
 * {@code {ok, detail, pids}} so Shadow knows what to reverse on undo. A command that cannot be
 * carried out is acknowledged as failed with the reason, never left pending (one that would signal
 * only Shadow's own processes, or a process whose pid was reused, is refused so, saying which); a command is run at
 * most once ({@link CommandJournal}), however often its acknowledgement has to be repeated. One handed out again as
 * {@code cancelling} (withdrawn since an earlier poll) that this agent never ran is not run: it is acknowledged as
 * not carried out.
 */
public final class CommandExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(CommandExecutor.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The status of a command revoked after it was handed out (see the mitigation API's AgentCommands). */
    private static final String CANCELLING = "cancelling";
    private final URI base;
    private final String token;
    private final String tenant;
    private final String host;
    private final HttpClient http;
    private final ProcessControl processes;
    private final HostIsolation isolation;
    private final CommandJournal journal;

    /**
     * @param isolation null when host isolation is off on this agent
     * @param journal where executed commands are remembered, so that none runs twice
     */
    public CommandExecutor(URI base, String token, String tenant, String host, HttpClient http,
            ProcessControl processes, HostIsolation isolation, CommandJournal journal) {
        this.base = base;
        this.token = token;
        this.tenant = tenant;
        this.host = host;
        this.http = http;
        this.processes = processes;
        this.isolation = isolation;
        this.journal = journal;
    }

    /** What one command did. */
    public record Result(String commandId, String action, boolean ok, String detail, List<Long> pids) {
    }

    /** Shadow did not give the commands; {@code tokenRefused} when it refused {@code actions.token} (401/403). */
    public static final class PollFailed extends IOException {
        private final boolean tokenRefused;

        PollFailed(boolean tokenRefused, String message) {
            super(message);
            this.tokenRefused = tokenRefused;
        }

        public boolean tokenRefused() {
            return tokenRefused;
        }
    }

    /** Fetches and executes the pending commands once; returns what each did. */
    public List<Result> pollOnce() throws IOException, InterruptedException {
        String q = "/v1/agent/commands?tenant=" + enc(tenant) + "&host=" + enc(host);
        HttpResponse<String> r = send(HttpRequest.newBuilder(base.resolve(q)).GET());
        if (r.statusCode() != 200) {
            throw new PollFailed(r.statusCode() == 401 || r.statusCode() == 403, "GET " + q + " answered HTTP "
                    + r.statusCode() + ": " + r.body()
                    + (r.statusCode() == 401 ? " (actions.token is not a token Shadow accepts: set it to an agent-role "
                            + "token of auth.tokens)"
                    : r.statusCode() == 403 ? " (actions.token may not read these commands: it needs the agent role, "
                            + "and a token bound to a host or tenant reads only that host's and tenant's)" : ""));
        }
        List<Result> results = new java.util.ArrayList<>();
        for (JsonNode c : JSON.readTree(r.body())) {
            String id = c.path("id").asText();
            String action = c.path("action").asText();
            // a command seen before (its ack was lost, or the agent restarted) is acknowledged, not run again
            Result res = journal.outcome(id, action).orElse(null);
            String misaddressed = res == null ? misaddressed(c) : null;
            if (misaddressed != null) {
                // Shadow hands an agent its own host's commands only: this answer is not Shadow's (an impersonated
                // or intercepted actions.url) or a bug, and a process kill or an isolation must not follow it
                LOG.error("command {} ({}) is {}; not run", id, action, misaddressed);
                res = new Result(id, action, false, "not carried out: the command is " + misaddressed, List.of());
            }
            if (res == null && CANCELLING.equals(c.path("status").asText())) {
                // Shadow withdrew it after an earlier poll handed it out, and this agent never ran it
                // (it stopped before it could, or that answer was lost): it is not run now
                LOG.info("command {} ({}) was withdrawn before this agent carried it out; not run", id, action);
                res = new Result(id, action, false, "not carried out: Shadow withdrew it before this agent ran it",
                        List.of());
            }
            if (res == null) {
                journal.started(id, action);
                res = execute(id, action, params(c.path("params")));
                journal.done(res);
            }
            ack(res);
            results.add(res);
        }
        return results;
    }

    /** Why command {@code c} is not this agent's to run (another or no host, another tenant), or null. */
    private String misaddressed(JsonNode c) {
        String to = c.path("host").asText("");
        if (!host.equals(to)) {
            return "addressed to " + (to.isEmpty() ? "no host" : "host '" + to + "'") + ", and this agent acts for "
                    + "host '" + host + "' only";
        }
        String tenantOf = c.path("tenant").asText("");
        if (!tenantOf.equals(tenant)) {
            return (tenantOf.isEmpty() ? "of no tenant" : "of tenant '" + tenantOf + "'") + ", and this agent acts for "
                    + "tenant '" + tenant + "' only";
        }
        return null;
    }

    Result execute(String id, String action, Map<String, String> params) {
        try {
            return switch (action) {
                case "suspend_process" -> signal(id, action, params, "STOP", "suspended");
                case "resume_process" -> signal(id, action, params, "CONT", "resumed");
                case "kill_process" -> signal(id, action, params, "KILL", "killed");
                case "isolate_host", "release_host" -> network(id, action);
                default -> new Result(id, action, false, "this agent does not know action '" + action
                        + "'; upgrade the agent", List.of());
            };
        } catch (RuntimeException e) {
            LOG.error("command {} ({}) failed: {}", id, action, e.getMessage());
            return new Result(id, action, false, e.getMessage(), List.of());
        }
    }

    private Result signal(String id, String action, Map<String, String> params, String signal, String verb) {
        ProcessControl.Selection selected = processes.select(params);
        String spared = String.join("; ", selected.spared());
        if (selected.pids().isEmpty()) {
            if (!spared.isEmpty()) {
                LOG.warn("command {} ({} {}) refused: {}", id, action, params, spared);
                return new Result(id, action, false, "refused, nothing was " + verb + ": " + spared, List.of());
            }
            return new Result(id, action, false, "no running process matches " + params, List.of());
        }
        ProcessControl.Signalled sent = processes.signal(selected.pids(), signal);
        List<Long> done = sent.done();
        String also = (sent.gone().isEmpty() ? "" : "; ended before it was signalled: " + sent.gone())
                + (spared.isEmpty() ? "" : "; spared: " + spared);
        if (sent.failed().isEmpty()) {
            LOG.info("command {}: {} process(es) {} ({}){}", id, verb, done, params, also);
            return new Result(id, action, true, verb + " process(es) " + done + " selected by " + params + also, done);
        }
        String failures = String.join("; ", sent.failed().values());
        if (signal.equals("STOP") && !done.isEmpty()) {
            // a suspension that failed holds nothing on Shadow's side, so nothing would ever resume the
            // processes it did stop: it is undone here, whole
            ProcessControl.Signalled resumed = processes.signal(done, "CONT");
            String left = resumed.failed().isEmpty() ? "" : "; could not resume " + resumed.failed().keySet()
                    + " again (" + String.join("; ", resumed.failed().values()) + "): resume them by hand (kill -CONT)";
            LOG.error("command {} ({} {}) failed: {}; {} stopped first, resumed{}", id, action, params, failures, done,
                    left);
            return new Result(id, action, false, "nothing was suspended: " + failures + "; " + done + ", stopped "
                    + "first, were resumed" + left + also, resumed.failed().isEmpty() ? List.of()
                    : List.copyOf(resumed.failed().keySet()));
        }
        LOG.error("command {} ({} {}) failed: {}; {} process(es) {}", id, action, params, failures, verb, done);
        return new Result(id, action, false, (done.isEmpty() ? "no process was " + verb : verb + " process(es) "
                + done + " only") + ": " + failures + also, done);
    }

    private Result network(String id, String action) {
        if (isolation == null) {
            return new Result(id, action, false, "host isolation is off on this agent (actions.isolation: off); set "
                    + "actions.isolation: nftables (needs root and nft) to let Shadow isolate " + host, List.of());
        }
        if (action.equals("isolate_host")) {
            isolation.isolate();
        } else {
            isolation.release();
        }
        String verb = action.equals("isolate_host") ? "isolated (nftables: only Shadow stays reachable)" : "released";
        LOG.info("command {}: host {} {}", id, host, verb);
        return new Result(id, action, true, "host " + host + " " + verb, List.of());
    }

    private void ack(Result res) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("ok", res.ok()).put("detail", res.detail());
        res.pids().forEach(body.putArray("pids")::add);
        HttpResponse<String> r = send(HttpRequest.newBuilder(base.resolve("/v1/agent/commands/" + enc(res.commandId())
                + "/ack")).header("Content-Type", "application/json")
                .header("Idempotency-Key", "ack-" + res.commandId())
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
        if (r.statusCode() != 200) {
            LOG.warn("ack of command {} answered HTTP {}: {}", res.commandId(), r.statusCode(), r.body());
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
        return http.send(b.header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, String> params(JsonNode n) {
        Map<String, String> m = new LinkedHashMap<>();
        n.fields().forEachRemaining(f -> m.put(f.getKey(), f.getValue().asText()));
        return m;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
