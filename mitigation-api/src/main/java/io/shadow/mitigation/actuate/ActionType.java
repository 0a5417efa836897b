package io.shadow.mitigation.actuate;

import java.util.Arrays;
import java.util.Locale;

/** Every action a mitigation profile can name; each has an {@link Actuator}. */
public enum ActionType {
    /** Record only. */
    LOG,
    /** Gateway throttles the principal to {@code per_minute} requests. */
    RATE_LIMIT,
    /** Gateway denies the principal on the resource it misused. */
    RESTRICT,
    /** Gateway denies the principal everywhere (user lock-out). */
    LOCK_USER,
    /** Gateway denies everyone on the resource (resource shut down). */
    SHUTDOWN_RESOURCE,
    /** Gateway denies traffic from the host and its agent cuts its network. */
    ISOLATE_HOST,
    /** The host's agent suspends the offending process. */
    SUSPEND_PROCESS,
    /** Shadow-issued access keys of the principal are revoked and replaced. */
    ROTATE_KEYS;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ActionType fromWire(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown action '" + s + "'; expected one of "
                    + Arrays.stream(values()).map(ActionType::wireName).toList());
        }
    }
}
