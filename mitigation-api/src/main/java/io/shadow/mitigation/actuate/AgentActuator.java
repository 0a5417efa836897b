package io.shadow.mitigation.actuate;

import io.shadow.features.ProcessRef;
import io.shadow.features.ResourceType;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Suspends or kills the offending process through the host's agent. The process is chosen by the
 * {@code pid} param, else every process of the {@code exe} param's executable, else the anomaly's
 * process (its pid, checked by the agent against its start time so that a reused pid is spared),
 * else, for an anomaly not on a process, the host's top CPU consumer ({@code top_cpu}). An anomaly
 * on a process that does not say which one (no pid) is not acted on: every process of its executable
 * is too wide a default (it once suspended every JVM of a host, Shadow's own among them). Suspension
 * is undone by resuming the very processes the agent stopped; a kill cannot be undone once the agent
 * has carried it out (a pending one is cancelled).
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
        needHost(t);
        Map<String, String> selector = selector(type, t, params);
        String id = agents.issue(t.tenant(), t.host(), type.wireName(), selector);
        String what = selector.entrySet().iterator().next().toString();
        if (!params.containsKey("pid") && !params.containsKey("exe") && t.process() != null && t.resourceId() != null) {
            what += " (" + t.resourceId() + ")";
        }
        return new Applied(id, "agent on " + t.host() + (type == ActionType.KILL_PROCESS ? " kills " : " suspends ")
                + "process " + what + " (command " + id + ")");
    }

    @Override
    public Optional<String> wouldSkip(ActionTarget t, Map<String, String> params) {
        try {
            needHost(t);
            selector(type, t, params);
            return Optional.empty();
        } catch (NotApplicableException e) {
            return Optional.of(e.getMessage());
        }
    }

    private void needHost(ActionTarget t) {
        if (t.host() == null) {
            throw new NotApplicableException(type.wireName() + " needs a host and the anomaly has none");
        }
    }

    /** The agent's process selector, in the order it is described: the deciding key first. */
    static Map<String, String> selector(ActionType type, ActionTarget t, Map<String, String> params) {
        Map<String, String> asked = recorded(type, params, t); // the anomaly's process unless params name one
        Map<String, String> out = new LinkedHashMap<>();
        if (asked.containsKey("pid")) {
            out.put("pid", asked.get("pid"));
            if (asked.containsKey(ProcessRef.START_TICKS)) {
                out.put(ProcessRef.START_TICKS, asked.get(ProcessRef.START_TICKS));
            }
        } else if (asked.containsKey("exe")) {
            out.put("exe", asked.get("exe"));
        } else if (t.resourceType() == ResourceType.PROCESS) {
            throw NotApplicableException.gap(type.wireName() + ": the anomaly names "
                    + (t.resourceId() == null ? "a process" : "executable " + t.resourceId())
                    + " but not which process (its event carried no pid), and every process of an executable is "
                    + "never acted on unasked; give params.pid, or params.exe to act on every process running that "
                    + "executable");
        } else {
            out.put("top_cpu", "1");
        }
        return out;
    }

    /**
     * The params to record for a process action: {@code params} plus the anomaly's process ({@code pid},
     * {@code start_ticks}) when the action acts on it, so that a later modify, withdrawal or restart acts on
     * the same process (an incident does not keep it); {@code params} unchanged otherwise.
     */
    public static Map<String, String> recorded(ActionType type, Map<String, String> params, ActionTarget t) {
        if ((type != ActionType.SUSPEND_PROCESS && type != ActionType.KILL_PROCESS) || t.process() == null
                || params.containsKey("pid") || params.containsKey("exe")) {
            return params;
        }
        Map<String, String> out = new LinkedHashMap<>(params);
        out.put("pid", Long.toString(t.process().pid()));
        if (t.process().startTicks() != null) {
            out.put(ProcessRef.START_TICKS, Long.toString(t.process().startTicks()));
        }
        return Map.copyOf(out);
    }

    /** {@code recorded} without what {@link #recorded} added: the params the action was asked for. */
    public static Map<String, String> requested(Map<String, String> recorded, Map<String, String> asked) {
        if (asked.containsKey("pid") || asked.containsKey("exe") || !recorded.containsKey("pid")) {
            return recorded;
        }
        Map<String, String> out = new LinkedHashMap<>(recorded);
        out.remove("pid");
        out.remove(ProcessRef.START_TICKS);
        return out;
    }

    /** The process recorded with a process action ({@link #recorded}), if any. */
    public static Optional<ProcessRef> process(Map<String, String> recorded) {
        try {
            return recorded.containsKey("pid") ? Optional.of(new ProcessRef(Long.parseLong(recorded.get("pid")),
                    recorded.containsKey(ProcessRef.START_TICKS) ? Long.valueOf(recorded.get(ProcessRef.START_TICKS))
                            : null)) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
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
