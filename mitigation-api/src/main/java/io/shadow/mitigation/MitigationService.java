package io.shadow.mitigation;

import io.shadow.mitigation.actuate.Actuators;
import io.shadow.mitigation.engine.MitigationEngine;
import io.shadow.mitigation.notify.StoreNotifier;
import io.shadow.mitigation.profile.ProfileSet;
import io.shadow.mitigation.store.Database;
import io.shadow.mitigation.store.MitigationStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mitigation side wired together: store (migrated), actuators, engine, and the sweep that undoes
 * expired actions every {@code expirySweep}.
 */
public final class MitigationService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MitigationService.class);
    private final Database db;
    private final MitigationEngine engine;
    private final ScheduledExecutorService sweeper;

    public MitigationService(Database db, ProfileSet profiles, Clock clock, Duration incidentWindow,
            Duration expirySweep) {
        this.db = db;
        MitigationStore store = new MitigationStore(db);
        Actuators actuators = new Actuators(store, clock);
        this.engine = new MitigationEngine(store, profiles, actuators, List.of(new StoreNotifier(store)), clock,
                incidentWindow);
        int restored = engine.restore();
        store.audit("shadow", "service.started", "mitigation-api", "profiles v" + profiles.version() + " by "
                + profiles.author() + ", " + restored + " action(s) in force restored");
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "shadow-expiry");
            t.setDaemon(true);
            return t;
        });
        sweeper.scheduleWithFixedDelay(() -> {
            try {
                int n = engine.expire();
                if (n > 0) {
                    LOG.info("undid {} expired action(s)", n);
                }
            } catch (RuntimeException e) {
                LOG.error("expiry sweep failed", e);
            }
        }, expirySweep.toMillis(), expirySweep.toMillis(), TimeUnit.MILLISECONDS);
    }

    public MitigationEngine engine() {
        return engine;
    }

    public MitigationStore store() {
        return engine.store();
    }

    public Database database() {
        return db;
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        db.close();
    }
}
