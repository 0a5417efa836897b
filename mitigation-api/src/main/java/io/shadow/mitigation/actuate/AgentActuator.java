package io.shadow.mitigation.actuate;

import io.shadow.features.ResourceType;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Suspends or kills the offending process through the host's agent. The process is chosen by the
 * {@code pid} or {@code exe} param, else by the anomaly's process (its executable), else the
 * host's top CPU consumer ({@code top_cpu}). Suspension is undone by resuming the very processes
 * the agent stopped; a kill cannot be undone once the agent has carried it out (a pending one is
 * cancelled).
 */
public final class AgentActuator implements Actuator {
    private final ActionType type;
    private final AgentCommands agents;

    public AgentActuator(ActionType type, AgentCommands agents) {
        if (type != ActionType.SUSPEND_PROCESS && type != ActionType.KILL_PROCESS) {
            throw new IllegalArgumentException(type + " is not an agent process action");
        }
        this.type = type;
        this.agents = agents;
    }

    @Override
    public ActionType type() {
        return type;
    }

    @Override
    public Applied apply(ActionTarget t, Map<String, String> params, Instant expiresAt) {
        if (t.host() == null) {
            throw new NotApplicableException(type.wireName() + " needs a host and the anomaly has none");
        }
        Map<String, String> selector = selector(t, params);
        String id = agents.issue(t.tenant(), t.host(), type.wireName(), selector);
        String what = selector.entrySet().iterator().next().toString();
        return new Applied(id, "agent on " + t.host() + (type == ActionType.KILL_PROCESS ? " kills " : " suspends ")
                + "process " + what + " (command " + id + ")");
    }

    static Map<String, String> selector(ActionTarget t, Map<String, String> params) {
        if (params.containsKey("pid")) {
            return Map.of("pid", params.get("pid"));
        }
        if (params.containsKey("exe")) {
            return Map.of("exe", params.get("exe"));
        }
        if (t.resourceType() == ResourceType.PROCESS && t.resourceId() != null) {
            return Map.of("exe", t.resourceId());
        }
        return Map.of("top_cpu", "1");
    }

    @Override
    public boolean undo(String handle) {
        return agents.revoke(handle);
    }

    @Override
    public Optional<String> notReversible() {
        return type == ActionType.KILL_PROCESS
                ? Optional.of("a killed process cannot be brought back; only a kill the agent has not carried out yet "
                        + "is cancelled")
                : Optional.empty();
    }
}
