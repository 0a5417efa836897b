package io.shadow.mitigation.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.shadow.features.EventIds;
import io.shadow.features.signal.Anomaly;
import io.shadow.features.signal.Assessment;
import io.shadow.mitigation.Band;
import io.shadow.mitigation.actuate.ActionTarget;
import io.shadow.mitigation.actuate.ActionType;
import io.shadow.mitigation.actuate.Actuator;
import io.shadow.mitigation.actuate.Actuators;
import io.shadow.mitigation.actuate.AgentCommands;
import io.shadow.mitigation.actuate.Applied;
import io.shadow.mitigation.actuate.NotApplicableException;
import io.shadow.mitigation.notify.Explanations;
import io.shadow.mitigation.notify.Notifier;
import io.shadow.mitigation.profile.ActionSpec;
import io.shadow.mitigation.profile.MitigationProfile;
import io.shadow.mitigation.profile.ProfileSet;
import io.shadow.mitigation.store.ActionRecord;
import io.shadow.mitigation.store.ColumnLimits;
import io.shadow.mitigation.store.CommandStore;
import io.shadow.mitigation.store.Incident;
import io.shadow.mitigation.store.Mitigation;
import io.shadow.mitigation.store.MitigationStore;
import io.shadow.mitigation.store.NotificationRecord;
import io.shadow.mitigation.store.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trigger, as the spec's pseudocode has it: below the low threshold, observe; between the low
 * and high thresholds, select the profile for the band and resource type, act, log, then notify;
 * at or above the high threshold, emergency shutdown: act at once with the high-band profile, log,
 * and only report afterwards, with no user interaction. Anomalies of an entity with an open
 * incident join it; a higher band escalates it with the higher band's actions.
 */
public final class MitigationEngine {
    private static final AtomicLong ACTION_SEQ = new AtomicLong();
    private static final Logger LOG = LoggerFactory.getLogger(MitigationEngine.class);
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final int STRIPES = 64;

