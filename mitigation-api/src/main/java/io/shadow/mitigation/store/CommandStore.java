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
