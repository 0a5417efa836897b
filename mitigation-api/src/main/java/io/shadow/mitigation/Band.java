package io.shadow.mitigation;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Risk band of an assessment; {@link #NONE} is below the low threshold (observed, not acted on).
 * On the wire (JSON answers, notifications, profile files) always its lower-case name; read in any case.
 */
public enum Band {
    NONE,
    LOW,
    MEDIUM,
    HIGH;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Band fromWire(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown band '" + s + "'; expected low, medium or high");
        }
    }
}
