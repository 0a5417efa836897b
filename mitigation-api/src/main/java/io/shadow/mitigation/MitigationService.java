package io.shadow.mitigation;

import io.shadow.mitigation.actuate.Actuators;
import io.shadow.mitigation.engine.AgentWatch;
import io.shadow.mitigation.engine.MitigationEngine;
import io.shadow.mitigation.notify.Courier;
import io.shadow.mitigation.notify.EmailCourier;
import io.shadow.mitigation.notify.EmailNotifier;
import io.shadow.mitigation.notify.NotificationStream;
import io.shadow.mitigation.notify.Notifier;
import io.shadow.mitigation.notify.Outbox;
import io.shadow.mitigation.notify.HoldingNotifier;
import io.shadow.mitigation.notify.StoreNotifier;
import io.shadow.mitigation.notify.WebhookCourier;
import io.shadow.mitigation.notify.WebhookNotifier;
import io.shadow.mitigation.profile.ProfileSet;
import io.shadow.mitigation.profile.ProfileVersions;
import io.shadow.mitigation.store.Database;
import io.shadow.mitigation.store.MitigationStore;
import io.shadow.mitigation.store.OutboxStore;
import io.shadow.mitigation.store.ProfileStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mitigation side wired together: store (migrated), profile versions, outbox (webhooks,
 * e-mail), actuators, notifiers (store, SSE, webhooks, e-mail), engine, the sweep that undoes
 * expired actions every {@code expirySweep} and reports commands their agents left unconfirmed, the pinning of rollback tables (warm standby), and the
 * {@link StoreSync} that keeps several Shadow processes on one store enforcing the same rules.
 */
