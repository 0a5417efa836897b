package io.shadow.model.nab;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** NAB timestamps: {@code YYYY-MM-DD HH:MM:SS} with optional fractional seconds, no zone (read as UTC). */
final class NabTime {
    private NabTime() {
    }

    /** Parses a NAB timestamp, or returns null when it is not one. */
    static LocalDateTime parseOrNull(String text) {
        String t = text.trim();
        if (t.length() > 10 && t.charAt(10) == ' ') {
            t = t.substring(0, 10) + 'T' + t.substring(11);
        }
        try {
            return LocalDateTime.parse(t);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    static long epochSecond(LocalDateTime t) {
        return t.toEpochSecond(ZoneOffset.UTC);
    }
}
