package io.shadow.mitigation.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shadow.mitigation.Band;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Incidents, mitigations, actions, notifications, feedback and the audit log, in one JDBC
 * database. State changes that must not interleave (a decision and its feedback and audit line)
 * happen in one transaction, and decisions are compare-and-set on the mitigation's status, so two
 * concurrent decisions on one mitigation yield exactly one outcome.
 */
public final class MitigationStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Jdbc jdbc;

    public MitigationStore(Database db) {
        this.jdbc = new Jdbc(db.dataSource());
    }

    // ---- incidents

    public void insertIncident(Incident i) {
        jdbc.update("INSERT INTO incidents (incident_id, tenant, entity_kind, entity_id, principal, host, resource_type, "
                + "resource_id, pattern, band, risk, status, first_seen, last_seen, opened_at, anomalies, explanation) "
                + "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", i.incidentId(), i.tenant(), i.entityKind(), i.entityId(),
                i.principal(), i.host(), i.resourceType(), i.resourceId(), i.pattern(), i.band(), i.risk(), i.status(),
                i.firstSeen(), i.lastSeen(), i.openedAt(), i.anomalies(), i.explanation());
    }

    /** Records one more anomaly on an incident, raising its band and risk if higher. */
    public void recordAnomaly(String incidentId, Instant eventTime, double risk, Band band, String explanation) {
        jdbc.update("UPDATE incidents SET anomalies = anomalies + 1, "
                + "last_seen = CASE WHEN last_seen < ? THEN ? ELSE last_seen END, "
                + "risk = CASE WHEN risk < ? THEN ? ELSE risk END, "
                + "band = ?, explanation = ? WHERE incident_id = ?", eventTime, eventTime, risk, risk, band,
                explanation, incidentId);
    }

    /** The incident an anomaly (by its id) was recorded on, if it was. */
    public Optional<String> incidentOfAnomaly(String anomalyId) {
        return jdbc.query("SELECT incident_id FROM incident_anomalies WHERE anomaly_id = ?", r -> r.getString(1),
                anomalyId).stream().findFirst();
    }

    /**
     * Notes that an anomaly was recorded on an incident, so that the same anomaly scored again (a batch
     * re-sent after a scorer crash) is not counted twice; false when it was noted already.
     */
    public boolean noteAnomaly(String anomalyId, String incidentId) {
        try {
            jdbc.update("INSERT INTO incident_anomalies (anomaly_id, incident_id) VALUES (?,?)", anomalyId, incidentId);
            return true;
        } catch (StoreException e) {
            if (Jdbc.isUniqueViolation(e)) {
                return false;
            }
            throw e;
        }
    }

    /** The open incident of an entity whose last anomaly is not older than {@code since}. */
    public Optional<Incident> openIncident(String tenant, String kind, String id, Instant since) {
        return jdbc.query("SELECT * FROM incidents WHERE tenant = ? AND entity_kind = ? AND entity_id = ? "
                + "AND status = ? AND last_seen >= ? ORDER BY last_seen DESC", MitigationStore::incident, tenant, kind,
                id, Incident.OPEN, since).stream().findFirst();
    }

    public Optional<Incident> incident(String id) {
        return jdbc.query("SELECT * FROM incidents WHERE incident_id = ?", MitigationStore::incident, id).stream()
                .findFirst();
    }

    /**
     * Incidents of {@code principal} in {@code tenant} — about them, or with a mitigation acting on their
     * account —, newest first; a null tenant or principal does not narrow (principals of different
     * tenants may share a name).
     */
    public List<Incident> incidents(String tenant, String principal, int limit) {
        return incidents(tenant, principal, null, limit);
    }

    /** As {@link #incidents(String, String, int)}, only those of {@code status} ({@link Incident#OPEN}, {@link Incident#RESOLVED}) unless null. */
    public List<Incident> incidents(String tenant, String principal, String status, int limit) {
        Where w = where(status == null ? "" : "status = ?", status == null ? List.of() : List.of(status), tenant,
                principal);
        return jdbc.query("SELECT * FROM incidents" + w.sql() + " ORDER BY opened_at DESC, incident_id FETCH FIRST "
                + limit + " ROWS ONLY", MitigationStore::incident, w.params());
    }

    /** How many incidents {@link #incidents(String, String, String, int)} would list without a limit. */
    public long countIncidents(String tenant, String principal, String status) {
        Where w = where(status == null ? "" : "status = ?", status == null ? List.of() : List.of(status), tenant,
                principal);
        return jdbc.query("SELECT COUNT(*) FROM incidents" + w.sql(), rs -> rs.getLong(1), w.params()).get(0);
    }

    /**
     * Incidents on a resource about {@code principal} of {@code tenant}, newest first; null does not narrow.
     * An incident is on the resource of its first anomaly and on those its mitigations were aimed at.
     */
    public List<Incident> incidentsOn(String resourceId, String tenant, String principal, int limit) {
        return scoped("(resource_id = ? OR incident_id IN (SELECT incident_id FROM mitigations WHERE "
                + "target_resource_id = ?))", List.of(resourceId, resourceId), tenant, principal, limit);
    }

    private List<Incident> scoped(String condition, List<Object> values, String tenant, String principal, int limit) {
        Where w = where(condition, values, tenant, principal);
        return jdbc.query("SELECT * FROM incidents" + w.sql() + " ORDER BY opened_at DESC, incident_id FETCH FIRST "
                + limit + " ROWS ONLY", MitigationStore::incident, w.params());
    }

    /** A WHERE clause (empty when nothing narrows) and its parameters. */
    private record Where(String sql, Object[] params) {
    }

    private static Where where(String condition, List<Object> values, String tenant, String principal) {
        List<String> where = new ArrayList<>();
        List<Object> params = new ArrayList<>(values);
        if (!condition.isEmpty()) {
            where.add(condition);
        }
        if (tenant != null) {
            where.add("tenant = ?");
            params.add(tenant);
        }
        if (principal != null) {
            // about the principal, or acting on their account (a host's incident gathers several principals)
            where.add("(principal = ? OR incident_id IN (SELECT incident_id FROM mitigations WHERE target_principal "
                    + "= ?))");
            params.add(principal);
            params.add(principal);
        }
        return new Where(where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where), params.toArray());
    }

    /**
     * Sets an incident's status as it is, without the checks of {@link #resolveIfNothingInForce}: for
     * importing reviewed past incidents (the demo's history), not for live decisions.
     */
    public void setIncidentStatus(String incidentId, String status) {
        jdbc.update("UPDATE incidents SET status = ? WHERE incident_id = ?", status, incidentId);
    }

    /**
     * Resolves an open incident when nothing of it is in force: no mitigation of it open for a decision
     * (applied, dry run) and no action of one applied; false when something is (or it was not open).
     * Checked and set in one statement under the incident's row lock, which {@link #insertMitigation}
     * takes too: a mitigation added meanwhile is either seen here, or re-opens the incident.
     */
    public boolean resolveIfNothingInForce(String incidentId) {
        return jdbc.transaction(c -> {
            lockIncident(c, incidentId);
            return Jdbc.update(c, "UPDATE incidents SET status = ? WHERE incident_id = ? AND status = ? AND NOT EXISTS "
                    + "(SELECT 1 FROM mitigations m WHERE m.incident_id = incidents.incident_id AND (m.status IN (?, ?) "
                    + "OR EXISTS (SELECT 1 FROM actions a WHERE a.mitigation_id = m.mitigation_id AND a.status IN (?, ?))))",
                    Incident.RESOLVED, incidentId, Incident.OPEN, Mitigation.APPLIED, Mitigation.DRY_RUN,
                    ActionRecord.APPLIED, ActionRecord.AGENT_FAILED) == 1;
        });
    }

    /**
     * Locks the incident's row until the transaction ends (a statement after this one reads what was
     * committed before the lock was granted); the incident's status, null when there is no such incident.
     */
    private static String lockIncident(Connection c, String incidentId) throws SQLException {
        return Jdbc.query(c, "SELECT status FROM incidents WHERE incident_id = ? FOR UPDATE", r -> r.getString(1),
                incidentId).stream().findFirst().orElse(null);
    }

    // ---- mitigations and actions

    /**
     * What a mitigation's actions were aimed at (the anomaly's, which the incident does not keep: its
     * later anomalies may be on other resources).
     */
    public record Target(String principal, String host, String resourceType, String resourceId) {
    }

    /** A mitigation recorded without its target (one made outside the engine): it is taken from the incident. */
    public void insertMitigation(Mitigation m, List<ActionRecord> actions) {
        insertMitigation(m, null, actions);
    }

    /**
     * Records a mitigation with its actions. One open for a decision re-opens its incident if a decision
     * resolved it meanwhile (a reject of its other mitigation racing with this escalation): an incident
     * with something in force is open (see {@link #resolveIfNothingInForce}).
     */
    public void insertMitigation(Mitigation m, Target target, List<ActionRecord> actions) {
        Target t = target == null ? new Target(null, null, null, null) : target;
        jdbc.transaction(c -> {
            String incident = lockIncident(c, m.incidentId());
            if (Incident.RESOLVED.equals(incident)
                    && (Mitigation.APPLIED.equals(m.status()) || Mitigation.DRY_RUN.equals(m.status()))) {
                Jdbc.update(c, "UPDATE incidents SET status = ? WHERE incident_id = ?", Incident.OPEN, m.incidentId());
                audit(c, "shadow", "incident.reopened", m.incidentId(), "mitigation " + m.mitigationId()
                        + " was added as a decision resolved it");
            }
            Jdbc.update(c, "INSERT INTO mitigations (mitigation_id, incident_id, profile, band, path, risk, status, "
                    + "trigger_event, event_time, applied_at, dry_run, decided_at, decided_by, explanation, "
                    + "target_principal, target_host, target_resource_type, target_resource_id) "
                    + "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", m.mitigationId(), m.incidentId(), m.profile(),
                    m.band(), m.path(), m.risk(), m.status(), m.triggerEvent(), m.eventTime(), m.appliedAt(),
                    m.dryRun(), m.decidedAt(), m.decidedBy(), m.explanation(), t.principal(), t.host(),
                    t.resourceType(), t.resourceId());
            for (ActionRecord a : actions) {
                insertAction(c, a);
            }
            return null;
        });
    }

    public void insertAction(ActionRecord a) {
        jdbc.transaction(c -> {
            insertAction(c, a);
            return null;
        });
    }

    /**
     * Records an action and its audit line ({@code action.<status>}, by shadow) together: an action
     * recorded without its line, or the reverse, cannot happen.
     */
    public void insertAction(ActionRecord a, String auditDetail) {
        jdbc.transaction(c -> {
            insertAction(c, a);
            audit(c, "shadow", "action." + a.status(), a.mitigationId(), auditDetail);
            return null;
        });
    }

    private static void insertAction(Connection c, ActionRecord a) throws SQLException {
        Jdbc.update(c, "INSERT INTO actions (action_id, mitigation_id, type, target, params, status, applied_at, "
                + "expires_at, undone_at, handle, detail) VALUES (?,?,?,?,?,?,?,?,?,?,?)", a.actionId(),
                a.mitigationId(), a.type(), a.target(), json(a.params()), a.status(), a.appliedAt(), a.expiresAt(),
                a.undoneAt(), a.handle(), a.detail());
    }

    public Optional<Mitigation> mitigation(String id) {
        return jdbc.query("SELECT * FROM mitigations WHERE mitigation_id = ?", MitigationStore::mitigation, id)
                .stream().findFirst();
    }

    /** The target a mitigation was recorded with; empty for one recorded without (before V8, or by hand). */
    public Optional<Target> targetOf(String mitigationId) {
        return jdbc.query("SELECT target_principal, target_host, target_resource_type, target_resource_id FROM "
                + "mitigations WHERE mitigation_id = ? AND target_resource_type IS NOT NULL",
                rs -> new Target(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)), mitigationId)
                .stream().findFirst();
    }

    public List<Mitigation> mitigationsOf(String incidentId) {
        return jdbc.query("SELECT * FROM mitigations WHERE incident_id = ? ORDER BY applied_at, mitigation_id",
                MitigationStore::mitigation, incidentId);
    }

    public List<Mitigation> mitigations() {
        return jdbc.query("SELECT * FROM mitigations ORDER BY applied_at, mitigation_id", MitigationStore::mitigation);
    }

    public List<ActionRecord> actionsOf(String mitigationId) {
        return jdbc.query("SELECT * FROM actions WHERE mitigation_id = ? ORDER BY applied_at, action_id",
                MitigationStore::action, mitigationId);
    }

    /** Actions currently in force ({@link ActionRecord#IN_FORCE}), oldest first. */
    public List<ActionRecord> actionsInForce() {
        return jdbc.query("SELECT * FROM actions WHERE status IN (?, ?) ORDER BY applied_at, action_id",
                MitigationStore::action, ActionRecord.APPLIED, ActionRecord.AGENT_FAILED);
    }

    /** Actions of {@code types} currently in force, oldest first. */
    public List<ActionRecord> actionsInForce(java.util.Collection<String> types) {
        if (types.isEmpty()) {
            return List.of();
        }
        return jdbc.query("SELECT * FROM actions WHERE status IN (?, ?) AND type IN (" + String.join(",",
                java.util.Collections.nCopies(types.size(), "?")) + ") ORDER BY applied_at, action_id",
                MitigationStore::action, java.util.stream.Stream.concat(ActionRecord.IN_FORCE.stream(),
                        types.stream()).toArray());
    }

    /**
     * The handles of actions that left force ({@link #finishAction}) at or after {@code since} by the
     * clock of the process that finished them, and are not back in force.
     */
    public java.util.Set<String> handlesLeftForceSince(Instant since) {
        return new java.util.HashSet<>(jdbc.query("SELECT handle FROM actions WHERE undone_at >= ? AND status NOT IN (?, ?)",
                rs -> rs.getString(1), since, ActionRecord.APPLIED, ActionRecord.AGENT_FAILED));
    }

    /**
     * The key rotation that left new key {@code keyId} waiting for its owner: the one whose handle it is, or, of a
     * rotation that replaced the keys of several spellings of a name (its handle is the first new key), the one whose
     * detail names it. Empty for a key no rotation made (issued with {@code POST /v1/keys}).
     */
    public Optional<ActionRecord> rotationOfKey(String keyId) {
        Optional<ActionRecord> byHandle = jdbc.query("SELECT * FROM actions WHERE handle = ? AND type = 'rotate_keys'",
                MitigationStore::action, keyId).stream().findFirst();
        if (byHandle.isPresent()) {
            return byHandle;
        }
        String named = "GET /v1/keys/" + keyId;
        return jdbc.query("SELECT * FROM actions WHERE type = 'rotate_keys' AND detail LIKE ? ORDER BY applied_at DESC",
                MitigationStore::action, "%" + named + "%").stream()
                .filter(a -> (a.detail() + ";").contains(named + ";")) // not a longer id it is the start of
                .findFirst();
    }

    /**
     * The action that issued agent command {@code commandId} (its handle is the command id, or ends with
     * it after the gateway rule of an isolation); empty for a reversal or a command issued otherwise.
     */
    public Optional<ActionRecord> actionOfCommand(String commandId) {
        return jdbc.query("SELECT * FROM actions WHERE handle = ? OR handle LIKE ?", MitigationStore::action,
                commandId, "% " + commandId).stream().findFirst();
    }

    /**
     * Adds {@code more} to what an action's record says it did (e.g. that the host's agent could not), under the
     * row's lock: an agent's failure and the silent-agent sweep appending at once both stay.
     */
    public void appendActionDetail(String actionId, String more) {
        appendActionDetail(actionId, more, null, null, null, null);
    }

    /**
     * Appends {@code more} to an action's detail and writes an audit line ({@code auditAction} null: none) in
     * one transaction, so that a failed write leaves neither and trying again does not say it twice.
     */
    public void appendActionDetail(String actionId, String more, String actor, String auditAction, String subject,
            String auditDetail) {
        jdbc.transaction(c -> {
            List<String> now = Jdbc.query(c, "SELECT detail FROM actions WHERE action_id = ? FOR UPDATE",
                    rs -> rs.getString(1), actionId);
            if (!now.isEmpty()) {
                Jdbc.update(c, "UPDATE actions SET detail = ? WHERE action_id = ?",
                        (now.get(0) == null ? "" : now.get(0)) + more, actionId);
            }
            if (auditAction != null) {
                audit(c, actor, auditAction, subject, auditDetail);
            }
            return null;
        });
    }

    /** Actions in force whose expiry has passed, the earliest expiry first. */
    public List<ActionRecord> expiredActions(Instant now) {
        return jdbc.query("SELECT * FROM actions WHERE status IN (?, ?) AND expires_at IS NOT NULL AND expires_at <= ? "
                + "ORDER BY expires_at, action_id", MitigationStore::action, ActionRecord.APPLIED,
                ActionRecord.AGENT_FAILED, now);
    }

    /**
     * Moves an action from in force to a final status, in one transaction with reading which in-force status
     * it had (applied, or agent_failed if its agent's failure was recorded meanwhile), so that a failed undo
     * puts back that one ({@link #reopenAction(String, String, String)}); empty when another thread got there
     * first.
     */
    public Optional<String> finishAction(String actionId, String status, Instant at) {
        return jdbc.transaction(c -> {
            List<String> was = Jdbc.query(c, "SELECT status FROM actions WHERE action_id = ? AND status IN (?, ?) "
                    + "FOR UPDATE", rs -> rs.getString(1), actionId, ActionRecord.APPLIED, ActionRecord.AGENT_FAILED);
            if (was.isEmpty() || Jdbc.update(c, "UPDATE actions SET status = ?, undone_at = ? WHERE action_id = ? "
                    + "AND status = ?", status, at, actionId, was.get(0)) != 1) {
                return Optional.<String>empty();
            }
            return Optional.of(was.get(0));
        });
    }

    /**
     * Corrects the final status {@link #finishAction} gave an action once its undo showed what it
     * did: {@link ActionRecord#KEPT} when it could not be reversed, or undone after all (a kill
     * cancelled while still pending).
     */
    public void settleAction(String actionId, String from, String to) {
        jdbc.update("UPDATE actions SET status = ? WHERE action_id = ? AND status = ?", to, actionId, from);
    }

    /**
     * Puts an action whose undo failed back in force ({@code status} was set by
     * {@link #finishAction}), so it shows as applied and a later undo or expiry sweep retries it.
     */
    public void reopenAction(String actionId, String status) {
        reopenAction(actionId, status, ActionRecord.APPLIED);
    }

    /** As {@link #reopenAction(String, String)}, back to {@code inForce} (applied, or agent_failed as it was). */
    public void reopenAction(String actionId, String status, String inForce) {
        jdbc.update("UPDATE actions SET status = ?, undone_at = NULL WHERE action_id = ? AND status = ?",
                inForce, actionId, status);
    }

    /**
     * Records a user's decision if the mitigation is still in one of {@code from}: the status change,
     * the feedback row and the audit line commit together, or none does.
     *
     * @return false when the mitigation was already decided (by a concurrent call, say)
     */
    public boolean decide(String mitigationId, Set<String> from, String to, FeedbackRecord feedback) {
        return jdbc.transaction(c -> {
            String placeholders = String.join(",", from.stream().map(s -> "?").toList());
            Object[] params = new Object[4 + from.size()];
            params[0] = to;
            params[1] = feedback.decidedAt();
            params[2] = feedback.decidedBy();
            params[3] = mitigationId;
            int i = 4;
            for (String s : from) {
                params[i++] = s;
            }
            int n = Jdbc.update(c, "UPDATE mitigations SET status = ?, decided_at = ?, decided_by = ? "
                    + "WHERE mitigation_id = ? AND status IN (" + placeholders + ")", params);
            if (n != 1) {
                return false;
            }
            insertFeedback(c, feedback);
            String comment = feedback.comment() == null ? "" : feedback.comment();
            audit(c, feedback.decidedBy(), "mitigation." + feedback.decision(), mitigationId,
                    feedback.ownActivity() ? ("on own activity" + (comment.isEmpty() ? "" : ": " + comment)) : comment);
            return true;
        });
    }

    private static void insertFeedback(java.sql.Connection c, FeedbackRecord f) throws SQLException {
        Jdbc.update(c, "INSERT INTO feedback (feedback_id, mitigation_id, incident_id, tenant, entity_kind, entity_id, "
                + "pattern, decision, comment, decided_by, own_activity, decided_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                f.feedbackId(), f.mitigationId(), f.incidentId(), f.tenant(), f.entityKind(), f.entityId(), f.pattern(),
                f.decision(), f.comment(), f.decidedBy(), f.ownActivity(), f.decidedAt());
    }

    /**
     * A reviewer's decision in place of the one the mitigation's own person took on their own activity
     * (recorded with {@code own_activity}): the mitigation goes from {@code from} to {@code to}, the
     * own-activity feedback row is replaced by {@code feedback} (one label per mitigation: the review's),
     * and the audit log says what it supersedes. All of it commits, or none.
     *
     * @return false when the mitigation is no longer in {@code from}, or its decision was not on own activity
     */
    public boolean supersedeOwnDecision(String mitigationId, String from, String to, FeedbackRecord feedback) {
        return jdbc.transaction(c -> {
            int n = Jdbc.update(c, "UPDATE mitigations SET status = ?, decided_at = ?, decided_by = ? "
                    + "WHERE mitigation_id = ? AND status = ? AND EXISTS (SELECT 1 FROM feedback f WHERE "
                    + "f.mitigation_id = ? AND f.own_activity = ?)", to, feedback.decidedAt(), feedback.decidedBy(),
                    mitigationId, from, mitigationId, true);
            if (n != 1) {
                return false;
            }
            // what the person decided stays in the history; the label is the review's
            Jdbc.update(c, "INSERT INTO superseded_decisions (feedback_id, mitigation_id, incident_id, decision, "
                    + "comment, decided_by, decided_at, superseded_by, superseded_at) SELECT feedback_id, mitigation_id, "
                    + "incident_id, decision, comment, decided_by, decided_at, ?, ? FROM feedback WHERE mitigation_id = ?",
                    feedback.decidedBy(), feedback.decidedAt(), mitigationId);
            Jdbc.update(c, "DELETE FROM feedback WHERE mitigation_id = ?", mitigationId);
            insertFeedback(c, feedback);
            String comment = feedback.comment() == null || feedback.comment().isEmpty() ? "" : "; " + feedback.comment();
            audit(c, feedback.decidedBy(), "mitigation." + feedback.decision(), mitigationId, "review in place of the "
                    + from + " decision its own person took on their own activity" + comment);
            return true;
        });
    }

    /**
     * Takes back a decision that could not be carried out: the mitigation returns from {@code from}
     * to {@code to}, undecided; its feedback row is removed (the nightly run must not learn from a
     * decision that did not take effect) and the audit log says why. All of it commits, or none.
     *
     * @return false when the mitigation is no longer in {@code from}
     */
    public boolean withdrawDecision(String mitigationId, String from, String to, String feedbackId, String detail) {
        return jdbc.transaction(c -> {
            int n = Jdbc.update(c, "UPDATE mitigations SET status = ?, decided_at = NULL, decided_by = NULL "
                    + "WHERE mitigation_id = ? AND status = ?", to, mitigationId, from);
            if (n != 1) {
                return false;
            }
            Jdbc.update(c, "DELETE FROM feedback WHERE feedback_id = ?", feedbackId);
            audit(c, "shadow", "mitigation.modify_withdrawn", mitigationId, detail);
            return true;
        });
    }

    public void setMitigationStatus(String mitigationId, String status) {
        jdbc.update("UPDATE mitigations SET status = ? WHERE mitigation_id = ?", status, mitigationId);
    }

    // ---- notifications, feedback, audit

    /**
     * Stores a notification; one stored already (a retry after the store failed to answer a commit) is left
     * as it is, so it is never listed twice.
     */
    public void insertNotification(NotificationRecord n) {
        jdbc.transaction(c -> {
            if (!Jdbc.query(c, "SELECT 1 FROM notifications WHERE notification_id = ?", rs -> 1,
                    n.notificationId()).isEmpty()) {
                return null;
            }
            Jdbc.update(c, "INSERT INTO notifications (notification_id, incident_id, mitigation_id, kind, recipient, "
                    + "subject, body, created_at) VALUES (?,?,?,?,?,?,?,?)", n.notificationId(), n.incidentId(),
                    n.mitigationId(), n.kind(), n.recipient(), n.subject(), n.body(), n.createdAt());
            audit(c, "shadow", "notification.sent", n.incidentId(), n.kind() + " to " + n.recipient());
            return null;
        });
    }

    private static final String NOTIFICATIONS = "SELECT n.*, i.tenant AS incident_tenant FROM notifications n "
            + "LEFT JOIN incidents i ON i.incident_id = n.incident_id";

    /**
     * Notifications, oldest first (those of one clock tick in the order they were stored: a decision
     * notice after the explanation it follows), each with its incident's tenant; {@code incidentId} null for all.
     */
    public List<NotificationRecord> notifications(String incidentId) {
        String where = incidentId == null ? "" : " WHERE n.incident_id = ?";
        Object[] params = incidentId == null ? new Object[0] : new Object[] {incidentId};
        return jdbc.query(NOTIFICATIONS + where + " ORDER BY n.created_at, n.seq",
                MitigationStore::notification, params);
    }

    /**
     * The newest {@code limit} notifications, oldest first as stored ({@code seq}), of one incident when
     * {@code incidentId} is not null, of one tenant (its incident's) and one recipient when those are not
     * null: a user's list reads their own rows, not the whole table.
     */
    public List<NotificationRecord> notifications(String incidentId, String tenant, String recipient, int limit) {
        return newestNotifications(incidentId == null ? "1 = 1" : "n.incident_id = ?",
                incidentId == null ? List.of() : List.of(incidentId), tenant, recipient, limit);
    }

    /** The newest {@code limit} notifications matching {@code condition}, tenant and recipient, oldest first. */
    private List<NotificationRecord> newestNotifications(String condition, List<Object> values, String tenant,
            String recipient, int limit) {
        StringBuilder sql = new StringBuilder(NOTIFICATIONS).append(" WHERE ").append(condition);
        List<Object> params = new ArrayList<>(values);
        if (tenant != null) {
            sql.append(" AND i.tenant = ?");
            params.add(tenant);
        }
        if (recipient != null) {
            sql.append(" AND n.recipient = ?");
            params.add(recipient);
        }
        sql.append(" ORDER BY n.seq DESC FETCH FIRST ").append(limit).append(" ROWS ONLY");
        List<NotificationRecord> newestFirst = new ArrayList<>(jdbc.query(sql.toString(),
                MitigationStore::notification, params.toArray()));
        Collections.reverse(newestFirst);
        return newestFirst;
    }

    /** One notification with its incident's tenant; empty for an id never stored. */
    public Optional<NotificationRecord> notification(String notificationId) {
        return jdbc.query(NOTIFICATIONS + " WHERE n.notification_id = ?", MitigationStore::notification,
                notificationId).stream().findFirst();
    }

    /**
     * The notifications stored after {@code notificationId}, oldest first, in the order they were
     * stored (the database's {@code seq}, not {@code created_at}: that is the clock of the process
     * that made each, equal within one tick and skewed between processes); none when that id was
     * never stored. {@code tenant} (its incident's) and {@code recipient} narrow when not null.
     * When more than {@code limit} match, the newest {@code limit}.
     */
    public List<NotificationRecord> notificationsAfter(String notificationId, String tenant, String recipient,
            int limit) {
        return newestNotifications("n.seq > (SELECT m.seq FROM notifications m WHERE m.notification_id = ?)",
                List.of(notificationId), tenant, recipient, limit);
    }

    private static NotificationRecord notification(ResultSet rs) throws SQLException {
        return new NotificationRecord(rs.getString("notification_id"), rs.getString("incident_id"),
                rs.getString("mitigation_id"), rs.getString("incident_tenant"), rs.getString("kind"),
                rs.getString("recipient"), rs.getString("subject"), rs.getString("body"),
                Jdbc.instant(rs, "created_at"));
    }

    public List<FeedbackRecord> feedback() {
        return jdbc.query("SELECT * FROM feedback ORDER BY decided_at, feedback_id", MitigationStore::feedback);
    }

    /**
     * The newest {@code limit} decisions before decision {@code beforeId} (in the order of their time, then id; all
     * when null), oldest first: a page of the feedback, whose next page back is {@code beforeId} = the first one's
     * id. Empty when no decision has that id.
     */
    public List<FeedbackRecord> feedback(String beforeId, int limit) {
        Where w = feedbackBefore(beforeId);
        return oldestFirst(jdbc.query("SELECT * FROM feedback" + w.sql()
                + " ORDER BY decided_at DESC, feedback_id DESC LIMIT " + limit, MitigationStore::feedback, w.params()));
    }

    /** Whether a decision has id {@code feedbackId}. */
    public boolean hasFeedback(String feedbackId) {
        return !jdbc.query("SELECT 1 FROM feedback WHERE feedback_id = ?", rs -> 1, feedbackId).isEmpty();
    }

    private static Where feedbackBefore(String beforeId) {
        if (beforeId == null) {
            return new Where("", new Object[0]);
        }
        String at = "(SELECT decided_at FROM feedback WHERE feedback_id = ?)";
        return new Where(" WHERE decided_at < " + at + " OR (decided_at = " + at + " AND feedback_id < ?)",
                new Object[] {beforeId, beforeId, beforeId});
    }

    /** How many decisions {@link #feedback(String, int)} pages through before {@code beforeId}. */
    public long countFeedback(String beforeId) {
        Where w = feedbackBefore(beforeId);
        return jdbc.query("SELECT COUNT(*) FROM feedback" + w.sql(), rs -> rs.getLong(1), w.params()).get(0);
    }

    /** The decisions taken on one incident's mitigations, oldest first. */
    public List<FeedbackRecord> feedbackOf(String incidentId) {
        return jdbc.query("SELECT * FROM feedback WHERE incident_id = ? ORDER BY decided_at, feedback_id",
                MitigationStore::feedback, incidentId);
    }

    /** The decisions reviews took the place of on one incident's mitigations, oldest first. */
    public List<SupersededDecision> supersededOf(String incidentId) {
        return jdbc.query("SELECT * FROM superseded_decisions WHERE incident_id = ? ORDER BY decided_at, feedback_id",
                rs -> new SupersededDecision(rs.getString("mitigation_id"), rs.getString("incident_id"),
                        rs.getString("decision"), rs.getString("comment"), rs.getString("decided_by"),
                        Jdbc.instant(rs, "decided_at"), rs.getString("superseded_by"),
                        Jdbc.instant(rs, "superseded_at")), incidentId);
    }

    private static FeedbackRecord feedback(ResultSet rs) throws SQLException {
        return new FeedbackRecord(rs.getString("feedback_id"), rs.getString("mitigation_id"),
                rs.getString("incident_id"), rs.getString("tenant"), rs.getString("entity_kind"),
                rs.getString("entity_id"), rs.getString("pattern"), rs.getString("decision"), rs.getString("comment"),
                rs.getString("decided_by"), rs.getBoolean("own_activity"), Jdbc.instant(rs, "decided_at"));
    }

    /** Appends to the audit log; returns the entry's sequence number. */
    public void audit(String actor, String action, String subject, String detail) {
        jdbc.transaction(c -> {
            audit(c, actor, action, subject, detail);
            return null;
        });
    }

    static void audit(Connection c, String actor, String action, String subject, String detail)
            throws SQLException {
        Jdbc.update(c, "INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (?,?,?,?,?)", Instant.now(),
                actor, action, subject, detail);
    }

    public List<AuditEntry> auditLog(String subject) {
        String where = subject == null ? "" : " WHERE subject = ?";
        Object[] params = subject == null ? new Object[0] : new Object[] {subject};
        return jdbc.query("SELECT * FROM audit_log" + where + " ORDER BY seq", MitigationStore::auditEntry, params);
    }

    /**
     * The newest {@code limit} entries about {@code subject} (every subject when null) with a sequence number
     * below {@code beforeSeq} (all when null), oldest first: a page of the log, whose next page back is
     * {@code beforeSeq} = the first one's {@code seq}.
     */
    public List<AuditEntry> auditLog(String subject, Long beforeSeq, int limit) {
        Where w = auditWhere(subject, beforeSeq);
        return oldestFirst(jdbc.query("SELECT * FROM audit_log" + w.sql() + " ORDER BY seq DESC LIMIT " + limit,
                MitigationStore::auditEntry, w.params()));
    }

    /** A page read newest first (to take the newest {@code limit}), in the order it is shown: oldest first. */
    private static <T> List<T> oldestFirst(List<T> newestFirst) {
        List<T> out = new ArrayList<>(newestFirst);
        Collections.reverse(out);
        return out;
    }

    /** How many entries {@link #auditLog(String, Long, int)} pages through. */
    public long countAudit(String subject, Long beforeSeq) {
        Where w = auditWhere(subject, beforeSeq);
        return jdbc.query("SELECT COUNT(*) FROM audit_log" + w.sql(), rs -> rs.getLong(1), w.params()).get(0);
    }

    private static Where auditWhere(String subject, Long beforeSeq) {
        List<String> terms = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        if (subject != null) {
            terms.add("subject = ?");
            params.add(subject);
        }
        if (beforeSeq != null) {
            terms.add("seq < ?");
            params.add(beforeSeq);
        }
        return new Where(terms.isEmpty() ? "" : " WHERE " + String.join(" AND ", terms), params.toArray());
    }

    private static AuditEntry auditEntry(ResultSet rs) throws SQLException {
        return new AuditEntry(rs.getLong("seq"), Jdbc.instant(rs, "at"), rs.getString("actor"), rs.getString("action"),
                rs.getString("subject"), rs.getString("detail"));
    }

    // ---- mapping

    private static Incident incident(ResultSet rs) throws SQLException {
        return new Incident(rs.getString("incident_id"), rs.getString("tenant"), rs.getString("entity_kind"),
                rs.getString("entity_id"), rs.getString("principal"), rs.getString("host"),
                rs.getString("resource_type"), rs.getString("resource_id"), rs.getString("pattern"),
                Band.fromWire(rs.getString("band")), rs.getDouble("risk"), rs.getString("status"),
                Jdbc.instant(rs, "first_seen"), Jdbc.instant(rs, "last_seen"), Jdbc.instant(rs, "opened_at"),
                rs.getInt("anomalies"), rs.getString("explanation"));
    }

    private static Mitigation mitigation(ResultSet rs) throws SQLException {
        return new Mitigation(rs.getString("mitigation_id"), rs.getString("incident_id"), rs.getString("profile"),
                Band.fromWire(rs.getString("band")), rs.getString("path"), rs.getDouble("risk"), rs.getString("status"),
                rs.getString("trigger_event"), Jdbc.instant(rs, "event_time"), Jdbc.instant(rs, "applied_at"),
                rs.getBoolean("dry_run"), Jdbc.instant(rs, "decided_at"), rs.getString("decided_by"),
                rs.getString("explanation"));
    }

    private static ActionRecord action(ResultSet rs) throws SQLException {
        return new ActionRecord(rs.getString("action_id"), rs.getString("mitigation_id"), rs.getString("type"),
                rs.getString("target"), params(rs.getString("params")), rs.getString("status"),
                Jdbc.instant(rs, "applied_at"), Jdbc.instant(rs, "expires_at"), Jdbc.instant(rs, "undone_at"),
                rs.getString("handle"), rs.getString("detail"));
    }

    private static String json(Map<String, String> m) {
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> params(String s) {
        try {
            return JSON.readValue(s, new TypeReference<Map<String, String>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt action params " + s, e);
        }
    }
}
