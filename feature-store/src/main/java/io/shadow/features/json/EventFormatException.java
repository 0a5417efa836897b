package io.shadow.features.json;

/** An event that does not parse or validate; names the offending field so the sender can fix it. */
public final class EventFormatException extends IllegalArgumentException {
    private final String field;
    private final String rawRecord;

    public EventFormatException(String field, String message) {
        this(field, message, null);
    }

    /** @param rawRecord the source's record as it was, when an agent already rejected it */
    public EventFormatException(String field, String message, String rawRecord) {
        super(field == null ? message : "field '" + field + "': " + message);
        this.field = field;
        this.rawRecord = rawRecord;
    }

    /** The source record behind an agent's rejection, or null: then the line itself is the record. */
    public String rawRecord() {
        return rawRecord;
    }

    /** The JSON field at fault, or null when the record as a whole is unreadable. */
    public String field() {
        return field;
    }
}
