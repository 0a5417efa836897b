package io.shadow.mitigation.engine;

import io.shadow.mitigation.actuate.AgentCommands;
import io.shadow.mitigation.store.ActionRecord;
import io.shadow.mitigation.store.CommandStore.Command;
import io.shadow.mitigation.store.CommandStore.Unconfirmed;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the commands host agents are to carry out: an action shows as applied once its command is
 * issued, so an agent that is down, dead or lost the command would leave Shadow showing a host isolated
 * that is not. A command its agent has not fetched within the fetch timeout, or fetched but not
 * acknowledged within the ack timeout, is reported once (action detail, audit {@code action.agent_silent},
 * a notice {@code action_unconfirmed} to the security operators); a later acknowledgement of it is
 * recorded as late, and a late success notified ({@code action_confirmed}).
 */
public final class AgentWatch {
    /** Many times the agent's default {@code actions.poll-interval} (PT2S): a few lost polls or a restart pass. */
    public static final Duration DEFAULT_FETCH_TIMEOUT = Duration.ofMinutes(1);
    /** Isolating or signalling takes seconds; this leaves room for an agent's retried acknowledgements. */
    public static final Duration DEFAULT_ACK_TIMEOUT = Duration.ofMinutes(3);
    private static final Logger LOG = LoggerFactory.getLogger(AgentWatch.class);

    private final MitigationEngine engine;
    private final Duration fetchTimeout;
    private final Duration ackTimeout;

    public AgentWatch(MitigationEngine engine, Duration fetchTimeout, Duration ackTimeout) {
        this.engine = engine;
        this.fetchTimeout = fetchTimeout;
        this.ackTimeout = ackTimeout;
    }

    /**
     * Reports every command whose agent has been silent for too long and that was not reported yet
     * (the store keeps that it was: a restart or a second Shadow process does not report it again).
     *
     * @return how many were reported
     */
    public int sweep() {
        AgentCommands agents = engine.actuators().agents();
        int n = 0;
        for (Unconfirmed u : agents.unconfirmed(fetchTimeout, ackTimeout)) {
            Optional<Instant> marked = agents.reportSilent(u.command());
            if (marked.isEmpty()) {
                continue; // acknowledged meanwhile, or reported by another process
            }
            try {
                report(u);
                n++;
            } catch (RuntimeException e) {
                try { // not reported after all: a later sweep tries again
                    agents.unmarkSilent(u.command(), marked.get());
                } catch (RuntimeException again) {
                    e.addSuppressed(again);
                }
                if (e instanceof io.shadow.mitigation.store.StoreException s && s.isTransient()) {
                    throw s;
                }
                LOG.error("agent command {} ({} on host {}) is not confirmed by its agent, and reporting that failed; "
                        + "check the host", u.command().id(), u.command().action(), u.command().host(), e);
            }
        }
        return n;
    }

    private void report(Unconfirmed u) {
        Command c = u.command();
        Instant now = engine.clock().instant();
        String silence = AgentCommands.PENDING.equals(c.status())
                ? "its agent has not fetched command " + c.id() + " since " + at(c.issuedAt()) + " ("
                        + ago(c.issuedAt(), now) + ")"
                : "its agent fetched command " + c.id() + " at " + at(fetched(u)) + " and has not acknowledged it ("
                        + ago(fetched(u), now) + ")";
        MitigationEngine.CommandSubject s = engine.subjectOf(c).orElse(null);
        if (s == null) {
            engine.store().audit("shadow", "action.agent_silent", c.id(), c.action() + " not confirmed on host "
                    + c.host() + ": " + silence);
            LOG.error("{} not confirmed on host {}: {}; no action issued or reversed it; check the host", c.action(),
                    c.host(), silence);
            return;
        }
        // withdrawn while its agent held it: if the agent carried it out, it stands, and its reversal waits for the ack
        boolean withdrawn = AgentCommands.CANCELLING.equals(c.status());
        String what = s.reversal()
                ? "its reversal " + c.action() + " is not confirmed on host " + c.host() + ", so " + s.action().type()
                        + " may still be in force there although Shadow undid it: " + silence
                : withdrawn ? c.action() + " was withdrawn while its agent held it and is not confirmed on host "
                        + c.host() + ": " + silence + "; if the agent carried it out, it is still in force there, and "
                        + "its reversal is issued only once the agent acknowledges it"
                : c.action() + " not confirmed on host " + c.host() + ": " + silence;
        record(s.action(), "action.agent_silent", what, c);
        // recorded: from here on a failure must not unmark it (a later sweep would record it a second time)
        notify(s.action(), "action_unconfirmed", s.reversal()
                ? "Undo not confirmed: " + s.action().type() + " may still be in force on host " + c.host()
                : withdrawn ? "Withdrawn action not confirmed: " + c.action() + " may be in force on host " + c.host()
                : "Action not confirmed: " + c.action() + " on host " + c.host(), what + " (command " + c.id() + "). "
                        + (s.reversal() || withdrawn ? "Check the host's agent, or take it back by hand."
                                : "Shadow shows it as in force, but nothing says it was done on the host: check "
                                        + "the host's agent (is it running, can it reach Shadow?), or contain the host "
                                        + "by hand."));
    }

