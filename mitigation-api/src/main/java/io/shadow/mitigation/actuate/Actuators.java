package io.shadow.mitigation.actuate;

import io.shadow.mitigation.store.MitigationStore;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;

/** The actuator of every action type, wired to one gateway policy, agent queue and key vault. */
public final class Actuators {
    private final Map<ActionType, Actuator> byType = new EnumMap<>(ActionType.class);
    private final GatewayPolicy gateway;
    private final AgentCommands agents;
    private final KeyVault keys;

    public Actuators(MitigationStore store, Clock clock) {
        this.gateway = new GatewayPolicy(clock);
        this.agents = new AgentCommands(clock);
        this.keys = new KeyVault(store);
        register(new LogActuator());
        for (ActionType t : new ActionType[] {ActionType.RATE_LIMIT, ActionType.RESTRICT, ActionType.LOCK_USER,
            ActionType.SHUTDOWN_RESOURCE, ActionType.ISOLATE_HOST}) {
            register(new GatewayActuator(t, gateway, agents));
        }
        register(new AgentActuator(agents));
        register(keys);
        for (ActionType t : ActionType.values()) {
            if (!byType.containsKey(t)) {
                throw new IllegalStateException("no actuator for " + t);
            }
        }
    }

    private void register(Actuator a) {
        byType.put(a.type(), a);
    }

    public Actuator get(ActionType t) {
        return byType.get(t);
    }

    public GatewayPolicy gateway() {
        return gateway;
    }

    public AgentCommands agents() {
        return agents;
    }

    public KeyVault keys() {
        return keys;
    }
}
