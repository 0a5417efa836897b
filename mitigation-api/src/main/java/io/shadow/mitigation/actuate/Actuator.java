package io.shadow.mitigation.actuate;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Changes the world for one {@link ActionType}, and changes it back where it can be (a rotated key or
 * a killed process cannot be: see {@link #notReversible}). Implementations prepare what
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

    /**
     * Reverses {@link #apply} as far as it can be reversed; idempotent.
     *
     * @return false when the action was carried out and stays as it is ({@link #notReversible} says
     *     why), true when it is reversed or never took effect (a command cancelled while pending)
     */
    boolean undo(String handle);

    /**
     * Why this action, once carried out, cannot be reversed, in words for people; empty when
     * {@link #undo} reverses it.
     */
    default Optional<String> notReversible() {
        return Optional.empty();
    }

    /**
     * Why {@link #apply} would skip this action for {@code target} because of what the anomaly names (no principal
     * for a lock-out, no host for an isolation, a process without its pid), found without acting: a dry run and a
     * backtest say what would really have been done. Empty when it would be tried.
     */
    default Optional<String> wouldSkip(ActionTarget target, Map<String, String> params) {
        return Optional.empty();
    }

    /** Re-establishes an action that was in force before a restart. */
    default void restore(ActionTarget target, Map<String, String> params, Instant expiresAt, String handle) {
    }
}
