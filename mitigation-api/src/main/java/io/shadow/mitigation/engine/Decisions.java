package io.shadow.mitigation.engine;

import io.shadow.features.ResourceType;
import io.shadow.features.EventIds;
import io.shadow.mitigation.actuate.ActionTarget;
import io.shadow.mitigation.profile.ActionSpec;
import io.shadow.mitigation.store.ActionRecord;
import io.shadow.mitigation.store.FeedbackRecord;
import io.shadow.mitigation.store.Incident;
import io.shadow.mitigation.store.Mitigation;
import io.shadow.mitigation.store.MitigationStore;
import java.util.List;
import java.util.Set;

/**
 * A user's decision on a mitigation: approve (keep it, confirm the incident), reject (undo every
 * action, mark it a false alarm) or modify (replace the action set: undo what is dropped, apply
 * what is added). Each decision is recorded as feedback for the nightly job, and only the first of
 * concurrent decisions on one mitigation takes effect.
 */
public final class Decisions {
    private static final Set<String> OPEN = Set.of(Mitigation.APPLIED, Mitigation.DRY_RUN);

    private final MitigationEngine engine;
    private final MitigationStore store;

    public Decisions(MitigationEngine engine) {
        this.engine = engine;
        this.store = engine.store();
    }

    /** The decision could not be taken: unknown mitigation or already decided. */
    public static final class DecisionException extends RuntimeException {
        private final int status;

        DecisionException(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    public Mitigation approve(String mitigationId, String user, String comment) {
        return approve(mitigationId, Decider.reviewer(user), comment);
    }

    public Mitigation approve(String mitigationId, Decider decider, String comment) {
        Context c = context(mitigationId);
        claim(c, Mitigation.APPROVED, FeedbackRecord.APPROVE, decider, comment);
        return store.mitigation(mitigationId).orElseThrow();
    }

    public Mitigation reject(String mitigationId, String user, String comment) {
        return reject(mitigationId, Decider.reviewer(user), comment);
    }

    /**
     * Undoes the mitigation's actions. An emergency mitigation of the decider's own activity is
     * refused (403): lifting a lock-out or shutdown takes someone other than the locked-out account.
     */
    public Mitigation reject(String mitigationId, Decider decider, String comment) {
        Context c = context(mitigationId);
        refuseLiftingOwnEmergency(c, decider, "reject");
        claim(c, Mitigation.REJECTED, FeedbackRecord.REJECT, decider, comment);
        List<String> failed = new java.util.ArrayList<>();
        for (ActionRecord r : store.actionsOf(mitigationId)) {
            undo(r, failed);
        }
        boolean othersInForce = store.mitigationsOf(c.incident.incidentId()).stream()
                .anyMatch(m -> OPEN.contains(m.status()) || Mitigation.APPROVED.equals(m.status())
                        || Mitigation.MODIFIED.equals(m.status()));
        if (!othersInForce && failed.isEmpty()) {
            store.setIncidentStatus(c.incident.incidentId(), Incident.RESOLVED);
        }
        throwIfFailed(mitigationId, "rejected", failed);
        return store.mitigation(mitigationId).orElseThrow();
    }

    /** Undoes one action; a failure is collected (the action stays in force) so the others are still undone. */
    private void undo(ActionRecord r, List<String> failed) {
        try {
            engine.undo(r, ActionRecord.UNDONE);
        } catch (RuntimeException e) {
            failed.add(r.type() + " (" + r.actionId() + "): " + e.getMessage());
        }
    }

    private static void throwIfFailed(String mitigationId, String what, List<String> failed) {
        if (!failed.isEmpty()) {
            throw new DecisionException(500, "mitigation " + mitigationId + " was " + what + ", but undoing "
                    + String.join("; ", failed) + " failed; those actions stay in force (audit: action.undo_failed)"
                    + " until an operator fixes the cause and they expire or are undone");
        }
    }

    public Mitigation modify(String mitigationId, String user, String comment, List<ActionSpec> actions) {
        return modify(mitigationId, Decider.reviewer(user), comment, actions);
    }

    /** Replaces the actions in force with {@code actions}; refused like {@link #reject} for one's own emergency. */
    public Mitigation modify(String mitigationId, Decider decider, String comment, List<ActionSpec> actions) {
        if (actions == null || actions.isEmpty()) {
            throw new DecisionException(400, "modify needs a non-empty 'actions' list; to undo everything, reject");
        }
        Context c = context(mitigationId);
        refuseLiftingOwnEmergency(c, decider, "modify");
        claim(c, Mitigation.MODIFIED, FeedbackRecord.MODIFY, decider, comment);
        // An action in force is kept only if asked for with the same params (a new rate replaces the old one).
        List<ActionRecord> kept = new java.util.ArrayList<>();
        List<String> failed = new java.util.ArrayList<>();
        for (ActionRecord r : store.actionsOf(mitigationId)) {
            if (ActionRecord.APPLIED.equals(r.status()) && actions.stream().anyMatch(a -> same(a, r))) {
                kept.add(r);
            } else {
                undo(r, failed);
            }
        }
        Incident i = c.incident;
        ActionTarget target = new ActionTarget(i.tenant(), i.principal(), i.host(),
                ResourceType.fromWire(i.resourceType()), i.resourceId());
        for (ActionSpec spec : actions) {
            if (kept.stream().noneMatch(r -> same(spec, r))) {
                engine.applyForModify(mitigationId, spec, target);
            }
        }
        throwIfFailed(mitigationId, "modified", failed);
        return store.mitigation(mitigationId).orElseThrow();
    }

    private static boolean same(ActionSpec spec, ActionRecord r) {
        return r.type().equals(spec.type().wireName()) && r.params().equals(spec.params());
    }

    private record Context(Mitigation mitigation, Incident incident) {
    }

    private Context context(String mitigationId) {
        Mitigation m = store.mitigation(mitigationId).orElseThrow(() -> new DecisionException(404,
                "no mitigation " + mitigationId + "; list them with GET /v1/incidents"));
        Incident i = store.incident(m.incidentId()).orElseThrow();
        return new Context(m, i);
    }

    private static void refuseLiftingOwnEmergency(Context c, Decider decider, String what) {
        if (decider.concerns(c.incident) && Mitigation.EMERGENCY.equals(c.mitigation.path())) {
            throw new DecisionException(403, "mitigation " + c.mitigation.mitigationId() + " is an emergency "
                    + "mitigation of your own activity (" + decider.principal() + "); you may approve it, but to "
                    + what + " it ask an operator or your security team");
        }
    }

    private void claim(Context c, String to, String decision, Decider decider, String comment) {
        Incident i = c.incident;
        FeedbackRecord fb = new FeedbackRecord("fb-" + EventIds.derive("feedback", c.mitigation.mitigationId()),
                c.mitigation.mitigationId(), i.incidentId(), i.tenant(), i.entityKind(), i.entityId(), i.pattern(),
                decision, comment, decider.name(), decider.concerns(i), engine.clock().instant());
        if (!store.decide(c.mitigation.mitigationId(), OPEN, to, fb)) {
            Mitigation now = store.mitigation(c.mitigation.mitigationId()).orElseThrow();
            throw new DecisionException(409, "mitigation " + now.mitigationId() + " was already decided ("
                    + now.status() + " by " + now.decidedBy() + " at " + now.decidedAt() + "); its decision stands");
        }
    }
}
