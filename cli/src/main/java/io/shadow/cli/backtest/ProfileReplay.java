package io.shadow.cli.backtest;

import io.shadow.agents.simulate.ObservedMitigation;
import io.shadow.features.EntityKey;
import io.shadow.features.EntityKind;
import io.shadow.features.signal.Assessment;
import io.shadow.mitigation.MitigationOptions;
import io.shadow.mitigation.MitigationService;
import io.shadow.mitigation.actuate.Protected;
import io.shadow.mitigation.engine.MitigationEngine;
import io.shadow.mitigation.engine.Outcome;
import io.shadow.mitigation.profile.MitigationProfile;
import io.shadow.mitigation.profile.ProfileSet;
import io.shadow.mitigation.store.ActionRecord;
import io.shadow.mitigation.store.Database;
import io.shadow.mitigation.store.Incident;
import io.shadow.mitigation.store.Mitigation;
import io.shadow.mitigation.store.MitigationStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * The live trigger logic for one profile set, acting on nothing: the real {@link MitigationEngine}
 * with every profile switched to dry run, over a private in-memory store, so incident joining,
 * escalation, band and profile selection are exactly the live ones while no actuator is called
 * and the product's store is never opened.
 */
final class ProfileReplay implements AutoCloseable {
    private final String label;
    private final String source;
    private final ProfileSet profiles;
    private final MitigationService service;
    private final MitigationEngine engine;
    private final EventClock clock = new EventClock();

    ProfileReplay(String label, String source, ProfileSet profiles, Duration incidentWindow, Protected protect) {
        this.label = label;
        this.source = source;
        this.profiles = profiles;
        Database db = Database.open("jdbc:h2:mem:backtest-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
        // no webhooks, e-mail, encryption roots or rollback tables: with every profile in dry run, nothing acts;
        // the protected targets as configured, so the report says which actions they would hold back
        this.service = new MitigationService(db, noAct(profiles), clock, incidentWindow, Duration.ofDays(1),
                MitigationOptions.defaults(Path.of(System.getProperty("java.io.tmpdir"), "shadow-keys"))
                        .withProtected(protect));
        this.engine = service.engine();
    }

    String label() {
        return label;
    }

    String source() {
        return source;
    }

    ProfileSet profiles() {
        return profiles;
    }

    /** What the trigger would have done with one assessment. */
    Outcome handle(Assessment a) {
        clock.now = a.anomaly().time();
        return engine.handle(a);
    }

    /** Every mitigation the profiles would have taken, in event-time order, with the actions it would run. */
    List<ObservedMitigation> mitigations() {
        MitigationStore store = engine.store();
        List<ObservedMitigation> out = new ArrayList<>();
        for (Mitigation m : store.mitigations().stream().sorted(Comparator.comparing(Mitigation::eventTime)
                .thenComparing(Mitigation::mitigationId)).toList()) {
            Incident i = store.incident(m.incidentId()).orElseThrow();
            // what the dry run would have done: an action the anomaly gives nothing to act on (a lock-out of a host's
            // anomaly, which names no principal) is skipped, as the live engine skips it
            String actions = String.join(",", store.actionsOf(m.mitigationId()).stream()
                    .filter(a -> ActionRecord.DRY_RUN.equals(a.status())).map(ActionRecord::type).toList());
            out.add(new ObservedMitigation(m.mitigationId(), new EntityKey(i.tenant(),
                    EntityKind.fromWire(i.entityKind()), i.entityId()), m.eventTime(), m.band().wireName(), m.risk(),
                    m.profile(), m.path(), actions));
        }
        return out;
    }

    private static ProfileSet noAct(ProfileSet p) {
        return new ProfileSet(p.version(), p.author(), p.low(), p.medium(), p.high(), p.profiles().stream()
                .map(x -> new MitigationProfile(x.name(), x.band(), x.resourceTypes(), x.evidence(), true,
                        x.actions())).toList());
    }

    @Override
    public void close() {
        service.close();
    }

    /** The engine's clock follows the replayed event time, so records read as they would have live. */
    private static final class EventClock extends Clock {
        private Instant now = Instant.EPOCH;

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