public final class MitigationService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MitigationService.class);
    private final Database db;
    private final MitigationEngine engine;
    private final AgentWatch agentWatch;
    private final ProfileVersions profileVersions;
    private final NotificationStream stream = new NotificationStream();
    private final Outbox outbox;
    /** The notifiers that write to the store, holding their notices while it is out. */
    private final List<HoldingNotifier> held = new ArrayList<>();
    private final ScheduledExecutorService sweeper;

    /** With default options: keys under the system temp directory, no webhooks, no e-mail, no rollback. */
    public MitigationService(Database db, ProfileSet profiles, Clock clock, Duration incidentWindow,
            Duration expirySweep) {
        this(db, profiles, clock, incidentWindow, expirySweep,
                MitigationOptions.defaults(Path.of(System.getProperty("java.io.tmpdir"), "shadow-keys")));
    }

    public MitigationService(Database db, ProfileSet profiles, Clock clock, Duration incidentWindow,
            Duration expirySweep, MitigationOptions options) {
        this(db, profiles, null, clock, incidentWindow, expirySweep, options);
    }

    /**
     * @param profilesFile the file {@code profiles} were read from, or null (the built-in defaults): a file
     *     whose rules differ from the stored version of the same number is refused (see {@link ProfileVersions})
     */
    public MitigationService(Database db, ProfileSet profiles, String profilesFile, Clock clock,
            Duration incidentWindow, Duration expirySweep, MitigationOptions options) {
        this.db = db;
        // first: profiles refused at start leave nothing running
        this.profileVersions = new ProfileVersions(new ProfileStore(db));
        ProfileSet inForce = profileVersions.startWith(profiles, profilesFile);
        MitigationStore store = new MitigationStore(db);
        List<Courier> couriers = new ArrayList<>();
        if (!options.webhooks().isEmpty()) {
            couriers.add(new WebhookCourier(options.webhooks(), options.delivery()));
        }
        if (options.smtp().enabled()) {
            couriers.add(new EmailCourier(options.smtp(), options.delivery()));
        }
        this.outbox = new Outbox(new OutboxStore(db), options.delivery(), couriers);
        // the channels that write to the store hold their notices while it is out (the stream needs no store)
        held.add(new HoldingNotifier("web UI list", new StoreNotifier(store)));
        if (!options.webhooks().isEmpty()) {
            held.add(new HoldingNotifier("webhooks", new WebhookNotifier(outbox, options.webhooks())));
        }
        if (options.smtp().enabled()) {
            held.add(new HoldingNotifier("e-mail", new EmailNotifier(outbox, options.smtp())));
        }
        List<Notifier> notifiers = new ArrayList<>(held);
        notifiers.add(1, stream);
        Actuators actuators = new Actuators(db, clock, options, outbox);
        this.engine = new MitigationEngine(store, inForce, actuators, notifiers, clock, incidentWindow,
                options.emergencyLimit(), options.emergencyWindow());
        this.agentWatch = new AgentWatch(engine, options.agentFetchTimeout(), options.agentAckTimeout());
        profileVersions.onChange(engine::updateProfiles);
        int restored = engine.restore();
        store.audit("shadow", "service.started", "mitigation-api", "profiles v" + inForce.version() + " by "
                + inForce.author() + ", " + restored + " action(s) in force restored");
        // three threads: pinning rollback tables (a Spark job) never delays undoing expired actions or the store sync
        this.sweeper = Executors.newScheduledThreadPool(3, r -> {
            Thread t = new Thread(r, "shadow-sweeper");
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
                io.shadow.mitigation.store.StoreException.logTaskFailure(LOG, "expiry sweep", e);
            } catch (Error e) {
                // an Error leaving the task would cancel every later sweep: nothing would expire again
                LOG.error("expiry sweep failed; the next one runs as scheduled", e);
            }
            for (HoldingNotifier h : held) { // notices held while the store was out
                try {
                    h.retry();
                } catch (RuntimeException e) {
                    LOG.error("sending held notifications failed; tried again at the next sweep", e);
                }
            }
            try { // on its own: an expiry failing must not keep a silent agent from being reported, nor the reverse
                int n = agentWatch.sweep();
                if (n > 0) {
                    LOG.warn("reported {} agent command(s) not confirmed in time", n);
                }
            } catch (RuntimeException e) {
                io.shadow.mitigation.store.StoreException.logTaskFailure(LOG, "agent watch", e);
            } catch (Error e) {
                LOG.error("agent watch failed; the next one runs as scheduled", e);
            }
        }, expirySweep.toMillis(), expirySweep.toMillis(), TimeUnit.MILLISECONDS);
        if (!options.storeSync().isZero() && !options.storeSync().isNegative()) {
            StoreSync sync = new StoreSync(engine, profileVersions, clock);
            sweeper.scheduleWithFixedDelay(sync::run, options.storeSync().toMillis(), options.storeSync().toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        if (options.tableRollback() != null && !options.rollbackTables().isEmpty()) {
            sweeper.scheduleWithFixedDelay(() -> {
                try {
                    actuators.rollback().pinAll();
                } catch (RuntimeException | Error e) {
                    // an Error (Spark's classes missing) leaving the task would cancel every later pinning
                    LOG.error("pinning rollback tables failed; tried again in {}", options.pinInterval(), e);
                }
            }, 0, options.pinInterval().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    public MitigationEngine engine() {
        return engine;
    }

    /** Reports commands host agents have not fetched or acknowledged in time (see {@link AgentWatch}). */
    public AgentWatch agentWatch() {
        return agentWatch;
    }

    public MitigationStore store() {
        return engine.store();
    }

    public Database database() {
        return db;
    }

    public ProfileVersions profileVersions() {
        return profileVersions;
    }

    public NotificationStream stream() {
        return stream;
    }

    public Outbox outbox() {
        return outbox;
    }

    /**
     * Ends the notification streams, stops the sweeps (a running one may finish) and the outbox, then
     * closes the store they use.
     */
    @Override
    public void close() {
        stream.close(); // normally done before the HTTP server stopped; here for callers that did not
        sweeper.shutdown();
        try {
            if (!sweeper.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("a sweep (expiry or rollback pinning) did not finish within 10 s; interrupted");
                sweeper.shutdownNow();
                // an interrupted sweep still gets a moment to stop before the store closes under it
                if (!sweeper.awaitTermination(5, TimeUnit.SECONDS)) {
                    LOG.warn("a sweep still runs after its interrupt; closing the store anyway");
                }
            }
        } catch (InterruptedException e) {
            sweeper.shutdownNow();
            Thread.currentThread().interrupt();
        }
        for (HoldingNotifier h : held) {
            try {
                h.retry(); // a last try: the store may be back since the last sweep
            } catch (RuntimeException e) {
                LOG.error("sending held notifications at close failed", e);
            }
            h.close();
        }
        outbox.close();
        db.close();
    }
}
