package io.shadow.mitigation;

import io.shadow.mitigation.engine.MitigationEngine;
import io.shadow.mitigation.profile.ProfileVersions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a Shadow process in line with the store it shares with others (several {@code serve}s on one
 * PostgreSQL behind one load balancer): every {@code mitigation.store-sync} it enforces at its gateway
 * endpoint the rules the others applied and drops those they undid (a reject, an expiry, a modify), and
 * puts in force profiles uploaded through another process. A process alone on its store finds nothing
 * to change. Until the next sync another process may answer with the rules of a second ago; rate limits
 * count per process.
 */
final class StoreSync implements Runnable {
    /**
     * How far the clocks of processes sharing a store may differ: actions are looked up that left force
     * this long before the previous sync began, by the clock of the process that undid them.
     */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(10);
    private static final Logger LOG = LoggerFactory.getLogger(StoreSync.class);
    private final MitigationEngine engine;
    private final ProfileVersions profiles;
    private final Clock clock;
    private Instant previous;

    StoreSync(MitigationEngine engine, ProfileVersions profiles, Clock clock) {
        this.engine = engine;
        this.profiles = profiles;
        this.clock = clock;
        this.previous = clock.instant(); // the rules in force were restored at start
    }

    @Override
    public void run() {
        Instant started = clock.instant();
        try {
            MitigationEngine.RulesSync changed = engine.syncGatewayRules(previous.minus(CLOCK_SKEW));
            if (changed.added() > 0 || changed.removed() > 0) {
                LOG.info("gateway rules brought in line with the store: {} applied and {} undone by another Shadow "
                        + "process", changed.added(), changed.removed());
            }
            previous = started;
        } catch (RuntimeException e) {
            io.shadow.mitigation.store.StoreException.logTaskFailure(LOG, "store sync of gateway rules", e);
        } catch (Error e) {
            // an Error leaving the task would cancel every later sync
            LOG.error("store sync of gateway rules failed; the next one runs as scheduled", e);
        }
        // apart: a stored version this process cannot read must not hold up the rules' sync
        try {
            profiles.refresh().ifPresent(engine::useProfiles);
        } catch (RuntimeException e) {
            io.shadow.mitigation.store.StoreException.logTaskFailure(LOG, "store sync of profiles", e);
        } catch (Error e) {
            LOG.error("store sync of profiles failed; the next one runs as scheduled", e);
        }
    }
}
