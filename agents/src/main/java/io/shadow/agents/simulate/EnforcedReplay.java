package io.shadow.agents.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import io.shadow.features.ActivityEvent;
import io.shadow.features.EventClass;
import io.shadow.features.Outcome;
import io.shadow.features.json.EventCodec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Replays a workload's live phase as the world would unfold once Shadow enforces: before each
 * request, the gateway decision endpoint is asked, as an nginx {@code auth_request} would; a
 * denied or throttled request becomes a denied one that moved no data (an AccessDenied line in the
 * audit log). Between batches the host agents' commands are pulled, executed and acknowledged: a
 * host whose agent isolated it or suspended its offending process reports the samples it would
 * have without the attack. Attacks therefore stop when they are contained, as they would.
 */
public final class EnforcedReplay {
    /** What enforcement changed. */
    public record Stats(long events, long denied, long throttled, long agentCommands) {
    }

    private final List<ActivityEvent> live;
    private final Map<String, ActivityEvent> counterfactuals;
    private final String tenant;
    private final URI base;
    private final String gatewayToken;
    private final String agentToken;
    private final HttpClient http;
    private final Set<String> hosts = new HashSet<>();
    private final Set<String> contained = new HashSet<>();
    private int next;
    private long denied;
    private long throttled;
    private long commands;

    public EnforcedReplay(Workload w, URI base, String gatewayToken, String agentToken, HttpClient http) {
        this.live = w.live();
        this.counterfactuals = w.counterfactuals();
        this.tenant = w.config().tenant();
        this.base = base;
        this.gatewayToken = gatewayToken;
        this.agentToken = agentToken;
        this.http = http;
        for (ActivityEvent e : live) {
            if (e.host() != null) {
                hosts.add(e.host());
            }
        }
    }

    public boolean hasNext() {
        return next < live.size();
    }

    public int position() {
        return next;
    }

    /** The next events, each as enforcement lets it happen. */
    public List<ActivityEvent> next(int n) {
        List<ActivityEvent> out = new ArrayList<>(n);
        while (out.size() < n && next < live.size()) {
            out.add(enforce(live.get(next++)));
        }
        return out;
    }

    private ActivityEvent enforce(ActivityEvent e) {
        if (e.eventClass() == EventClass.RESOURCE_USAGE) {
            return contained.contains(e.host()) ? counterfactuals.getOrDefault(e.eventId(), e) : e;
        }
        if (e.principal() == null || e.eventClass() == EventClass.PROCESS_ACTIVITY) {
            return e;
        }
        int status = decision(e);
        if (status == 200) {
            return e;
        }
        if (status == 429) {
            throttled++;
        } else {
            denied++;
        }
        Map<String, String> raw = new LinkedHashMap<>(e.raw());
        raw.put("gateway_status", Integer.toString(status));
        return e.toBuilder().outcome(Outcome.DENIED).bytesIn(0).bytesOut(0).raw(raw).build();
    }

    private int decision(ActivityEvent e) {
        List<String> h = new ArrayList<>(List.of("X-Shadow-Tenant", e.tenant(), "X-Shadow-Principal", e.principal()));
        if (e.resourceId() != null) {
            h.addAll(List.of("X-Shadow-Resource", e.resourceId()));
        }
        if (e.host() != null) {
            h.addAll(List.of("X-Shadow-Host", e.host()));
        }
        return send(HttpRequest.newBuilder(base.resolve("/v1/decision")).GET()
                .headers(h.toArray(String[]::new)), gatewayToken).statusCode();
    }

    /** Pulls, executes and acknowledges the agents' pending commands. */
    public void runAgents() {
        for (String host : hosts) {
            HttpResponse<String> r = send(HttpRequest.newBuilder(base.resolve("/v1/agent/commands?tenant=" + tenant
                    + "&host=" + host)).GET(), agentToken);
            JsonNode cmds;
            try {
                cmds = EventCodec.mapper().readTree(r.body());
            } catch (IOException ex) {
                throw new IllegalStateException("agent commands for " + host + " unreadable: " + r.body(), ex);
            }
            for (JsonNode c : cmds) {
                switch (c.path("action").asText()) {
                    case "isolate_host", "suspend_process" -> contained.add(host);
                    case "release_host", "resume_process" -> contained.remove(host);
                    default -> { }
                }
                HttpResponse<String> ack = send(HttpRequest.newBuilder(base.resolve("/v1/agent/commands/"
                        + c.path("id").asText() + "/ack")).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"ok\": true, \"detail\": \"simulated\"}")),
                        agentToken);
                if (ack.statusCode() != 200) { // a command left pending would be pulled and counted again
                    throw new IllegalStateException("ack of agent command " + c.path("id").asText() + " for " + host
                            + " answered " + ack.statusCode() + ": " + ack.body());
                }
                commands++;
            }
        }
    }

    public Stats stats() {
        return new Stats(next, denied, throttled, commands);
    }

    private HttpResponse<String> send(HttpRequest.Builder b, String token) {
        try {
            return http.send(b.header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("Shadow API at " + base + " unreachable", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
