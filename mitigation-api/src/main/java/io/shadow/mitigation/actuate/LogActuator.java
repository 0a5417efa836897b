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

    @Override
    public void undo(String handle) {
    }
}