    /**
     * After an acknowledgement went the normal way: if its command had been reported silent, the action's
     * history says it was answered late, and a late success tells the operators it is confirmed now.
     */
    public void acknowledged(String commandId, boolean ok) {
        try {
            AgentCommands agents = engine.actuators().agents();
            Optional<Instant> reported = agents.reportedSilentAt(commandId);
            if (reported.isEmpty()) {
                return; // the usual case: answered in time
            }
            Command c = agents.get(commandId).orElseThrow();
            Instant when = c.ackedAt() != null ? c.ackedAt() : engine.clock().instant();
            MitigationEngine.CommandSubject s = engine.subjectOf(c).orElse(null);
            String what = (s != null && s.reversal() ? "its reversal " : "") + c.action()
                    + (ok ? " was carried out late on host " + c.host() + ", at " + at(when)
                            : ": its agent answered late, at " + at(when))
                    + ", after it was reported as not confirmed at " + at(reported.get());
            if (s == null) {
                engine.store().audit("shadow", "action.agent_late", c.id(), what);
                return;
            }
            record(s.action(), "action.agent_late", what, c);
            if (ok) { // a failure is notified as action_failed already
                notify(s.action(), "action_confirmed", s.reversal()
                        ? "Undo confirmed late: " + c.action() + " on host " + c.host()
                        : "Action confirmed late: " + c.action() + " on host " + c.host(),
                        what + " (command " + c.id() + ").");
            }
        } catch (RuntimeException e) {
            // the ack is recorded (audit log, the command's status): its answer must not make the agent retry
            LOG.error("agent command {} was acknowledged after it was reported silent, and recording that with its "
                    + "action failed; see the audit log for the command", commandId, e);
        }
    }

    /** The action's history and the mitigation's audit, both or neither. */
    private void record(ActionRecord r, String event, String what, Command c) {
        engine.store().appendActionDetail(r.actionId(), "; " + what, "shadow", event, r.mitigationId(),
                what + " (command " + c.id() + ")");
        LOG.warn("mitigation {}: {}", r.mitigationId(), what);
    }

    /** Tells the operators about a recorded report; a failure is logged, the record stands. */
    private void notify(ActionRecord r, String kind, String subject, String body) {
        try {
            engine.notifyOperators(r, kind, subject, body);
        } catch (RuntimeException e) {
            LOG.error("mitigation {}: {} is recorded in the action's history, and notifying the operators failed: "
                    + "{}", r.mitigationId(), subject, e.toString());
        }
    }

    private static Instant fetched(Unconfirmed u) {
        return u.fetchedAt() != null ? u.fetchedAt() : u.command().issuedAt();
    }

    private static String at(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static String ago(Instant since, Instant now) {
        Duration d = Duration.between(since, now);
        return d.toHours() >= 2 ? d.toHours() + " h" : d.toMinutes() >= 1 ? d.toMinutes() + " min"
                : d.toSeconds() + " s";
    }
}
