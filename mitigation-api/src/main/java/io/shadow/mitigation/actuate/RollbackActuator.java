package io.shadow.mitigation.actuate;

import io.shadow.mitigation.store.StandbyStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Rolls a table back to the version pinned ahead (warm standby: {@link #pinAll} runs on a schedule
 * and leaves a table's pin alone while an incident on it is open, so the pin predates the attack).
 * Undo restores the version the table had before the rollback. Only tables listed in
 * {@code mitigation.rollback.tables} are touched.
 */
public final class RollbackActuator implements Actuator {
    private final TableRollback tables;
    private final StandbyStore store;
    private final List<String> allowed;
    private final Clock clock;

    public RollbackActuator(TableRollback tables, StandbyStore store, List<String> allowed, Clock clock) {
        this.tables = tables;
        this.store = store;
        this.allowed = List.copyOf(allowed);
        this.clock = clock;
    }

    @Override
    public ActionType type() {
        return ActionType.ROLLBACK_TABLE;
    }

    /** Pins the current version of every configured table without an open incident; returns how many. */
    public int pinAll() {
        int n = 0;
        for (String t : allowed) {
            if (tables != null && !store.openIncidentOn(t)) {
                store.pin(t, tables.currentVersion(t), clock.instant());
                n++;
            }
        }
        return n;
    }

    @Override
    public void prepare(ActionTarget t) {
        String table = t.resourceId();
        if (tables != null && table != null && allowed.contains(table) && store.pinOf(table).isEmpty()) {
            store.pin(table, tables.currentVersion(table), clock.instant());
        }
    }

    @Override
    public Applied apply(ActionTarget t, Map<String, String> params, Instant expiresAt) {
        String table = params.getOrDefault("table", t.resourceId());
        if (tables == null) {
            throw NotApplicableException.gap("rollback_table: no table rollback is wired in this process (Spark is "
                    + "needed; list tables in mitigation.rollback.tables)");
        }
        if (table == null || !allowed.contains(table)) {
            throw NotApplicableException.gap("rollback_table refuses " + table + ": not in mitigation.rollback.tables "
                    + allowed);
        }
        StandbyStore.Pin pin = store.pinOf(table).orElseThrow(() -> NotApplicableException.gap("rollback_table: no "
                + "version of " + table + " was pinned ahead; pins are taken every mitigation.rollback.pin-interval"));
        long before = tables.currentVersion(table);
        if (before == pin.version()) {
            return new Applied("", "table " + table + " is still at pinned version " + pin.version()
                    + "; nothing to roll back");
        }
        tables.restore(table, pin.version());
        return new Applied(before + " " + table, "table " + table + " restored from version " + before
                + " to version " + pin.version() + " (pinned " + pin.pinnedAt() + "); undo restores version " + before);
    }

    @Override
    public boolean undo(String handle) {
        if (handle.isEmpty()) {
            return true;
        }
        int space = handle.indexOf(' ');
        tables.restore(handle.substring(space + 1), Long.parseLong(handle.substring(0, space)));
        return true;
    }
}
