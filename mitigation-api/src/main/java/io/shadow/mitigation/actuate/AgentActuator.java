package io.shadow.mitigation.actuate;

import java.time.Instant;
import java.util.Map;

/** Suspends the offending process through the host's agent (the top CPU consumer when none is named). */
public final class AgentActuator implements Actuator {
    private final AgentCommands agents;

    public AgentActuator(AgentCommands agents) {
        this.agents = agents;
    }

    @Override
    public ActionType type() {
        return ActionType.SUSPEND_PROCESS;
    }

    @Override
    public Applied apply(ActionTarget t, Map<String, String> params, Instant expiresAt) {
        if (t.host() == null) {
            throw new NotApplicableException("suspend_process needs a host and the anomaly has none");
        }
        String process = t.resourceType() == io.shadow.features.ResourceType.PROCESS && t.resourceId() != null
                ? t.resourceId() : params.getOrDefault("process", "top-cpu");
        String id = agents.issue(t.tenant(), t.host(), "suspend_process", Map.of("process", process));
        return new Applied(id, "agent on " + t.host() + " suspends " + process + " (command " + id + ")");
    }

    @Override
    public void undo(String handle) {
        agents.revoke(handle);
    }
}