    private final MitigationStore store;
    private final Actuators actuators;
    private final List<Notifier> notifiers;
    private final Clock clock;
    private final Duration incidentWindow;
    private final EmergencyBudget emergencies;
    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];
    /** Expired actions whose undo failed: when the sweep tries each again (backing off), by action id. */
    private final Map<String, UndoRetry> undoRetries = new java.util.concurrent.ConcurrentHashMap<>();
    /** The wait after an expired action's first failed undo; it doubles with each failure after that. */
    static final Duration FIRST_UNDO_RETRY = Duration.ofMinutes(1);
    /** Emergency mitigations a tenant may have within {@link #DEFAULT_EMERGENCY_WINDOW} by default. */
    public static final int DEFAULT_EMERGENCY_LIMIT = 5;
    public static final Duration DEFAULT_EMERGENCY_WINDOW = Duration.ofMinutes(10);
    /** The longest wait between two tries of an expired action's undo. */
    static final Duration MAX_UNDO_RETRY = Duration.ofHours(1);
    private volatile ProfileSet profiles;

    /**
     * @param incidentWindow anomalies of an entity within this much event time of its open incident's
     *     last anomaly join that incident
     */
    public MitigationEngine(MitigationStore store, ProfileSet profiles, Actuators actuators, List<Notifier> notifiers,
            Clock clock, Duration incidentWindow) {
        this(store, profiles, actuators, notifiers, clock, incidentWindow, DEFAULT_EMERGENCY_LIMIT,
                DEFAULT_EMERGENCY_WINDOW);
    }

    /**
     * @param emergencyLimit at most this many emergency mitigations per tenant within {@code emergencyWindow};
     *     beyond, high-band anomalies are contained at medium ({@link EmergencyBudget}); 0 turns the emergency
     *     path off
     */
    public MitigationEngine(MitigationStore store, ProfileSet profiles, Actuators actuators, List<Notifier> notifiers,
            Clock clock, Duration incidentWindow, int emergencyLimit, Duration emergencyWindow) {
        this.emergencies = new EmergencyBudget(emergencyLimit, emergencyWindow);
        this.store = store;
        this.profiles = profiles;
        this.actuators = actuators;
        this.notifiers = List.copyOf(notifiers);
        this.clock = clock;
        this.incidentWindow = incidentWindow;
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    public ProfileSet profiles() {
        return profiles;
    }

    /** The band {@code assessment} is acted on in with the profiles in force ({@link ColdStart} included). */
    public Band bandOf(Assessment assessment) {
        return bandOf(assessment, profiles);
    }

    private static Band bandOf(Assessment assessment, ProfileSet ps) {
        return ColdStart.band(assessment.anomaly(), ps.band(assessment.risk().score()));
    }

    public void updateProfiles(ProfileSet next, String actor) {
        useProfiles(next);
        store.audit(actor, "profiles.updated", "profiles", "version " + next.version() + " by " + next.author());
    }

    /**
     * Puts profiles in force that are already stored and audited (by another Shadow process on this
     * store), unless a newer version is in force already (an upload here raced the sync).
     */
    public synchronized void useProfiles(ProfileSet next) {
        if (next.version() >= profiles.version()) {
            profiles = next;
        }
    }

    public Actuators actuators() {
        return actuators;
    }

    public MitigationStore store() {
        return store;
    }

    /** Acts on one assessment; see the class comment for the rules. */
    public Outcome handle(Assessment assessment) {
        Anomaly a = assessment.anomaly();
        requireStorable(a);
        ProfileSet ps = profiles;
        Band wanted = bandOf(assessment, ps);
        if (wanted == Band.NONE) {
            return Outcome.observed(wanted);
        }
        ReentrantLock lock = locks[Math.floorMod(a.entity().hashCode(), STRIPES)];
        lock.lock();
        try {
            // the same anomaly again (its event scored twice: a batch re-sent after the scorer crashed between
            // checkpoints): neither counted nor acted on a second time
            Optional<String> before = store.incidentOfAnomaly(a.anomalyId());
            if (before.isPresent()) {
                Band was = store.incident(before.get()).map(Incident::band).orElse(wanted);
                return new Outcome("attached", was, before.get(), null);
            }
            var open = store.openIncident(a.entity().tenant(), a.entity().kind().wireName(), a.entity().id(),
                    a.time().minus(incidentWindow));
            // a new emergency takes one of the tenant's budget; beyond it, contained at medium (a dry-run emergency
            // profile acts on nothing, so it takes nothing: lowering it would turn a rehearsal into containment)
            Instant asked = clock.instant();
            EmergencyBudget.Verdict budget = wanted == Band.HIGH
                    && !(open.isPresent() && open.get().band() == Band.HIGH)
                    && !ps.select(Band.HIGH, a.resourceType(), a.pattern()).dryRun()
                    ? emergencies.take(a.entity().tenant(), asked) : EmergencyBudget.Verdict.NOT_ASKED;
            Band band = budget.refused() ? Band.MEDIUM : wanted;
            if (band != wanted) {
                LOG.warn("{} risk {}: contained at medium instead of the emergency band: tenant {} has used its "
                        + "emergency budget ({} per {}, mitigation.emergency.limit / window)", a.entity(),
                        Math.round(assessment.risk().score()), a.entity().tenant(), emergencies.limit(),
                        emergencies.window());
            }
            String explanation = explanation(assessment);
            if (open.isPresent() && open.get().band().compareTo(band) >= 0) {
                if (store.noteAnomaly(a.anomalyId(), open.get().incidentId())) {
                    store.recordAnomaly(open.get().incidentId(), a.time(), assessment.risk().score(),
                            open.get().band(), explanation);
                }
                if (band != wanted) {
                    budgetUsedUp(a, assessment, budget, open.get().incidentId(), null);
                }
                return new Outcome("attached", open.get().band(), open.get().incidentId(), null);
            }
            // act first (the spec's order: act, log, notify): the incident is recorded once the actions are in force
            String incidentId = open.isPresent() ? open.get().incidentId()
                    : "inc-" + EventIds.derive("incident", a.anomalyId()).substring(0, 20);
            String kind = open.isPresent() ? "escalated" : "mitigated";
            Runnable record = () -> {
                store.noteAnomaly(a.anomalyId(), incidentId);
                if (open.isPresent()) {
                    store.recordAnomaly(incidentId, a.time(), assessment.risk().score(), band, explanation);
                    store.audit("shadow", "incident.escalated", incidentId, open.get().band().wireName() + " -> "
                            + band.wireName());
                } else {
                    store.insertIncident(new Incident(incidentId, a.entity().tenant(), a.entity().kind().wireName(),
                            a.entity().id(), a.principal(), a.host(), a.resourceType().wireName(), a.resourceId(),
                            a.pattern(), band, assessment.risk().score(), Incident.OPEN, a.time(), a.time(),
                            clock.instant(), 1, explanation));
                    store.audit("shadow", "incident.opened", incidentId, a.entity() + " " + a.pattern());
                }
            };
            String mitigationId;
            try {
                mitigationId = act(assessment, band, ps, incidentId, explanation, record);
            } catch (RuntimeException | Error e) {
                if (budget == EmergencyBudget.Verdict.TAKEN) { // no emergency was recorded: the hand-off asks again
                    emergencies.giveBack(a.entity().tenant(), asked);
                }
                if (budget == EmergencyBudget.Verdict.REFUSED_TELL) { // nobody was told: the next refusal tells
                    emergencies.untell(a.entity().tenant());
                }
                throw e;
            }
            if (band != wanted) {
                budgetUsedUp(a, assessment, budget, incidentId, mitigationId);
            }
            prepareAhead(a, band, ps);
            return new Outcome(kind, band, incidentId, mitigationId);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Applies the band's profile, then records the incident ({@code record}) and the mitigation, then
     * notifies. Returns the mitigation id.
     */
    private String act(Assessment assessment, Band band, ProfileSet ps, String incidentId, String explanation,
            Runnable record) {
        Anomaly a = assessment.anomaly();
        boolean emergency = band == Band.HIGH;
        MitigationProfile profile = ps.select(band, a.resourceType(), a.pattern());
        String mitigationId = "mit-" + UUID.randomUUID();
        ActionTarget target = new ActionTarget(a.entity().tenant(), a.principal(), a.host(), a.resourceType(),
                a.resourceId(), a.process());
        List<ActionRecord> done = new ArrayList<>();
        List<ActionRecord> gaps = new ArrayList<>(); // skipped, leaving something to do
        for (ActionSpec spec : profile.actions()) {
            Instant now = clock.instant();
            done.add(apply(mitigationId, spec, target, profile.dryRun(), now,
                    spec.expires() == null ? null : now.plus(spec.expires()), gaps, true));
        }
        Instant appliedAt = clock.instant();
        try {
            record.run();
            String status = profile.dryRun() ? Mitigation.DRY_RUN : Mitigation.APPLIED;
            store.insertMitigation(new Mitigation(mitigationId, incidentId, profile.name(), band,
                    emergency ? Mitigation.EMERGENCY : Mitigation.STANDARD, assessment.risk().score(), status,
                    a.eventId(), a.time(), appliedAt, profile.dryRun(), null, null, explanation),
                    new MitigationStore.Target(target.principal(), target.host(), target.resourceType().wireName(),
                            target.resourceId()), done);
            for (ActionRecord r : done) {
                store.audit("shadow", "action." + r.status(), mitigationId, r.type() + ": " + r.detail());
            }
            store.audit("shadow", emergency ? "mitigation.emergency_shutdown" : "mitigation.applied", mitigationId,
                    "profile " + profile.name() + ", risk " + Math.round(assessment.risk().score()) + ", incident "
                            + incidentId);
        } catch (StoreException e) {
            List<String> inForce = done.stream().filter(r -> ActionRecord.APPLIED.equals(r.status()))
                    .map(r -> r.type() + " (" + r.detail() + ")").toList();
            if (inForce.isEmpty()) {
                throw e; // nothing is in force: acting again later is safe
            }
            // acting again would repeat what is in force (a second rotation, commands no record can undo)
            throw new IncompleteMitigationException("mitigation " + mitigationId + " of " + a.entity() + " (anomaly "
                    + a.anomalyId() + ") is in force but could not be recorded: the store failed ("
                    + e.reason() + "). In force without a record, so not undone by a reject: " + inForce
                    + ". Undo them by hand once the store is back", e);
        }
        LOG.info("{} {} risk {} ({}): profile {} -> {}", emergency ? "EMERGENCY" : "mitigated", a.entity(),
                Math.round(assessment.risk().score()), band.wireName(), profile.name(),
                done.stream().map(r -> r.type() + "=" + r.status()).toList());
        boolean contained = done.stream().anyMatch(r -> r.enforces()
                || (ActionRecord.DRY_RUN.equals(r.status()) && !"log".equals(r.type())));
        NotificationRecord n = new NotificationRecord("ntf-" + UUID.randomUUID(), incidentId, mitigationId,
                a.entity().tenant(), emergency ? "emergency_shutdown" : "mitigation_applied", recipient(a),
                Explanations.subject(a, band, emergency, contained),
                Explanations.body(a, assessment.risk(), band, profile.name(), emergency, done, notReversible(done),
                        mitigationId),
                clock.instant());
        notifyAll(n);
        // a gap is the team's to close in an emergency; a protected target's skip is theirs to decide in any band
        List<ActionRecord> told = emergency ? gaps : gaps.stream()
                .filter(r -> actuators.refusal(ActionType.fromWire(r.type()), target).isPresent()).toList();
        alertNotTaken(new Subject(a.entity().tenant(), incidentId, mitigationId, a.entity().kind().wireName(),
                a.entity().id()), done, told, emergency);
        return mitigationId;
    }

    /**
     * Tells the security operators, apart from the mitigation's own notice (which goes to the person it acts
     * on), about what of it was not taken and needs a hand: an action that failed (any band), or, of an
     * emergency mitigation, a skip that leaves something to do ({@code gaps}: a key rotation for a principal whose
     * credentials Shadow did not issue, a process named without its pid): the emergency path acts with no one in
     * the loop, so a gap in it is theirs to close. An action with nothing to act on for the anomaly (a lock-out
     * without a principal), and a gap in a lower band, show with the mitigation only.
     */
    private void alertNotTaken(Subject about, List<ActionRecord> done, List<ActionRecord> gaps, boolean emergency) {
        List<ActionRecord> failed = done.stream().filter(r -> ActionRecord.FAILED.equals(r.status())).toList();
        if (failed.isEmpty() && gaps.isEmpty()) {
            return;
        }
        List<ActionRecord> missing = new ArrayList<>(failed);
        missing.addAll(gaps);
        List<String> inForce = done.stream().filter(ActionRecord::enforces).map(ActionRecord::type).toList();
        String types = String.join(", ", missing.stream().map(ActionRecord::type).toList());
        try {
            notifyOperators(about, failed.isEmpty() ? "action_skipped" : "action_failed",
                    (emergency ? "Emergency mitigation incomplete: " : failed.isEmpty() ? "Action skipped: "
                            : "Action failed: ") + types + " not taken",
                    "not taken: " + String.join("; ", missing.stream().map(r -> r.type() + " (" + r.status() + ": "
                            + r.detail() + ")").toList()) + ". In force: "
                            + (inForce.isEmpty() ? "nothing" : String.join(", ", inForce))
                            + ". Take what was not taken by hand, or fix its cause.");
        } catch (RuntimeException e) {
            LOG.error("mitigation {}: {} not taken, and telling the operators failed: {}", missing.get(0).mitigationId(),
                    types, e.toString());
        }
    }

    /**
     * A host's agent could not carry out the command an action issued (it acknowledged it as failed):
     * the action's record says so, the mitigation's audit has {@code action.agent_failed}, and the
     * security operators are notified (web UI, SSE, webhooks, e-mail), since what Shadow shows as in
     * force is not. An action that is the command alone (a suspension, a kill) is then {@code failed},
     * out of force; one with a part of Shadow's own (an isolation's gateway rule) {@code agent_failed},
     * still in force. A failed command no action issued (a reversal) is in the audit log under its id.
     */
    public void agentFailed(String commandId, String host, String detail) {
        try {
            recordAgentFailure(commandId, host, detail);
        } catch (RuntimeException e) {
            // the ack is recorded (agent.command_failed in the audit log): its answer must not make the agent retry
            LOG.error("agent command {} on host {} failed ({}), and recording that with its action failed too; "
                    + "see the audit log for the command", commandId, host, detail, e);
        }
    }

    private void recordAgentFailure(String commandId, String host, String detail) {
        Optional<CommandStore.Command> command = actuators.agents().get(commandId);
        Optional<CommandSubject> subject = command.flatMap(this::subjectOf);
        if (subject.isEmpty()) {
            LOG.error("agent command {} on host {} failed and no action issued or reversed it: {}; check the host",
                    commandId, host, detail);
            return;
        }
        ActionRecord r = subject.get().action();
        boolean reversal = subject.get().reversal();
        // a reversal: what it should have taken back is still in force on the host, though Shadow undid it
        String what = reversal
                ? "its reversal " + command.get().action() + " was NOT carried out on host " + host + ", so "
                        + r.type() + " is still in force there although Shadow undid it: its agent reported "
                        + detail + "; take it back by hand"
                : r.type() + " was NOT carried out on host " + host + ": its agent reported " + detail;
        // an action that is the command alone (suspend_process, kill_process) has nothing else in force: it
        // failed, as one whose actuator refused it did, so no notice calls it in force and no reject or expiry
        // reverses it (a resume_process for processes never suspended); one with a part of Shadow's own (an
        // isolation's gateway rule) stays in force as agent_failed
        boolean commandOnly = !reversal && commandId.equals(r.handle());
        if (!reversal) { // the bracketed status a reviewer scans says so; an action out of force meanwhile stays so
            store.settleAction(r.actionId(), ActionRecord.APPLIED,
                    commandOnly ? ActionRecord.FAILED : ActionRecord.AGENT_FAILED);
        }
        store.appendActionDetail(r.actionId(), "; " + what);
        store.audit("shadow", "action.agent_failed", r.mitigationId(), what + " (command " + commandId + ")");
        LOG.error("mitigation {}: {}", r.mitigationId(), what);
        notifyOperators(r, "action_failed", reversal
                ? "Undo not carried out: " + r.type() + " still in force on host " + host
                : "Action not carried out: " + r.type() + " on host " + host, what + " (command " + commandId + ")."
                        + (reversal ? "" : commandOnly ? " Nothing of this action is in force; the rest of the "
                                + "mitigation is. Act on the process by hand or fix the agent."
                                : " The rest of the mitigation is in force; contain the host by hand or fix "
                                + "the agent."));
    }

    /** The action a host command carries out, or for a reversal (release_host, resume_process) the one it takes back. */
    record CommandSubject(ActionRecord action, boolean reversal) {
    }

    /** What {@code c} acts for; empty for a command no action issued or reversed. */
    Optional<CommandSubject> subjectOf(CommandStore.Command c) {
        Optional<ActionRecord> own = store.actionOfCommand(c.id());
        if (own.isPresent()) {
            return Optional.of(new CommandSubject(own.get(), false));
        }
        return actuators.agents().reversedBy(c).flatMap(o -> store.actionOfCommand(o.id()))
                .map(r -> new CommandSubject(r, true));
    }

    /**
     * Tells the security operators (web UI, SSE, webhooks, e-mail) about an action of a mitigation: {@code body}
     * after a line naming the mitigation, its incident and the incident's entity.
     */
    void notifyOperators(ActionRecord r, String kind, String subject, String body) {
        Mitigation m = store.mitigation(r.mitigationId()).orElseThrow();
        Incident i = store.incident(m.incidentId()).orElseThrow();
        notifyOperators(new Subject(i.tenant(), i.incidentId(), m.mitigationId(), i.entityKind(), i.entityId()), kind,
                subject, body);
    }

    /**
     * As above for a mitigation the caller has in hand (the one just applied): nothing is read from the store, so
     * the alert is made even when the store stopped answering right after the mitigation was recorded, and the
     * store-backed channels hold it until it answers again ({@link io.shadow.mitigation.notify.HoldingNotifier}).
     */
    private void notifyOperators(Subject about, String kind, String subject, String body) {
        notifyAll(new NotificationRecord("ntf-" + UUID.randomUUID(), about.incidentId(), about.mitigationId(),
                about.tenant(), kind, NotificationRecord.OPERATORS, subject, "Mitigation " + about.mitigationId()
                        + " of incident " + about.incidentId() + " (" + about.entityKind() + " " + about.entityId()
                        + "): " + body, clock.instant()));
    }

    /**
     * Records that {@code a} was contained at medium because its tenant has used its emergency budget: an audit line
     * on its incident every time (so the incident says it would have been an emergency), and, once per window, a
     * notice to the security team (none when the limit is 0: the emergency path is off by configuration, not used
     * up).
     */
    private void budgetUsedUp(Anomaly a, Assessment assessment, EmergencyBudget.Verdict budget, String incidentId,
            String mitigationId) {
        String tenant = a.entity().tenant();
        try {
            store.audit("shadow", "mitigation.emergency_budget", incidentId, a.entity() + " risk "
                    + Math.round(assessment.risk().score()) + " contained at medium instead of the emergency band: "
                    + (emergencies.limit() == 0 ? "the emergency path is off (mitigation.emergency.limit 0)"
                            : "tenant " + tenant + " has had " + emergencies.limit() + " emergency mitigation(s) "
                                    + "within " + emergencies.window()));
            if (budget == EmergencyBudget.Verdict.REFUSED_TELL && emergencies.limit() > 0) {
                notifyAll(new NotificationRecord("ntf-" + UUID.randomUUID(), incidentId, mitigationId, tenant,
                        "emergency_budget", NotificationRecord.OPERATORS,
                        "Emergency budget used up for tenant " + tenant + ": contained at medium",
                        "Tenant " + tenant + " has had " + emergencies.limit() + " emergency mitigation(s) within "
                                + emergencies.window() + " (mitigation.emergency.limit / window). " + a.entity()
                                + " (risk " + Math.round(assessment.risk().score()) + ", incident " + incidentId
                                + ") and further high-risk anomalies of the tenant are contained at medium, reversible "
                                + "and waiting for a person, until the window has passed (each is in the audit log: "
                                + "mitigation.emergency_budget). So many at once is more often forged telemetry (a "
                                + "stolen agent token), a bad model or a broken feed than as many attacks: check GET "
                                + "/v1/incidents?status=open for the tenant.",
                        clock.instant()));
            }
        } catch (RuntimeException e) { // what was acted on stands: the record must not fail the assessment
            LOG.error("tenant {}: emergency budget used up, and recording or telling it failed: {}", tenant,
                    e.toString());
        }
    }

    /** The mitigation an operators' alert is about, with its incident and the incident's entity. */
    private record Subject(String tenant, String incidentId, String mitigationId, String entityKind, String entityId) {
    }

    /**
     * A host's agent acknowledged a command that was revoked (reject, modify, expiry) while it was
     * carrying it out. The action's record and the mitigation's audit ({@code action.acted_after_revoke})
     * say what became of it: reversed at once by {@code reversals}, reversal owed while another
     * command holds the host or processes, kept (a kill), or not carried out at all.
     */
    public void agentActedAfterRevoke(CommandStore.Command c, boolean ok, String failure, List<String> reversals) {
        try {
            Optional<ActionRecord> found = store.actionOfCommand(c.id());
            Optional<String> reverse = AgentCommands.reverseOf(c.action());
            String what = c.action() + (ok ? " was carried out" : " was not carried out") + " on host " + c.host()
                    + " after it was withdrawn";
            if (!ok) {
                what += ": its agent reported " + failure;
            } else if (!reversals.isEmpty()) {
                what += "; reversed at once by " + reverse.orElseThrow() + " (command " + String.join(", ", reversals)
                        + ")";
            } else if (reverse.isPresent()) {
                what += "; its reversal " + reverse.get() + " is issued once no other command holds "
                        + ("isolate_host".equals(c.action()) ? "the host" : "its processes");
            } else {
                what += ": " + actuators.get(ActionType.fromWire(c.action())).notReversible()
                        .orElse("it cannot be reversed") + "; kept";
            }
            if (found.isEmpty()) {
                LOG.warn("agent command {}: {}; no action issued it", c.id(), what);
                return;
            }
            ActionRecord r = found.get();
            store.appendActionDetail(r.actionId(), "; " + what);
            store.audit("shadow", "action.acted_after_revoke", r.mitigationId(), what + " (command " + c.id() + ")");
            LOG.warn("mitigation {}: {}", r.mitigationId(), what);
        } catch (RuntimeException e) {
            // the ack is recorded (audit log, the command's status): its answer must not make the agent retry
            LOG.error("agent command {} on host {} was acknowledged after it was withdrawn, and recording that with "
                    + "its action failed; see the audit log for the command", c.id(), c.host(), e);
        }
    }

    /**
     * Tells the incident's principal (and, through webhooks and e-mail, the operators) what a decision
     * did: who decided, and which actions are now out of force or in force instead. A lifted lock-out
     * is news to the locked-out user and to the security team alike.
     */
    void notifyDecision(Mitigation m, Incident i, ActionTarget target, String what, String by,
            List<ActionRecord> after) {
        List<String> inForce = after.stream().filter(ActionRecord::inForce)
                .map(r -> r.type() + (r.expiresAt() == null ? "" : " until " + r.expiresAt())
                        + (ActionRecord.AGENT_FAILED.equals(r.status()) ? " (its host's agent could not carry it out)"
                                : "")).toList();
        List<String> undone = after.stream().filter(r -> ActionRecord.UNDONE.equals(r.status()))
                .map(ActionRecord::type).toList();
        List<String> kept = after.stream().filter(r -> ActionRecord.KEPT.equals(r.status()))
                .map(ActionRecord::type).toList();
        // ended by their time limit before this decision: an approve of them keeps nothing in force
        List<String> expired = after.stream().filter(r -> ActionRecord.EXPIRED.equals(r.status()))
                .map(r -> r.type() + " at " + r.undoneAt()).toList();
        // what the incident's other mitigations still enforce on the same account (or, for a host's, on the host):
        // "nothing" of this one is not "nothing" for the person still locked out by another
        List<String> elsewhere = new ArrayList<>();
        for (Mitigation other : store.mitigationsOf(i.incidentId())) {
            if (other.mitigationId().equals(m.mitigationId())
                    || !java.util.Objects.equals(targetOf(other.mitigationId(), i).principal(), target.principal())) {
                continue;
            }
            store.actionsOf(other.mitigationId()).stream().filter(ActionRecord::inForce)
                    .forEach(r -> elsewhere.add(r.type() + " (mitigation " + other.mitigationId() + ")"));
        }
        // to the account the mitigation acts on (an incident of a host gathers several principals' anomalies);
        // the decider's comment is not quoted: it is the reviewers' (GET /v1/feedback, the audit log)
        String who = target.principal() != null ? target.principal() : i.entityId();
        notifyAll(new NotificationRecord("ntf-" + UUID.randomUUID(), i.incidentId(), m.mitigationId(), i.tenant(),
                "mitigation_" + what, target.principal() != null ? target.principal() : NotificationRecord.OPERATORS,
                "[Shadow] Mitigation " + what + " by " + by + ": " + who + " on "
                        + (target.resourceId() == null ? target.resourceType().wireName() : target.resourceId()),
                "Mitigation " + m.mitigationId() + " of incident " + i.incidentId() + " was " + what + " by " + by
                        + ".\n"
                        + "In force now: " + (inForce.isEmpty() ? "nothing" : String.join(", ", inForce)) + ".\n"
                        + (undone.isEmpty() ? "" : "Undone: " + String.join(", ", undone) + ".\n")
                        + (kept.isEmpty() ? "" : "Kept, as it cannot be undone: " + String.join(", ", kept) + ".\n")
                        + (expired.isEmpty() ? "" : "Already expired: " + String.join(", ", expired) + ".\n")
                        + (elsewhere.isEmpty() ? "" : "Still in force from other mitigations of this incident: "
                                + String.join(", ", elsewhere) + ".\n"),
                clock.instant()));
    }

    /** Sends a notice about an action to the security operators by every channel, as {@link #agentFailed} does. */
    private void notifyAll(NotificationRecord n) {
        for (Notifier notifier : notifiers) {
            try {
                notifier.send(n);
            } catch (RuntimeException e) {
                LOG.error("notifier {} failed for {}: {}", notifier, n.notificationId(),
                        e.toString());
            }
        }
    }

    /** Why each applied action that a reject would not reverse stays, by action type. */
    private Map<String, String> notReversible(List<ActionRecord> done) {
        Map<String, String> out = new LinkedHashMap<>();
        for (ActionRecord r : done) {
            if (ActionRecord.APPLIED.equals(r.status())) {
                actuators.get(ActionType.fromWire(r.type())).notReversible().ifPresent(why -> out.put(r.type(), why));
            }
        }
        return out;
    }

    /**
     * Warm standby: readies what the higher bands' profiles would need for this target (standby
     * keys, data keys, table pins), so that an escalation acts in milliseconds.
     */
    private void prepareAhead(Anomaly a, Band band, ProfileSet ps) {
        ActionTarget target = new ActionTarget(a.entity().tenant(), a.principal(), a.host(), a.resourceType(),
                a.resourceId(), a.process());
        for (MitigationProfile p : ps.profiles()) {
            if (p.band().compareTo(band) > 0 && p.resourceTypes().contains(a.resourceType()) && !p.dryRun()) {
                for (ActionSpec spec : p.actions()) {
                    try {
                        actuators.get(spec.type()).prepare(target);
                    } catch (RuntimeException e) {
                        LOG.warn("preparing {} for {} failed: {}", spec.type().wireName(), target.describe(),
                                e.toString());
                    }
                }
            }
        }
    }

    /**
     * A new action id that sorts after every earlier one (of this process, and of earlier ones while the
     * wall clock does not go back): a mitigation's actions, listed by time applied and then id, come in
     * the profile's order even when the clock gives them the same instant.
     */
    static String nextActionId() {
        long micros = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
        long seq = ACTION_SEQ.updateAndGet(last -> Math.max(last + 1, micros));
        return String.format("act-%014x-%s", seq, UUID.randomUUID().toString().substring(0, 8));
    }

    private ActionRecord apply(String mitigationId, ActionSpec spec, ActionTarget target, boolean dryRun) {
        Instant now = clock.instant();
        return apply(mitigationId, spec, target, dryRun, now, spec.expires() == null ? null : now.plus(spec.expires()));
    }

    private ActionRecord apply(String mitigationId, ActionSpec spec, ActionTarget target, boolean dryRun, Instant now,
            Instant expires) {
        return apply(mitigationId, spec, target, dryRun, now, expires, new ArrayList<>(), false);
    }

    /**
     * As above; a skip that leaves something to do ({@link NotApplicableException#gap()}) is added to {@code gaps}.
     * {@code automatic}: Shadow acting by itself (a profile's action), which leaves protected principals, hosts and
     * resources alone ({@code mitigation.protected.*}); a person's modify is the security team deciding, so it may.
     */
    private ActionRecord apply(String mitigationId, ActionSpec spec, ActionTarget target, boolean dryRun, Instant now,
            Instant expires, List<ActionRecord> gaps, boolean automatic) {
        String id = nextActionId();
        String type = spec.type().wireName();
        // the process acted on is kept with the action: an incident does not keep it, a modify needs it
        Map<String, String> params = io.shadow.mitigation.actuate.AgentActuator.recorded(spec.type(), spec.params(),
                target);
        Actuator actuator = actuators.get(spec.type());
        Optional<String> shielded = automatic ? actuators.refusal(spec.type(), target) : Optional.empty();
        if (shielded.isPresent()) { // a protected principal, host or resource: a person decides, and is told
            ActionRecord skipped = new ActionRecord(id, mitigationId, type, target.describe(), params,
                    ActionRecord.SKIPPED, now, null, null, "", (dryRun ? "dry run: would skip: " : "")
                            + shielded.get());
            if (!dryRun) {
                gaps.add(skipped);
            }
            return skipped;
        }
        if (dryRun) {
            Optional<String> skip;
            try {
                skip = actuator.wouldSkip(target, spec.params());
            } catch (RuntimeException e) { // a check that cannot tell leaves the dry run saying what it would try
                LOG.warn("dry run of {} on {}: could not tell whether it would be skipped: {}", type,
                        target.describe(), e.toString());
                skip = Optional.empty();
            }
            return skip.isPresent()
                    ? new ActionRecord(id, mitigationId, type, target.describe(), params, ActionRecord.SKIPPED, now,
                            null, null, "", "dry run: would skip: " + skip.get())
                    : new ActionRecord(id, mitigationId, type, target.describe(), params, ActionRecord.DRY_RUN, now,
                            expires, null, "", "dry run: would " + type + " " + target.describe());
        }
        try {
            Applied applied = actuator.apply(target, spec.params(), expires);
            return new ActionRecord(id, mitigationId, type, target.describe(), params, ActionRecord.APPLIED, now,
                    expires, null, applied.handle(), applied.detail());
        } catch (NotApplicableException e) {
            ActionRecord skipped = new ActionRecord(id, mitigationId, type, target.describe(), params,
                    ActionRecord.SKIPPED, now, null, null, "", e.getMessage());
            if (e.gap()) {
                gaps.add(skipped);
            }
            return skipped;
        } catch (RuntimeException e) {
            LOG.error("action {} on {} failed", type, target.describe(), e);
            return new ActionRecord(id, mitigationId, type, target.describe(), params, ActionRecord.FAILED, now,
                    null, null, "", "failed: " + e.getMessage());
        }
    }

    /**
     * Refuses, before acting, an anomaly with a value the store cannot hold: recording it would fail
     * once its actions are in force, leaving them unrecorded and impossible to undo from the API.
     */
    private static void requireStorable(Anomaly a) {
        if (a.entity() == null || a.time() == null || a.pattern() == null || a.resourceType() == null) {
            throw new IllegalArgumentException("assessment refused, nothing was done: anomaly.entity, anomaly.time, "
                    + "anomaly.pattern and anomaly.resourceType are required");
        }
        List<String> tooLong = java.util.stream.Stream.of(
                ColumnLimits.tooLong("anomaly.entity.tenant", a.entity().tenant(), ColumnLimits.TENANT),
                ColumnLimits.tooLong("anomaly.entity.id", a.entity().id(), ColumnLimits.ENTITY_ID),
                ColumnLimits.tooLong("anomaly.eventId", a.eventId(), ColumnLimits.EVENT_ID),
                ColumnLimits.tooLong("anomaly.principal", a.principal(), ColumnLimits.PRINCIPAL),
                ColumnLimits.tooLong("anomaly.host", a.host(), ColumnLimits.HOST),
                ColumnLimits.tooLong("anomaly.resourceId", a.resourceId(), ColumnLimits.RESOURCE_ID),
                ColumnLimits.tooLong("anomaly.pattern", a.pattern(), ColumnLimits.PATTERN))
                .filter(java.util.Objects::nonNull).toList();
        if (!tooLong.isEmpty()) {
            throw new IllegalArgumentException("assessment refused, nothing was done: " + String.join("; ", tooLong));
        }
    }

    private static String recipient(Anomaly a) {
        return a.principal() != null ? a.principal() : NotificationRecord.OPERATORS;
    }

    private static String explanation(Assessment assessment) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("anomaly", assessment.anomaly());
        m.put("risk", assessment.risk());
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Undoes one recorded action if it is still in force. The status moves first (so of concurrent
     * undos exactly one acts); if the actuator's undo then fails, the action is put back in force,
     * audited as {@code action.undo_failed}, and the failure rethrown. An action the actuator could
     * not reverse (a rotation, a kill the agent carried out) is recorded and audited as
     * {@link ActionRecord#KEPT}, never as undone.
     *
     * @return the status recorded ({@code finalStatus} or {@link ActionRecord#KEPT}), or null when
     *     the action was not in force
     */
    String undo(ActionRecord r, String finalStatus) {
        if (!r.inForce()) {
            return null;
        }
        Actuator actuator = actuators.get(ActionType.fromWire(r.type()));
        // one that may not be reversible is claimed as kept: it never shows as undone before it is
        String claimed = actuator.notReversible().isPresent() ? ActionRecord.KEPT : finalStatus;
        Optional<String> was = store.finishAction(r.actionId(), claimed, clock.instant());
        if (was.isEmpty()) {
            return null;
        }
        boolean reversed;
        try {
            reversed = actuator.undo(r.handle());
        } catch (RuntimeException | Error e) {
            // an Error too (a rollback without Spark's classes): the action is still in force, so is its record
            try {
                store.reopenAction(r.actionId(), claimed, was.get()); // as it was, agent_failed included
                store.audit("shadow", "action.undo_failed", r.mitigationId(), r.type() + ": "
                        + (e instanceof Error ? e.getClass().getSimpleName() + ": " : "") + e.getMessage()
                        + "; the action stays in force");
            } catch (RuntimeException s) {
                e.addSuppressed(s);
            }
            throw e;
        }
        String status = reversed ? finalStatus : ActionRecord.KEPT;
        if (!status.equals(claimed)) {
            store.settleAction(r.actionId(), claimed, status);
        }
        store.audit("shadow", "action." + status, r.mitigationId(), r.type() + ": " + (reversed ? r.detail()
                : actuator.notReversible().orElse("it cannot be reversed") + "; applied: " + r.detail()));
        return status;
    }

    /** Re-establishes the actions the store has in force (after a restart); returns how many. */
    public int restore() {
        int n = 0;
        for (ActionRecord r : store.actionsInForce()) {
            restore(r);
            n++;
        }
        return n;
    }

    private void restore(ActionRecord r) {
        Mitigation m = store.mitigation(r.mitigationId()).orElseThrow();
        Incident i = store.incident(m.incidentId()).orElseThrow();
        actuators.get(ActionType.fromWire(r.type())).restore(targetOf(m.mitigationId(), i), r.params(),
                r.expiresAt(), r.handle());
    }

    /**
     * What a mitigation's actions were aimed at: the target it was recorded with, or for one recorded
     * without (before the store kept it) the incident's principal, host and first resource.
     */
    ActionTarget targetOf(String mitigationId, Incident i) {
        return store.targetOf(mitigationId)
                .map(t -> new ActionTarget(i.tenant(), t.principal(), t.host(),
                        io.shadow.features.ResourceType.fromWire(t.resourceType()), t.resourceId()))
                .orElseGet(() -> new ActionTarget(i.tenant(), i.principal(), i.host(),
                        io.shadow.features.ResourceType.fromWire(i.resourceType()), i.resourceId()));
    }

    /** What {@link #syncGatewayRules} changed. */
    public record RulesSync(int added, int removed) {
    }

    /**
     * Brings this process's gateway rules in line with the store, for several Shadow processes on one
     * store behind one load balancer: rules another process applied are enforced here too, and rules
     * another process undid (a reject, an expiry, a modify) are dropped. A rule this process applied
     * whose action is not recorded yet is kept (it is being recorded), as is one whose recording
     * failed (in force without a record, see {@link IncompleteMitigationException}).
     *
     * @param since the start of the previous sync less the clock difference allowed between processes:
     *     actions that left force from then on are looked up
     */
    public RulesSync syncGatewayRules(Instant since) {
        io.shadow.mitigation.actuate.GatewayPolicy policy = actuators.gateway();
        java.util.Set<String> local = policy.ids(); // first: a rule applied after this is kept below
        List<ActionRecord> inForce = store.actionsInForce(io.shadow.mitigation.actuate.GatewayActuator.TYPES);
        java.util.Set<String> left = new java.util.HashSet<>();
        for (String handle : store.handlesLeftForceSince(since)) {
            left.add(io.shadow.mitigation.actuate.GatewayActuator.ruleId(handle));
        }
        java.util.Set<String> enforced = new java.util.HashSet<>();
        int added = 0;
        for (ActionRecord r : inForce) {
            String id = io.shadow.mitigation.actuate.GatewayActuator.ruleId(r.handle());
            enforced.add(id);
            if (!local.contains(id) && !left.contains(id)) {
                restore(r);
                added++;
            }
        }
        int removed = 0;
        for (String id : local) {
            if (!enforced.contains(id) && left.contains(id) && policy.remove(id)) {
                removed++;
            }
        }
        return new RulesSync(added, removed);
    }

    /**
     * Undoes every applied action whose expiry has passed; returns how many were undone (one that
     * cannot be reversed is recorded as kept instead and not counted).
     */
    public int expire() {
        int n = 0;
        Instant now = clock.instant();
        List<ActionRecord> expired = store.expiredActions(now);
        // an action undone meanwhile by a decision is no longer waiting for a retry
        undoRetries.keySet().retainAll(expired.stream().map(ActionRecord::actionId).toList());
        // what this sweep ended, by mitigation: its person is told once per mitigation, also when a later one fails
        Map<String, List<ActionRecord>> ended = new LinkedHashMap<>();
        try {
            for (ActionRecord r : expired) {
                n += expire(r, now, ended);
            }
        } finally {
            ended.forEach(this::notifyExpired);
        }
        return n;
    }

    /** Ends one expired action (see {@link #expire()}); 1 when it was undone, 0 otherwise. */
    private int expire(ActionRecord r, Instant now, Map<String, List<ActionRecord>> ended) {
        UndoRetry retry = undoRetries.get(r.actionId());
        if (retry != null && now.isBefore(retry.at())) {
            return 0;
        }
        try {
            String status = undo(r, ActionRecord.EXPIRED);
            undoRetries.remove(r.actionId());
            if (status != null) {
                ended.computeIfAbsent(r.mitigationId(), k -> new ArrayList<>()).add(r);
            }
            return ActionRecord.EXPIRED.equals(status) ? 1 : 0;
        } catch (StoreException e) {
            if (e.isTransient()) {
                throw e; // the store is out: the next sweep tries them all again
            }
            retryLater(r, retry, now, e); // one action's own failure (a row an actuator needs, say)
        } catch (VirtualMachineError e) {
            throw e; // out of memory or stack: nothing more is tried in this run
        } catch (RuntimeException | Error e) {
            for (Throwable suppressed : e.getSuppressed()) {
                if (suppressed instanceof StoreException s) {
                    // undo could not even reopen the action's record: it is in force but recorded otherwise
                    LOG.error("action {} ({} of mitigation {}) expired; undoing it failed ({}) and so did "
                            + "reopening its record ({}): it is IN FORCE though its record says it ended; undo "
                            + "it by hand", r.actionId(), r.type(), r.mitigationId(), e.toString(), s.getMessage());
                    throw s;
                }
            }
            retryLater(r, retry, now, e);
        }
        return 0;
    }

    /**
     * Tells the mitigation's person (the principal it acts on, else the security team) that its time limit
     * ended {@code ended}: what ended, what of it is still in force, and whether it still awaits a decision.
     */
    private void notifyExpired(String mitigationId, List<ActionRecord> ended) {
        try {
            Mitigation m = store.mitigation(mitigationId).orElseThrow();
            Incident i = store.incident(m.incidentId()).orElseThrow();
            ActionTarget target = targetOf(mitigationId, i);
            List<String> inForce = store.actionsOf(mitigationId).stream().filter(ActionRecord::enforces)
                    .map(r -> r.type() + (r.expiresAt() == null ? "" : " until " + r.expiresAt())).toList();
            String who = target.principal() != null ? target.principal() : i.entityId();
            String what = String.join(", ", ended.stream().map(ActionRecord::type).toList());
            boolean open = Mitigation.APPLIED.equals(m.status());
            notifyAll(new NotificationRecord("ntf-" + UUID.randomUUID(), i.incidentId(), mitigationId, i.tenant(),
                    "mitigation_expired", target.principal() != null ? target.principal() : NotificationRecord.OPERATORS,
                    "[Shadow] Ended at its time limit: " + what + " of " + who + " on "
                            + (target.resourceId() == null ? target.resourceType().wireName() : target.resourceId()),
                    "Mitigation " + mitigationId + " of incident " + i.incidentId() + " reached its time limit: "
                            + String.join(", ", ended.stream().map(r -> r.type() + " (set to end at " + r.expiresAt()
                                    + ")").toList()) + " ended at " + clock.instant() + ".\n"
                            + "In force now from this mitigation: " + (inForce.isEmpty() ? "nothing, it has ended"
                                    : String.join(", ", inForce)) + ".\n"
                            + (!open ? "" : Mitigation.EMERGENCY.equals(m.path()) && target.principal() != null
                                    ? "It still awaits the security team's decision (an emergency mitigation of your "
                                    + "own activity is theirs to reject; you may approve it if it was a real threat).\n"
                                    : "It still awaits a decision: approve if it was a real threat, reject if it "
                                    + "was not (that is what Shadow learns from).\n"),
                    clock.instant()));
        } catch (RuntimeException e) {
            LOG.error("mitigation {}: its actions {} expired, and telling its person failed: {}", mitigationId,
                    ended.stream().map(ActionRecord::type).toList(), e.toString());
        }
    }

    /**
     * One action that cannot be undone (reopened and audited by undo) must not hold back the others'
     * expiry: it was first in the list at every sweep, and nothing after it lapsed. It is tried again
     * later and later, so that a lasting fault does not write an audit line per sweep.
     */
    private void retryLater(ActionRecord r, UndoRetry retry, Instant now, Throwable e) {
        Duration doubled = retry == null ? FIRST_UNDO_RETRY : retry.delay().multipliedBy(2);
        Duration wait = doubled.compareTo(MAX_UNDO_RETRY) > 0 ? MAX_UNDO_RETRY : doubled;
        undoRetries.put(r.actionId(), new UndoRetry(now.plus(wait), wait));
        LOG.error("action {} ({} of mitigation {}) expired but undoing it failed; it stays in force and is tried "
                + "again in {} (audit: action.undo_failed)", r.actionId(), r.type(), r.mitigationId(), wait, e);
    }

    /** When an expired action's undo is tried again, and the wait that led there. */
    private record UndoRetry(Instant at, Duration delay) {
    }

    /**
     * Applies and records one action of a modify. If it cannot be recorded it is undone again (see
     * {@link #record}) and the failure rethrown, for the modify to be withdrawn.
     */
    ActionRecord applyForModify(String mitigationId, ActionSpec spec, ActionTarget target) {
        ActionRecord r = apply(mitigationId, spec, target, false);
        record(r, target, r.type() + ": " + r.detail());
        return r;
    }

    /**
     * Applies a recorded action again as a new action, with its params and its expiry (a withdrawn
     * modify restores what it had undone). Recorded as {@link #applyForModify} records.
     */
    ActionRecord reapply(ActionRecord r, ActionTarget target) {
        ActionSpec spec = new ActionSpec(ActionType.fromWire(r.type()), r.params(), null);
        ActionRecord again = apply(r.mitigationId(), spec, target, false, clock.instant(), r.expiresAt());
        record(again, target, again.type() + " again (was " + r.actionId() + "): " + again.detail());
        return again;
    }

    /**
     * Records an action just applied, with its audit line, in one transaction. If the store refuses,
     * the action is undone through its actuator (without a record nothing could expire or undo it
     * later) and the store's failure rethrown; if that undo fails too, an
     * {@link UnrecordedActionException} says it is in force without a record.
     */
    private void record(ActionRecord r, ActionTarget target, String auditDetail) {
        try {
            store.insertAction(r, auditDetail);
        } catch (RuntimeException e) {
            if (ActionRecord.APPLIED.equals(r.status())) {
                try {
                    actuators.get(ActionType.fromWire(r.type())).undo(r.handle());
                } catch (RuntimeException | Error u) {
                    String what = r.type() + " on " + target.describe() + " (" + r.detail() + ")";
                    LOG.error("{} is in force without a record: undo it by hand", what, u);
                    UnrecordedActionException x = new UnrecordedActionException(what + " is in force without a "
                            + "record: recording it failed (" + e.getMessage() + ") and undoing it failed too ("
                            + u.getClass().getSimpleName() + ": " + u.getMessage() + "); nothing in Shadow can "
                            + "expire or undo it, undo it by hand", e);
                    x.addSuppressed(u);
                    throw x;
                }
            }
            throw e;
        }
    }

    Clock clock() {
        return clock;
    }
}
