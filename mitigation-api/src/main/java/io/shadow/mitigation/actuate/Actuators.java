package io.shadow.mitigation.actuate;

import io.shadow.mitigation.MitigationOptions;
import io.shadow.mitigation.notify.Outbox;
import io.shadow.mitigation.store.CommandStore;
import io.shadow.mitigation.store.Database;
import io.shadow.mitigation.store.KeyStore;
import io.shadow.mitigation.store.StandbyStore;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** The actuator of every action type, wired to one gateway policy, agent queue, key vault and outbox. */
public final class Actuators {
    private final Map<ActionType, Actuator> byType = new EnumMap<>(ActionType.class);
    private final GatewayPolicy gateway;
    private final AgentCommands agents;
    private final KeyVault keys;
    private final Gatekeeper gatekeeper;
    private final RollbackActuator rollback;
    private final Protected protectedTargets;
    private final boolean ignorePrincipalCase;

    public Actuators(Database db, Clock clock, MitigationOptions options, Outbox outbox) {
        this.protectedTargets = options.protectedTargets();
        this.ignorePrincipalCase = options.ignorePrincipalCase();
        this.gateway = new GatewayPolicy(clock, options.ignorePrincipalCase());
        this.agents = new AgentCommands(new CommandStore(db), clock);
        this.keys = new KeyVault(new KeyStore(db), clock, options.ignorePrincipalCase());
        this.gatekeeper = new Gatekeeper(gateway, keys);
        StandbyStore standby = new StandbyStore(db);
        this.rollback = new RollbackActuator(options.tableRollback(), standby, options.rollbackTables(), clock);
        register(new LogActuator());
        for (ActionType t : new ActionType[] {ActionType.RATE_LIMIT, ActionType.RESTRICT, ActionType.LOCK_USER,
            ActionType.SHUTDOWN_RESOURCE, ActionType.ISOLATE_HOST}) {
            register(new GatewayActuator(t, gateway, agents));
        }
        register(new AgentActuator(ActionType.SUSPEND_PROCESS, agents));
        register(new AgentActuator(ActionType.KILL_PROCESS, agents));
        register(keys);
        register(new EncryptActuator(new DataKeys(standby, options.keyDir(), clock), options.encryptionRoots()));
        register(rollback);
        register(new NotifyExternalActuator(outbox, options.webhooks()));
        for (ActionType t : ActionType.values()) {
            if (!byType.containsKey(t)) {
                throw new IllegalStateException("no actuator for " + t);
            }
        }
    }

    /**
     * Why Shadow does not take {@code type} on {@code target} by itself: it aims at a protected principal, host or
     * resource ({@code mitigation.protected.*}); empty when it may.
     */
    public Optional<String> refusal(ActionType type, ActionTarget target) {
        return protectedTargets.refuses(type, target, ignorePrincipalCase);
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

    /** The gateway decision: the rules for the named principal and for the owner of a presented key. */
    public Gatekeeper gatekeeper() {
        return gatekeeper;
    }

    public AgentCommands agents() {
        return agents;
    }

    public KeyVault keys() {
        return keys;
    }

    public RollbackActuator rollback() {
        return rollback;
    }
}
