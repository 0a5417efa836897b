package io.shadow.mitigation;

import io.shadow.mitigation.actuate.Protected;
import io.shadow.mitigation.actuate.TableRollback;
import io.shadow.mitigation.notify.DeliveryPolicy;
import io.shadow.mitigation.notify.Smtp;
import io.shadow.mitigation.notify.Webhook;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What the mitigation side needs beyond its store and profiles; every field has a default
 * ({@link #defaults}), documented in {@code docs/configuration.md}.
 *
 * @param keyDir where the master key of data keys lives ({@code mitigation.encryption.key-dir})
 * @param encryptionRoots the only directories under which {@code encrypt_data} may act
 * @param tableRollback Delta {@code RESTORE}, wired in by the CLI; null when Spark is not there
 * @param rollbackTables the only tables {@code rollback_table} may restore; pinned ahead
 * @param pinInterval how often the rollback tables' versions are pinned (warm standby)
 * @param webhooks signed webhook receivers (actions and/or notifications)
 * @param delivery retries and backoff of webhooks and e-mails
 * @param smtp e-mail notifications; an empty host turns them off
 * @param storeSync how often gateway rules and profiles are brought in line with the store, for several
 *     Shadow processes on one store ({@code mitigation.store-sync}, default 1 s; zero: never)
 * @param ignorePrincipalCase whether the gateway matches principals whatever their case
 *     ({@code mitigation.gateway.principal-case: ignore}; default exact), for identity stores that take a
 *     login in any case (Active Directory, most LDAP): a lock-out of {@code alice} then denies {@code ALICE}
 * @param agentFetchTimeout a command its host's agent has not fetched for this long is reported
 *     ({@code mitigation.agent.fetch-timeout})
 * @param agentAckTimeout a command fetched but not acknowledged for this long is reported
 *     ({@code mitigation.agent.ack-timeout})
 * @param emergencyLimit at most this many emergency mitigations per tenant within {@code emergencyWindow}
 *     ({@code mitigation.emergency.limit}, default 5; 0 turns the emergency path off); beyond, high-band
 *     anomalies are contained at medium
 * @param emergencyWindow what the limit counts over ({@code mitigation.emergency.window}, default 10 minutes)
 * @param protectedTargets principals, hosts and resources Shadow never acts on by itself
 *     ({@code mitigation.protected.*}; default none)
 */
public record MitigationOptions(Path keyDir, List<Path> encryptionRoots, TableRollback tableRollback,
        List<String> rollbackTables, Duration pinInterval, List<Webhook> webhooks, DeliveryPolicy delivery, Smtp smtp,
        Duration storeSync, boolean ignorePrincipalCase, Duration agentFetchTimeout, Duration agentAckTimeout,
        int emergencyLimit, Duration emergencyWindow, Protected protectedTargets) {

    public MitigationOptions {
        encryptionRoots = List.copyOf(encryptionRoots);
        rollbackTables = List.copyOf(rollbackTables);
        webhooks = List.copyOf(webhooks);
        if (webhooks.stream().map(Webhook::name).distinct().count() != webhooks.size()) {
            throw new IllegalArgumentException("mitigation.channels.webhooks: two webhooks share a name; names must be unique");
        }
        requirePositive("mitigation.agent.fetch-timeout", agentFetchTimeout, "PT1M");
        requirePositive("mitigation.agent.ack-timeout", agentAckTimeout, "PT3M");
        if (emergencyLimit < 0 || emergencyWindow == null || emergencyWindow.isNegative() || emergencyWindow.isZero()) {
            throw new IllegalArgumentException("invalid mitigation.emergency.limit = " + emergencyLimit + " / window = "
                    + emergencyWindow + "; expected a limit of 0 or more and a positive ISO-8601 duration such as PT10M");
        }
    }

    private static void requirePositive(String key, Duration d, String example) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("invalid " + key + " = " + d + "; expected a positive ISO-8601 duration "
                    + "such as " + example + " (longer than the agents' actions.poll-interval, or every command is "
                    + "reported as not confirmed)");
        }
    }

    /** Nothing configured: keys under {@code keyDir}, no encryption roots, no rollback, no webhooks, no e-mail. */
    public static MitigationOptions defaults(Path keyDir) {
        return new MitigationOptions(keyDir, List.of(), null, List.of(), Duration.ofHours(1), List.of(),
                DeliveryPolicy.DEFAULT, new Smtp("", 25, "shadow@localhost", "", "", false, "", List.of()),
                Duration.ofSeconds(1), false, io.shadow.mitigation.engine.AgentWatch.DEFAULT_FETCH_TIMEOUT,
                io.shadow.mitigation.engine.AgentWatch.DEFAULT_ACK_TIMEOUT,
                io.shadow.mitigation.engine.MitigationEngine.DEFAULT_EMERGENCY_LIMIT,
                io.shadow.mitigation.engine.MitigationEngine.DEFAULT_EMERGENCY_WINDOW, Protected.NONE);
    }

    public MitigationOptions withEncryptionRoots(List<Path> roots) {
        return new MitigationOptions(keyDir, roots, tableRollback, rollbackTables, pinInterval, webhooks, delivery,
                smtp, storeSync, ignorePrincipalCase, agentFetchTimeout, agentAckTimeout, emergencyLimit,
                emergencyWindow, protectedTargets);
    }

    public MitigationOptions withRollback(TableRollback rollback, List<String> tables, Duration interval) {
        return new MitigationOptions(keyDir, encryptionRoots, rollback, tables, interval, webhooks, delivery, smtp,
                storeSync, ignorePrincipalCase, agentFetchTimeout, agentAckTimeout, emergencyLimit,
                emergencyWindow, protectedTargets);
    }

    public MitigationOptions withWebhooks(List<Webhook> hooks, DeliveryPolicy policy) {
        return new MitigationOptions(keyDir, encryptionRoots, tableRollback, rollbackTables, pinInterval, hooks,
                policy, smtp, storeSync, ignorePrincipalCase, agentFetchTimeout, agentAckTimeout, emergencyLimit,
                emergencyWindow, protectedTargets);
    }

    public MitigationOptions withSmtp(Smtp mail) {
        return new MitigationOptions(keyDir, encryptionRoots, tableRollback, rollbackTables, pinInterval, webhooks,
                delivery, mail, storeSync, ignorePrincipalCase, agentFetchTimeout, agentAckTimeout, emergencyLimit,
                emergencyWindow, protectedTargets);
    }

    public MitigationOptions withPrincipalCase(boolean ignore) {
        return new MitigationOptions(keyDir, encryptionRoots, tableRollback, rollbackTables, pinInterval, webhooks,
                delivery, smtp, storeSync, ignore, agentFetchTimeout, agentAckTimeout, emergencyLimit,
                emergencyWindow, protectedTargets);
    }

    public MitigationOptions withStoreSync(Duration every) {
        return new MitigationOptions(keyDir, encryptionRoots, tableRollback, rollbackTables, pinInterval, webhooks,
                delivery, smtp, every, ignorePrincipalCase, agentFetchTimeout, agentAckTimeout, emergencyLimit,
                emergencyWindow, protectedTargets);
    }

    public MitigationOptions withAgentTimeouts(Duration fetchTimeout, Duration ackTimeout) {
        return new MitigationOptions(keyDir, encryptionRoots, tableRollback, rollbackTables, pinInterval, webhooks,
                delivery, smtp, storeSync, ignorePrincipalCase, fetchTimeout, ackTimeout, emergencyLimit, emergencyWindow,
                protectedTargets);
    }

    public MitigationOptions withEmergencyBudget(int limit, Duration window) {
        return new MitigationOptions(keyDir, encryptionRoots, tableRollback, rollbackTables, pinInterval, webhooks,
                delivery, smtp, storeSync, ignorePrincipalCase, agentFetchTimeout, agentAckTimeout, limit, window,
                protectedTargets);
    }

    public MitigationOptions withProtected(Protected targets) {
        return new MitigationOptions(keyDir, encryptionRoots, tableRollback, rollbackTables, pinInterval, webhooks,
                delivery, smtp, storeSync, ignorePrincipalCase, agentFetchTimeout, agentAckTimeout, emergencyLimit,
                emergencyWindow, targets);
    }
}
