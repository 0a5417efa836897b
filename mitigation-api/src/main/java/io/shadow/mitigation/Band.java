package io.shadow.mitigation;

import java.util.Locale;

/** Risk band of an assessment; {@link #NONE} is below the low threshold (observed, not acted on). */
public enum Band {
    NONE,
    LOW,
    MEDIUM,
    HIGH;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Band fromWire(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown band '" + s + "'; expected low, medium or high");
        }
    }
}
