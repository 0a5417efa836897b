package io.shadow.mitigation.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Commands for host agents, kept in the store so a restart neither loses nor repeats them. */
public final class CommandStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Jdbc jdbc;

    /** A command for the agent on {@code host}; {@code result} is what the agent reported (JSON). */
    public record Command(String id, String tenant, String host, String action, Map<String, String> params,
            Instant issuedAt, String status, Instant ackedAt, String result) {
    }

    public CommandStore(Database db) {
        this.jdbc = new Jdbc(db.dataSource());
    }

    public void insert(Command c) {
        jdbc.transaction(conn -> {
            Jdbc.update(conn, "INSERT INTO agent_commands (command_id, tenant, host, action, params, status, issued_at) "
                    + "VALUES (?,?,?,?,?,?,?)", c.id(), c.tenant(), c.host(), c.action(), json(c.params()),
                    c.status(), c.issuedAt());
            MitigationStore.audit(conn, "shadow", "agent.command_issued", c.id(), c.action() + " " + c.params()
                    + " for host " + c.host());
            return null;
        });
    }

    public Optional<Command> get(String id) {
        return jdbc.query("SELECT * FROM agent_commands WHERE command_id = ?", CommandStore::map, id).stream()
                .findFirst();
    }

    public List<Command> withStatus(String tenant, String host, String status) {
        return jdbc.query("SELECT * FROM agent_commands WHERE tenant = ? AND host = ? AND status = ? "
                + "ORDER BY issued_at, command_id", CommandStore::map, tenant, host, status);
    }

    /** Commands of a host in any of {@code statuses}, oldest first. */
    public List<Command> withStatuses(String tenant, String host, List<String> statuses) {
        String in = String.join(",", java.util.Collections.nCopies(statuses.size(), "?"));
        Object[] args = new Object[2 + statuses.size()];
        args[0] = tenant;
        args[1] = host;
        for (int i = 0; i < statuses.size(); i++) {
            args[2 + i] = statuses.get(i);
        }
        return jdbc.query("SELECT * FROM agent_commands WHERE tenant = ? AND host = ? AND status IN (" + in + ") "
                + "ORDER BY issued_at, command_id", CommandStore::map, args);
    }

    /** Hands a pending command to its agent ({@code in_progress}, fetched {@code at}); false when it was not pending. */
    public boolean fetched(String id, Instant at) {
        return jdbc.transaction(conn -> {
            int n = Jdbc.update(conn, "UPDATE agent_commands SET status = ?, fetched_at = ? WHERE command_id = ? "
                    + "AND status = ?", "in_progress", at, id, "pending");
            if (n == 1) {
                MitigationStore.audit(conn, "shadow", "agent.command_in_progress", id, "");
            }
            return n == 1;
        });
    }

    /** A command its agent has not confirmed, with when it was fetched (null: not fetched, or before V13). */
    public record Unconfirmed(Command command, Instant fetchedAt) {
    }

    /**
     * Commands not reported silent yet that their agent has not fetched since {@code issuedBefore}, or has
     * fetched but not acknowledged since {@code fetchedBefore} (in progress, or withdrawn meanwhile: cancelling;
     * one fetched before the store kept when counts from its issue), oldest first, over every tenant and host.
     */
    public List<Unconfirmed> unconfirmed(Instant issuedBefore, Instant fetchedBefore) {
        return jdbc.query("SELECT * FROM agent_commands WHERE reported_silent_at IS NULL AND ((status = ? AND "
                + "issued_at < ?) OR (status IN (?, ?) AND COALESCE(fetched_at, issued_at) < ?)) ORDER BY issued_at, "
                + "command_id", rs -> new Unconfirmed(map(rs), Jdbc.instant(rs, "fetched_at")), "pending",
                issuedBefore, "in_progress", "cancelling", fetchedBefore);
    }

    /**
     * Marks a command reported as not confirmed by its agent, if it still is {@code status} and was not
     * reported yet: of several sweeps (several Shadow processes on one store) exactly one reports it.
     */
    public boolean reportSilent(String id, String status, Instant at) {
        return jdbc.transaction(conn -> Jdbc.update(conn, "UPDATE agent_commands SET reported_silent_at = ? "
                + "WHERE command_id = ? AND status = ? AND reported_silent_at IS NULL", at, id, status) == 1);
    }

    /** Takes back {@link #reportSilent}'s mark when the report itself failed, so that a later sweep reports it. */
    public void unmarkSilent(String id, Instant at) {
        jdbc.update("UPDATE agent_commands SET reported_silent_at = NULL WHERE command_id = ? AND reported_silent_at = ?",
                id, at);
    }

    /** When the command was reported as not confirmed by its agent; empty when it never was. */
    public Optional<Instant> reportedSilentAt(String id) {
        return jdbc.query("SELECT reported_silent_at FROM agent_commands WHERE command_id = ?",
                rs -> Optional.ofNullable(Jdbc.instant(rs, "reported_silent_at")), id).stream().findFirst()
                .flatMap(x -> x);
    }

    /** Moves a command from one status to another; false when it was not in {@code from}. */
    public boolean transition(String id, String from, String to, String actor, Instant at, String result) {
        return jdbc.transaction(conn -> {
            int n = Jdbc.update(conn, "UPDATE agent_commands SET status = ?, acked_at = COALESCE(?, acked_at), "
                    + "result = COALESCE(?, result) WHERE command_id = ? AND status = ?", to, at, result, id, from);
            if (n == 1) {
                MitigationStore.audit(conn, actor, "agent.command_" + to, id, result == null ? "" : result);
            }
            return n == 1;
        });
    }

    private static Command map(ResultSet rs) throws SQLException {
        return new Command(rs.getString("command_id"), rs.getString("tenant"), rs.getString("host"),
                rs.getString("action"), params(rs.getString("params")), Jdbc.instant(rs, "issued_at"),
                rs.getString("status"), Jdbc.instant(rs, "acked_at"), rs.getString("result"));
    }

    static String json(Map<String, String> m) {
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, String> params(String s) {
        try {
            return JSON.readValue(s, new TypeReference<Map<String, String>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt params " + s, e);
        }
    }
}
