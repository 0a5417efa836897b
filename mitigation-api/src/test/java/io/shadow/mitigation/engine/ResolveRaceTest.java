package io.shadow.mitigation.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.mitigation.Assessments;
import io.shadow.mitigation.Band;
import io.shadow.mitigation.MitigationService;
import io.shadow.mitigation.OnEveryBackend;
import io.shadow.mitigation.profile.ProfileLoader;
import io.shadow.mitigation.store.AuditEntry;
import io.shadow.mitigation.store.Incident;
import io.shadow.mitigation.store.Mitigation;
import io.shadow.mitigation.store.MitigationStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A reject of an incident's last open mitigation racing with an escalation of the same incident:
 * the incident ends open while the escalation's mitigation is in force, whichever comes first.
 * The interleaving is driven, not timed: the reject runs inside the escalation, after it read the
 * incident as open and before it records its mitigation.
 */
class ResolveRaceTest extends OnEveryBackend {
    private final SteppingClock clock = new SteppingClock();
    private MitigationService service;
    private MitigationEngine engine;
    private MitigationStore store;

    @BeforeEach
    void open() {
        service = new MitigationService(super.store().open(), ProfileLoader.defaults(), clock, Duration.ofHours(1),
                Duration.ofHours(1));
        engine = service.engine();
        store = service.store();
    }

    @AfterEach
    void close() {
        service.close();
    }

    @Test
    void anEscalationRecordedAfterARejectResolvedItsIncidentReopensIt() {
        Outcome low = engine.handle(Assessments.risk(40).build());
        // the escalation reads the incident as open, then acts; its first clock reading is after that read
        clock.onNextReading(() -> new Decisions(engine).reject(low.mitigationId(), "olga", "false alarm"));

        Outcome medium = engine.handle(Assessments.risk(60).later(Duration.ofMinutes(5)).build());

        assertThat(medium.kind()).isEqualTo("escalated");
        assertThat(medium.incidentId()).isEqualTo(low.incidentId());
        assertThat(store.mitigation(low.mitigationId()).orElseThrow().status()).as("the reject ran first")
                .isEqualTo(Mitigation.REJECTED);
        Incident i = store.incident(low.incidentId()).orElseThrow();
        assertThat(i.band()).isEqualTo(Band.MEDIUM);
        assertThat(store.mitigation(medium.mitigationId()).orElseThrow().status()).isEqualTo(Mitigation.APPLIED);
        assertThat(i.status()).as("its medium mitigation is in force and undecided").isEqualTo(Incident.OPEN);
        assertThat(store.auditLog(low.incidentId())).extracting(AuditEntry::action)
                .containsSubsequence("incident.escalated", "incident.reopened");
        assertThat(engine.handle(Assessments.risk(60).later(Duration.ofMinutes(7)).build()))
                .as("the next anomaly joins it rather than opening another incident")
                .isEqualTo(new Outcome("attached", Band.MEDIUM, low.incidentId(), null));
    }

    @Test
    void aRejectAfterTheEscalationRecordedItsMitigationLeavesTheIncidentOpen() {
        Outcome low = engine.handle(Assessments.risk(40).build());
        Outcome medium = engine.handle(Assessments.risk(60).later(Duration.ofMinutes(5)).build());

        new Decisions(engine).reject(low.mitigationId(), "olga", "false alarm");

        assertThat(store.incident(low.incidentId()).orElseThrow().status()).isEqualTo(Incident.OPEN);
        new Decisions(engine).reject(medium.mitigationId(), "olga", "false alarm too");
        assertThat(store.incident(low.incidentId()).orElseThrow().status()).as("nothing in force any more")
                .isEqualTo(Incident.RESOLVED);
        assertThat(store.auditLog(low.incidentId())).extracting(AuditEntry::action)
                .doesNotContain("incident.reopened");
    }

    /**
     * The system clock, which runs a step once, inside the next reading on the thread that asked for it
     * (the step's own readings and the service's background threads' excepted).
     */
    private static final class SteppingClock extends Clock {
        private final AtomicReference<Runnable> next = new AtomicReference<>();
        private volatile Thread on;

        void onNextReading(Runnable step) {
            on = Thread.currentThread();
            next.set(step);
        }

        @Override
        public Instant instant() {
            Runnable step = Thread.currentThread() == on ? next.getAndSet(null) : null;
            if (step != null) {
                step.run();
            }
            return Instant.now();
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("tests use UTC");
        }
    }
}
