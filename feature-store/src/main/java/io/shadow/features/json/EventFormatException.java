package io.shadow.features.json;

/** An event that does not parse or validate; names the offending field so the sender can fix it. */
public final class EventFormatException extends IllegalArgumentException {
    private final String field;

    public EventFormatException(String field, String message) {
        super(field == null ? message : "field '" + field + "': " + message);
        this.field = field;
    }

    /** The JSON field at fault, or null when the record as a whole is unreadable. */
    public String field() {
        return field;
    }
}
