package io.shadow.mitigation.actuate;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.List;
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
    /** The host's agent suspends the offending process (SIGSTOP; undo: SIGCONT). */
    SUSPEND_PROCESS,
    /** The host's agent kills the offending process (cannot be undone once carried out: kept). */
    KILL_PROCESS,
    /** Shadow-issued access keys of the principal are revoked and replaced (not reversed: kept). */
    ROTATE_KEYS,
    /** The files of a data location are encrypted in place (AES-GCM) with a key Shadow holds. */
    ENCRYPT_DATA,
    /** A Delta table is restored to the version pinned ahead (warm standby). */
    ROLLBACK_TABLE,
    /** A signed webhook tells a system Shadow does not drive itself to act (and to stop, on undo). */
    NOTIFY_EXTERNAL;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static ActionType fromWire(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown action '" + s + "'; expected one of " + wireNames());
        }
    }

    /** Every action's wire name, in declaration order. */
    public static List<String> wireNames() {
        return Arrays.stream(values()).map(ActionType::wireName).toList();
    }
}
