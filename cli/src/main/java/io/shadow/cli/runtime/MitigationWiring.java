package io.shadow.cli.runtime;

import io.shadow.cli.config.ConfigLoader;
import io.shadow.cli.config.ResolvedPaths;
import io.shadow.cli.config.ShadowConfig;
import io.shadow.mitigation.MitigationOptions;
import io.shadow.mitigation.actuate.Protected;
import io.shadow.mitigation.actuate.TableRollback;
import io.shadow.mitigation.notify.DeliveryPolicy;
import io.shadow.mitigation.notify.Smtp;
import io.shadow.mitigation.notify.Webhook;
import io.shadow.spark.SparkSessions;
import io.shadow.spark.rollback.DeltaRestore;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Turns the {@code mitigation.*} configuration into the mitigation side's options. Wiring only. */
public final class MitigationWiring {
    private MitigationWiring() {
    }

    /**
     * @param rollback Delta RESTORE, or null to build one (a Spark session started on first use)
     *     when {@code mitigation.rollback.tables} lists any
     */
    public static MitigationOptions options(ShadowConfig c, ResolvedPaths paths, TableRollback rollback) {
        var m = c.mitigation();
        Path keyDir = m.encryption().keyDir().isBlank() ? paths.dataDir().resolve("keys")
                : Path.of(m.encryption().keyDir());
        var d = m.channels().delivery();
        DeliveryPolicy policy = new DeliveryPolicy(d.attempts(),
                ConfigLoader.duration("mitigation.channels.delivery.backoff", d.backoff()),
                ConfigLoader.duration("mitigation.channels.delivery.max-backoff", d.maxBackoff()),
                ConfigLoader.duration("mitigation.channels.delivery.timeout", d.timeout()));
        List<Webhook> webhooks = m.channels().webhooks().stream().map(w -> new Webhook(w.name(), uri(w),
                w.secret(), w.uses() == null ? null : new HashSet<>(w.uses()))).toList();
        var s = m.channels().smtp();
        Smtp smtp = new Smtp(s.host(), s.port(), s.from(), s.username(), s.password(), s.starttls(), s.domain(),
                s.domains(), s.operators());
        TableRollback tables = rollback;
        if (tables == null && !m.rollback().tables().isEmpty()) {
            DeltaRestore delta = new DeltaRestore(() -> SparkSessions.create("shadow-rollback", c.spark().master(),
                    c.spark().shufflePartitions()));
            tables = new TableRollback() {
                @Override
                public long currentVersion(String table) {
                    return delta.currentVersion(table);
                }

                @Override
                public void restore(String table, long version) {
                    delta.restore(table, version);
                }
            };
        }
        return MitigationOptions.defaults(keyDir)
                .withEncryptionRoots(m.encryption().roots().stream().map(Path::of).toList())
                .withRollback(tables, m.rollback().tables(),
                        ConfigLoader.duration("mitigation.rollback.pin-interval", m.rollback().pinInterval()))
                .withWebhooks(webhooks, policy)
                .withSmtp(smtp)
                .withStoreSync(ConfigLoader.durationOrZero("mitigation.store-sync", m.storeSync()))
                .withPrincipalCase("ignore".equals(m.gateway().principalCase()))
                .withAgentTimeouts(ConfigLoader.duration("mitigation.agent.fetch-timeout", m.agent().fetchTimeout()),
                        ConfigLoader.duration("mitigation.agent.ack-timeout", m.agent().ackTimeout()))
                .withEmergencyBudget(m.emergency().limit(),
                        ConfigLoader.duration("mitigation.emergency.window", m.emergency().window()))
                .withProtected(new Protected(Set.copyOf(m.protectedTargets().principals()),
                        Set.copyOf(m.protectedTargets().hosts()), m.protectedTargets().resources()));
    }

    private static URI uri(ShadowConfig.WebhookEntry w) {
        try {
            return URI.create(w.url() == null ? "" : w.url());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("mitigation.channels.webhooks[" + w.name() + "].url is not a URL ("
                    + e.getMessage().replace(w.url(), "…") + "; the value is not shown: a webhook URL may carry its "
                    + "secret)");
        }
    }
}
