package io.shadow.mitigation.actuate;

import java.time.Instant;
import java.util.Map;

/** Records the anomaly and changes nothing: the lightest action. */
public final class LogActuator implements Actuator {
    @Override
    public ActionType type() {
        return ActionType.LOG;
    }

    @Override
    public Applied apply(ActionTarget t, Map<String, String> params, Instant expiresAt) {
        return new Applied("log", "recorded in the audit log");
    }

    /** Nothing was changed, so nothing stays changed; the audit line itself is never removed. */
    @Override
    public boolean undo(String handle) {
        return true;
    }
}
