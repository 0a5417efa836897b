package io.shadow.mitigation.actuate;

import java.time.Instant;
import java.util.Map;

/**
 * Changes the world for one {@link ActionType}, and changes it back. Implementations prepare what
 * they can ahead ({@link #prepare}, warm standby) so that {@link #apply} takes milliseconds.
 */
public interface Actuator {

    ActionType type();

    /** Gets ready to act on a target soon (pre-generated keys, pre-built rules); optional. */
    default void prepare(ActionTarget target) {
    }

    /**
     * @param expiresAt when the action lapses by itself, or null
     * @throws NotApplicableException when the action does not fit the target
     */
    Applied apply(ActionTarget target, Map<String, String> params, Instant expiresAt);

    /** Reverses {@link #apply}; idempotent. */
    void undo(String handle);

    /** Re-establishes an action that was in force before a restart. */
    default void restore(ActionTarget target, Map<String, String> params, Instant expiresAt, String handle) {
    }
}
