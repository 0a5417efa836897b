package io.shadow.mitigation.engine;

import io.shadow.features.EventIds;
import io.shadow.mitigation.actuate.ActionTarget;
import io.shadow.mitigation.profile.ActionRules;
import io.shadow.mitigation.profile.ActionSpec;
import io.shadow.mitigation.store.ActionRecord;
import io.shadow.mitigation.store.FeedbackRecord;
import io.shadow.mitigation.store.Incident;
import io.shadow.mitigation.store.Mitigation;
import io.shadow.mitigation.store.MitigationStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A user's decision on a mitigation: approve (keep it, confirm the incident), reject (undo every
 * action, mark it a false alarm) or modify (replace the action set: undo what is dropped, apply
 * what is added). An action that cannot be reversed (a key rotation, a kill the agent carried out)
 * is recorded as {@link ActionRecord#KEPT} instead of undone. Each decision is recorded as feedback
 * for the nightly job, and only the first of concurrent decisions on one mitigation takes effect.
 */
public final class Decisions {
    private static final Logger LOG = LoggerFactory.getLogger(Decisions.class);
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
            this(status, message, null);
        }

        DecisionException(int status, String message, Throwable cause) {
            super(message, cause);
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
        refuseOthersMitigation(c, decider, "approve");
        claim(c, Mitigation.APPROVED, FeedbackRecord.APPROVE, decider, comment);
        return notified(c, "approved", decider, comment);
    }

    public Mitigation reject(String mitigationId, String user, String comment) {
        return reject(mitigationId, Decider.reviewer(user), comment);
    }

    /**
     * Undoes the mitigation's actions (those that cannot be reversed are kept). An emergency
     * mitigation of the decider's own activity is refused (403): lifting a lock-out or shutdown
     * takes someone other than the locked-out account.
     */
    public Mitigation reject(String mitigationId, Decider decider, String comment) {
        Context c = context(mitigationId);
        refuseOthersMitigation(c, decider, "reject");
        refuseLiftingOwnEmergency(c, decider, "reject");
        claim(c, Mitigation.REJECTED, FeedbackRecord.REJECT, decider, comment);
        List<String> failed = new ArrayList<>();
        for (ActionRecord r : store.actionsOf(mitigationId)) {
            undo(r, failed);
        }
        resolveIfNothingInForce(c, failed);
        throwIfFailed(mitigationId, "rejected", failed);
        return notified(c, "rejected", decider, comment);
    }

    /**
     * Takes a decided mitigation's actions out of force, its decision standing: an approved lock-out
     * without expiry, or what a modify put in force, once the threat is over. The approve or modify
     * stays the label the nightly run learns from; the audit log has {@code mitigation.released} with
     * who and why. An undecided mitigation is 409 (reject it: that is a decision and a label); one
     * rejected already has nothing in force. Actions that cannot be reversed are kept, as on reject.
     *
     * @return the actions taken out of force (undone or kept)
     */
    public List<ActionRecord> release(String mitigationId, Decider decider, String comment) {
        Context c = context(mitigationId);
        String status = c.mitigation.status();
        if (OPEN.contains(status)) {
            throw new DecisionException(409, "mitigation " + mitigationId + " is not decided yet; reject it to undo "
                    + "its actions (a reject is also the label that it was a false alarm), or approve it and release "
                    + "it once the threat is over");
        }
        if (Mitigation.REJECTED.equals(status)) {
            throw new DecisionException(409, "mitigation " + mitigationId + " was rejected (" + c.mitigation.decidedBy()
                    + " at " + c.mitigation.decidedAt() + "); nothing of it is in force");
        }
        List<String> failed = new ArrayList<>();
        List<ActionRecord> released = new ArrayList<>();
        for (ActionRecord r : store.actionsOf(mitigationId)) {
            if (r.inForce() && undo(r, failed) != null) {
                released.add(r);
            }
        }
        if (released.isEmpty() && failed.isEmpty()) {
            // released already (a repeat, a concurrent release) or expired: nothing happened, nobody is told
            throw new DecisionException(409, "nothing of mitigation " + mitigationId + " is in force (released, "
                    + "expired or undone already); see its actions in GET /v1/incidents/" + c.incident.incidentId());
        }
        store.audit(decider.name(), "mitigation.released", mitigationId, (released.isEmpty() ? "nothing was in force"
                : released.size() + " action(s) taken out of force: " + released.stream().map(ActionRecord::type)
                        .toList()) + "; the " + status + " decision stands" + (comment == null || comment.isBlank() ? ""
                                : "; " + comment));
        resolveIfNothingInForce(c, failed);
        throwIfFailed(mitigationId, "released", failed);
        notified(c, "released", decider, comment);
        return released;
    }

    /** The mitigation after a decision, its people told what the decision did ({@link MitigationEngine#notifyDecision}). */
    private Mitigation notified(Context c, String what, Decider decider, String comment) {
        Mitigation now = store.mitigation(c.mitigation.mitigationId()).orElseThrow();
        engine.notifyDecision(now, c.incident, c.target, what, decider.name(), store.actionsOf(now.mitigationId()));
        return now;
    }

    /**
     * The incident is resolved once a decision leaves nothing of it in force: no mitigation of it open
     * for a decision, and no action of any of them applied (one rule for reject and release).
     */
    private void resolveIfNothingInForce(Context c, List<String> failed) {
        if (failed.isEmpty()) {
            // one check-and-set: an escalation adding a mitigation meanwhile is not resolved away
            store.resolveIfNothingInForce(c.incident.incidentId());
        }
    }

    /**
     * The decisions {@code decider} may take on {@code m} now, by the rules the decisions enforce: a user
     * none on a mitigation of someone else's account; approve, reject and modify while it is open, but only
     * approve on an emergency mitigation of their own activity; release (operators) once decided while
     * something of it is in force. For the web UI, which shows these and no others.
     */
    public List<String> allowed(Mitigation m, Incident i, Decider decider, boolean operator) {
        Context c = new Context(m, i, engine.targetOf(m.mitigationId(), i));
        if (decider.user() && c.target.principal() != null && !decider.concerns(i.tenant(), c.target.principal())) {
            return List.of();
        }
        if (OPEN.contains(m.status())) {
            boolean ownEmergency = ownActivity(i, c.target, decider) && Mitigation.EMERGENCY.equals(m.path());
            return ownEmergency ? List.of("approve") : List.of("approve", "reject", "modify");
        }
        boolean inForce = store.actionsOf(m.mitigationId()).stream()
                .anyMatch(ActionRecord::inForce);
        List<String> out = new ArrayList<>(2);
        if (!ownActivity(i, c.target, decider) && decidedOnOwnActivity(m)) {
            // its own person's decision: a reviewer may still take the decision that counts
            out.addAll(List.of("approve", "reject"));
        }
        if (operator && inForce && !Mitigation.REJECTED.equals(m.status())) {
            out.add("release");
        }
        return List.copyOf(out);
    }

    /**
     * Undoes one action; returns the status recorded ({@code undone}, or {@code kept} when it cannot
     * be reversed), or null when it was not in force or its undo failed. A failure is collected (the
     * action stays in force) so the others are still undone.
     */
    private String undo(ActionRecord r, List<String> failed) {
        try {
            return engine.undo(r, ActionRecord.UNDONE);
        } catch (RuntimeException | Error e) {
            failed.add(r.type() + " (" + r.actionId() + "): " + (e instanceof Error
                    ? e.getClass().getSimpleName() + ": " + e.getMessage() : e.getMessage()));
            return null;
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

    /**
     * Replaces the actions in force with {@code actions}; refused like {@link #reject} for one's own
     * emergency, and with 400 (nothing undone or recorded) when an action breaks the rules profiles
     * follow ({@link ActionRules}). The new actions are applied before the dropped ones are undone,
     * except an action of the same type as a new one (a rate of 20 replaced by a rate of 5), which
     * is undone first because the two would interfere. If a new action cannot be put in force the
     * modify is withdrawn ({@link #withdraw}): a failed replacement never lifts the containment.
     */
    public Mitigation modify(String mitigationId, Decider decider, String comment, List<ActionSpec> actions) {
        if (actions == null || actions.isEmpty()) {
            throw new DecisionException(400, "modify needs a non-empty 'actions' list; to undo everything, reject");
        }
        List<String> invalid = new ArrayList<>();
        for (int i = 0; i < actions.size(); i++) {
            String at = "actions[" + i + "] (" + actions.get(i).type().wireName() + ") ";
            ActionRules.problems(actions.get(i)).forEach(p -> invalid.add(at + p));
        }
        invalid.addAll(repeats(actions));
        if (!invalid.isEmpty()) {
            throw new DecisionException(400, "modify refused, nothing was undone or recorded: "
                    + String.join("; ", invalid));
        }
        Context c = context(mitigationId);
        refuseOthersMitigation(c, decider, "modify");
        refuseLiftingOwnEmergency(c, decider, "modify");
        List<ActionRecord> before;
        try {
            before = store.actionsOf(mitigationId);
        } catch (RuntimeException e) {
            before = null; // read again below, where a failure withdraws the modify and says what is in force
        }
        if (decider.principal() != null) {
            refuseWidening(c, before == null ? List.of() : before, actions); // unread: only own-account actions
        }
        if (before != null) {
            refuseNoChange(c, before, actions);
        }
        ActionTarget target = c.target;
        claim(c, Mitigation.MODIFIED, FeedbackRecord.MODIFY, decider, comment);
        List<ActionRecord> unchanged = new ArrayList<>();
        List<ActionRecord> dropped = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        // only what was reversed is applied again if the modify is withdrawn (a kept rotation is not repeated)
        List<ActionRecord> replaced = new ArrayList<>();
        List<ActionRecord> added = new ArrayList<>();
        String step = "reading the actions in force";
        try {
            // An action in force stays only if asked for with the same params and, when given, the same expiry
            // (a new rate or expiry replaces the old one).
            List<ActionRecord> recorded = store.actionsOf(mitigationId);
            for (ActionRecord r : recorded) {
                boolean keep = r.inForce() && actions.stream().anyMatch(a -> same(a, r));
                (keep ? unchanged : dropped).add(r);
            }
            // the process its process actions were on (kept with them: the incident does not say which)
            target = processOf(recorded).map(target::withProcess).orElse(target);
            step = "undoing the actions it replaces";
            for (ActionRecord r : dropped) {
                if (actions.stream().anyMatch(a -> a.type().wireName().equals(r.type()))
                        && ActionRecord.UNDONE.equals(undo(r, failed))) {
                    replaced.add(r);
                }
            }
            for (ActionSpec spec : actions) {
                if (unchanged.stream().noneMatch(r -> same(spec, r)) && added.stream().noneMatch(r -> same(spec, r))) {
                    step = "applying " + spec.type().wireName();
                    added.add(engine.applyForModify(mitigationId, spec, target));
                }
            }
        } catch (RuntimeException | Error e) {
            // not a failed record but an exception: the claim is taken and replaced actions may be undone, so
            // the modify is withdrawn all the same; the target must never be left uncontained
            LOG.error("modify of mitigation {} failed while {}; withdrawing it", mitigationId, step, e);
            if (e instanceof UnrecordedActionException u) { // in force with no record: say so, not "as before"
                withdraw(c, added, replaced, target, step + " failed", u, u.getMessage());
            }
            withdraw(c, added, replaced, target, step + " failed unexpectedly (" + e.getClass().getSimpleName()
                    + ": " + e.getMessage() + "; the server log has the details)", e, null);
        }
        if (added.stream().anyMatch(r -> !ActionRecord.APPLIED.equals(r.status()))) {
            withdraw(c, added, replaced, target, null, null, null);
        }
        for (ActionRecord r : dropped) {
            if (!replaced.contains(r)) {
                undo(r, failed);
            }
        }
        throwIfFailed(mitigationId, "modified", failed);
        return notified(c, "modified", decider, comment);
    }

    /**
     * Takes back a modify whose new actions could not all be put in force (failed, or not applicable
     * to the target): the new ones that were applied are undone (or kept, and said so, when they
     * cannot be reversed), the ones of the same type it had undone are applied again (with their old
     * params and expiry), the rest were never undone; the mitigation is open for a decision again
     * (its feedback row removed, the audit log says why) and the answer says what is in force. 422
     * when an action does not fit the target and everything was restored, else 500 (a retry may
     * succeed; the key of an Idempotency-Key is freed).
     *
     * @param thrown why, when applying or undoing threw instead of returning a failed record; else null
     */
    private void withdraw(Context c, List<ActionRecord> added, List<ActionRecord> replaced, ActionTarget target,
            String thrown, Throwable cause, String unrecorded) {
        String id = c.mitigation.mitigationId();
        List<String> stuck = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        for (ActionRecord r : added) {
            if (ActionRecord.KEPT.equals(undo(r, stuck))) {
                kept.add(r.type() + " (" + r.actionId() + ")");
            }
        }
        List<String> problems = new ArrayList<>();
        if (unrecorded != null) {
            problems.add("the new action " + unrecorded);
        }
        stuck.forEach(f -> problems.add("undoing the new " + f + " failed; it stays in force"));
        for (ActionRecord r : replaced) {
            String notAgain;
            try {
                ActionRecord again = engine.reapply(r, target);
                notAgain = ActionRecord.APPLIED.equals(again.status()) ? null : again.detail();
            } catch (UnrecordedActionException e) {
                LOG.error("applying {} ({}) again left it in force without a record", r.type(), r.actionId(), e);
                problems.add(r.type() + " (" + r.actionId() + "), which the modify had undone, was applied again, "
                        + "but " + e.getMessage());
                continue;
            } catch (RuntimeException | Error e) {
                // an Error too (an actuator's classes missing): the rest must still be restored and the claim withdrawn
                LOG.error("applying {} ({}) again failed", r.type(), r.actionId(), e);
                notAgain = e instanceof Error ? e.getClass().getSimpleName() + ": " + e.getMessage() : e.getMessage();
            }
            if (notAgain != null) {
                problems.add(r.type() + " (" + r.actionId() + "), which the modify had undone, could not be applied "
                        + "again (" + notAgain + ") and is NOT in force");
            }
        }
        List<String> reasons = new ArrayList<>();
        if (thrown != null) {
            reasons.add(thrown);
        }
        added.stream().filter(r -> !ActionRecord.APPLIED.equals(r.status())).map(Decisions::notApplied)
                .forEach(reasons::add);
        String why = String.join("; ", reasons);
        String state = (problems.isEmpty() ? "what was in force before is in force" : String.join("; ", problems))
                + (kept.isEmpty() ? "" : "; the new " + String.join(", ", kept) + " cannot be reversed and stays "
                        + "(audit: action.kept)");
        // reopened before anything else is read: a store that fails a read must not leave the claim standing
        boolean reopened = store.withdrawDecision(id, Mitigation.MODIFIED, c.mitigation.status(), feedbackId(id),
                why + "; " + state);
        boolean clean = thrown == null && problems.isEmpty()
                && added.stream().noneMatch(r -> ActionRecord.FAILED.equals(r.status()));
        String after = reopened ? "the mitigation is open for a decision again (audit: mitigation.modify_withdrawn)"
                : "the mitigation's status changed meanwhile (now " + read(() -> store.mitigation(id)
                        .map(Mitigation::status).orElse("unknown")) + "), so it was not reopened";
        String inForce = read(() -> {
            List<String> applied = store.actionsOf(id).stream().filter(ActionRecord::inForce)
                    .map(r -> r.type() + " (" + r.actionId() + ")").toList();
            return applied.isEmpty() ? "nothing" : String.join(", ", applied);
        });
        throw new DecisionException(clean ? 422 : 500, "mitigation " + id + " was not modified: " + why + "; "
                + state + "; in force now: " + inForce + "; " + after, cause);
    }

    /** What {@code read} gets from the store, or that it is unknown and why: a withdraw always answers. */
    private static String read(java.util.function.Supplier<String> read) {
        try {
            return read.get();
        } catch (RuntimeException e) {
            LOG.error("reading the store while withdrawing a modify failed", e);
            return "unknown (reading the store failed: " + e.getMessage() + ")";
        }
    }

    private static String notApplied(ActionRecord r) {
        String detail = r.detail().startsWith("failed: ") ? r.detail().substring("failed: ".length()) : r.detail();
        return ActionRecord.FAILED.equals(r.status()) ? "applying " + r.type() + " failed (" + detail + ")"
                : r.type() + " does not apply to this target (" + detail + ")";
    }

    private static String feedbackId(String mitigationId) {
        return "fb-" + EventIds.derive("feedback", mitigationId);
    }

    /**
     * Whether {@code r} in force is what {@code spec} asks for: same type and params, and, when the
     * spec gives {@code expires}, the same lifetime (duration from when it was applied; an action
     * without expiry never matches one). A new {@code expires} thus replaces the action, so "lock_user
     * for 5 minutes" on a lock without expiry is not answered 200 and ignored; leaving {@code expires}
     * out keeps the action in force as it is. For an action that cannot be undone (a key rotation, a
     * kill) a lifetime means nothing, and replacing it would do it a second time: {@code expires} is
     * not compared.
     */
    /** The process a mitigation's process actions acted on, as recorded with them. */
    private static java.util.Optional<io.shadow.features.ProcessRef> processOf(List<ActionRecord> recorded) {
        return recorded.stream()
                .filter(r -> r.type().equals(io.shadow.mitigation.actuate.ActionType.SUSPEND_PROCESS.wireName())
                        || r.type().equals(io.shadow.mitigation.actuate.ActionType.KILL_PROCESS.wireName()))
                .map(r -> io.shadow.mitigation.actuate.AgentActuator.process(r.params()))
                .flatMap(java.util.Optional::stream).findFirst();
    }

    private boolean same(ActionSpec spec, ActionRecord r) {
        if (!r.type().equals(spec.type().wireName())
                || !io.shadow.mitigation.actuate.AgentActuator.requested(r.params(), spec.params()).equals(spec.params())) {
            return false;
        }
        if (spec.expires() == null || engine.actuators().get(spec.type()).notReversible().isPresent()) {
            return true;
        }
        return r.expiresAt() != null && r.appliedAt() != null
                && Duration.between(r.appliedAt(), r.expiresAt()).equals(spec.expires());
    }

    /** A mitigation, its incident, and what its actions act on (whose account: {@code target.principal()}). */
    private record Context(Mitigation mitigation, Incident incident, ActionTarget target) {
    }

    private Context context(String mitigationId) {
        Mitigation m = store.mitigation(mitigationId).orElseThrow(() -> new DecisionException(404,
                "no mitigation " + mitigationId + "; list them with GET /v1/incidents"));
        Incident i = store.incident(m.incidentId()).orElseThrow();
        return new Context(m, i, engine.targetOf(mitigationId, i));
    }

    /**
     * A user decides only mitigations of their own account: an incident of a host gathers several
     * principals' anomalies, and a later mitigation of it may act on another principal, whose
     * containment the incident's first principal must neither lift nor widen (403).
     */
    private static void refuseOthersMitigation(Context c, Decider decider, String what) {
        String on = c.target.principal();
        if (decider.user() && on != null && !decider.concerns(c.incident.tenant(), on)) {
            throw new DecisionException(403, "mitigation " + c.mitigation.mitigationId() + " acts on " + on
                    + "'s account, not yours (" + decider.principal() + "); to " + what + " it ask an operator");
        }
    }

    /**
     * The actions a user may add in a modify: they act on the user's own principal only. Others (a
     * resource shut down for everyone, a host isolated, data encrypted or rolled back, a process
     * killed) a user may keep or drop where the mitigation has them, not add.
     */
    static final Set<io.shadow.mitigation.actuate.ActionType> OWN_PRINCIPAL = java.util.EnumSet.of(
            io.shadow.mitigation.actuate.ActionType.LOG, io.shadow.mitigation.actuate.ActionType.RATE_LIMIT,
            io.shadow.mitigation.actuate.ActionType.RESTRICT, io.shadow.mitigation.actuate.ActionType.LOCK_USER,
            io.shadow.mitigation.actuate.ActionType.ROTATE_KEYS);
    /** The only param a user may give: the others aim an action elsewhere (a path, a table, a process, a webhook). */
    static final Set<String> USER_PARAMS = Set.of("per_minute");

    /**
     * A user's modify stays on the mitigation's own target and within its reach: an action a user
     * asks for is one the mitigation applied or one that acts on their own principal, without params
     * that aim it elsewhere. Wider ones are an operator's call (403, nothing undone or recorded).
     */
    private static void refuseWidening(Context c, List<ActionRecord> before, List<ActionSpec> actions) {
        List<String> refused = new ArrayList<>();
        for (int i = 0; i < actions.size(); i++) {
            ActionSpec a = actions.get(i);
            String at = "actions[" + i + "] (" + a.type().wireName() + ")";
            List<ActionRecord> same = before.stream().filter(r -> r.type().equals(a.type().wireName())
                    && !ActionRecord.DRY_RUN.equals(r.status()) && !ActionRecord.SKIPPED.equals(r.status())).toList();
            // an action on an account is the user's own only where the mitigation acts on their account
            boolean own = OWN_PRINCIPAL.contains(a.type()) && c.target.principal() != null;
            if (same.isEmpty() && !own) {
                refused.add(at + ": the mitigation did not apply " + a.type().wireName() + ", and a user may add only "
                        + "actions on their own account (" + OWN_PRINCIPAL.stream().map(t -> t.wireName()).sorted()
                        .toList() + ")");
            }
            // a param the mitigation's own action of this type has, with the same value, keeps it as it is
            a.params().entrySet().stream().filter(p -> !USER_PARAMS.contains(p.getKey()))
                    .filter(p -> same.stream().noneMatch(r -> p.getValue().equals(r.params().get(p.getKey()))))
                    .map(java.util.Map.Entry::getKey).sorted().forEach(k -> refused.add(at + ": params." + k
                            + " aims the action elsewhere; a user's modify acts on the mitigation's own target, so "
                            + "leave it out"));
        }
        if (!refused.isEmpty()) {
            throw new DecisionException(403, "modify refused, nothing was undone or recorded: " + String.join("; ",
                    refused) + ". Ask an operator for wider actions on mitigation " + c.mitigation.mitigationId());
        }
    }

    /**
     * Actions asked for twice: the same type aimed at the same thing (its params but the rate, {@code per_minute}).
     * Both would be put in force (two rate limits of 5 and 9 a minute), and which one holds would be an accident.
     */
    private static List<String> repeats(List<ActionSpec> actions) {
        List<String> out = new ArrayList<>();
        java.util.Map<String, Integer> first = new java.util.HashMap<>();
        for (int i = 0; i < actions.size(); i++) {
            ActionSpec a = actions.get(i);
            java.util.Map<String, String> aim = new java.util.TreeMap<>(a.params());
            aim.keySet().removeAll(USER_PARAMS);
            Integer earlier = first.putIfAbsent(a.type().wireName() + aim, i);
            if (earlier != null) {
                out.add("actions[" + i + "] (" + a.type().wireName() + ") repeats actions[" + earlier + "]: a "
                        + "mitigation holds one " + a.type().wireName() + (aim.isEmpty() ? "" : " per " + aim)
                        + "; give it once, with the params and expires it should have");
            }
        }
        return out;
    }

    /**
     * A modify that would change nothing (every action asked for is in force as asked, and nothing in
     * force is dropped) is refused: it would close the mitigation as modified without a change.
     */
    private void refuseNoChange(Context c, List<ActionRecord> before, List<ActionSpec> actions) {
        List<ActionRecord> inForce = before.stream().filter(ActionRecord::inForce).toList();
        boolean allKept = inForce.stream().allMatch(r -> actions.stream().anyMatch(a -> same(a, r)));
        boolean noneNew = actions.stream().allMatch(a -> inForce.stream().anyMatch(r -> same(a, r)));
        if (allKept && noneNew && !inForce.isEmpty()) {
            throw new DecisionException(400, "modify would change nothing: the actions asked for are those in force "
                    + "on mitigation " + c.mitigation.mitigationId() + ". Approve it to keep them as they are, or change "
                    + "an action, its params or its expires");
        }
    }

    /**
     * Whether the mitigation is about {@code decider}'s own activity: it acts on their account, or it acts on
     * no account (a host isolated, a process suspended, a resource shut down) in an incident whose activity
     * includes theirs — the person who opened it, or one a mitigation of it acts on (an incident of a host
     * gathers several principals' anomalies, and its later anomalies often name no one). None of them may
     * lift such an emergency step, nor have their reject taken for a reviewer's: any of them may be the
     * attacker.
     */
    private boolean ownActivity(Incident i, ActionTarget target, Decider decider) {
        if (!decider.user()) {
            return false;
        }
        if (target.principal() != null) {
            return decider.concerns(i.tenant(), target.principal());
        }
        return decider.concerns(i.tenant(), i.principal()) || store.mitigationsOf(i.incidentId()).stream()
                .anyMatch(m -> decider.concerns(i.tenant(), engine.targetOf(m.mitigationId(), i).principal()));
    }

    private void refuseLiftingOwnEmergency(Context c, Decider decider, String what) {
        if (ownActivity(c.incident, c.target, decider)
                && Mitigation.EMERGENCY.equals(c.mitigation.path())) {
            throw new DecisionException(403, "mitigation " + c.mitigation.mitigationId() + " is an emergency "
                    + "mitigation of your own activity (" + decider.principal() + "); you may approve it, but to "
                    + what + " it ask an operator or your security team");
        }
    }

    /**
     * Whether a decision may take the place of the one already taken: a reviewer's approve or reject (not
     * a modify) of a mitigation its own person decided on their own activity. That person's decision labels
     * nothing at night when it is a reject, and an approve (often the only button a locked-out person is
     * offered) must not keep a reviewer from recording a false alarm.
     */
    private boolean supersedes(String decision, FeedbackRecord fb, Mitigation now) {
        return !fb.ownActivity() && !FeedbackRecord.MODIFY.equals(decision) && !OPEN.contains(now.status())
                && decidedOnOwnActivity(now);
    }

    private boolean decidedOnOwnActivity(Mitigation m) {
        return store.feedbackOf(m.incidentId()).stream()
                .anyMatch(f -> f.mitigationId().equals(m.mitigationId()) && f.ownActivity());
    }

    private void claim(Context c, String to, String decision, Decider decider, String comment) {
        Incident i = c.incident;
        FeedbackRecord fb = new FeedbackRecord(feedbackId(c.mitigation.mitigationId()),
                c.mitigation.mitigationId(), i.incidentId(), i.tenant(), i.entityKind(), i.entityId(), i.pattern(),
                decision, comment, decider.name(), ownActivity(i, c.target, decider),
                engine.clock().instant());
        if (!store.decide(c.mitigation.mitigationId(), OPEN, to, fb)) {
            Mitigation now = store.mitigation(c.mitigation.mitigationId()).orElseThrow();
            if (supersedes(decision, fb, now)
                    && store.supersedeOwnDecision(now.mitigationId(), now.status(), to, fb)) {
                return;
            }
            throw new DecisionException(409, "mitigation " + now.mitigationId() + " was already decided ("
                    + now.status() + " by " + now.decidedBy() + " at " + now.decidedAt() + "); its decision stands");
        }
    }
}
