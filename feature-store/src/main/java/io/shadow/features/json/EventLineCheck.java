package io.shadow.features.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.shadow.features.EventClass;
import io.shadow.features.Outcome;
import io.shadow.features.ResourceType;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * A streaming check that an event line is valid and already carries its {@code event_id}, without
 * building a tree or an object: the fast path of intakes that keep lines as sent. A line that fails
 * it is not necessarily invalid (it may lack an id, or use a form only the full codec accepts);
 * callers then fall back to {@link EventCodec#parse}, which also words the error.
 */
public final class EventLineCheck {
    private static final JsonFactory JSON = new JsonFactory();

    private EventLineCheck() {
    }

    /** True when the line is a valid event with an {@code event_id}, so it can be stored as it is. */
    public static boolean validWithId(String line) {
        if (line.length() > EventCodec.MAX_EVENT_BYTES / 3) {
            return false;
        }
        try (JsonParser p = JSON.createParser(line)) {
            return check(p);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The same for a UTF-8 line inside a buffer, without copying or decoding it. */
    public static boolean validWithId(byte[] buf, int offset, int length) {
        if (length > EventCodec.MAX_EVENT_BYTES) {
            return false;
        }
        try (JsonParser p = JSON.createParser(buf, offset, length)) {
            return check(p);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean check(JsonParser p) throws IOException {
        {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            boolean id = false;
            boolean time = false;
            boolean cls = false;
            boolean op = false;
            boolean type = false;
            boolean who = false;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken v = p.nextToken();
                switch (f) {
                    case "event_id" -> id = v == JsonToken.VALUE_STRING && !p.getText().isEmpty();
                    case "time" -> time = v == JsonToken.VALUE_STRING ? instant(p.getText())
                            : v == JsonToken.VALUE_NUMBER_INT;
                    case "class_uid" -> cls = v == JsonToken.VALUE_NUMBER_INT && knownClass(p.getIntValue());
                    case "operation" -> op = v == JsonToken.VALUE_STRING && !p.getText().isBlank();
                    case "resource_type" -> type = v == JsonToken.VALUE_STRING && resourceType(p.getText());
                    case "principal", "host" -> {
                        if (v != JsonToken.VALUE_STRING && v != JsonToken.VALUE_NULL) {
                            return false;
                        }
                        who |= v == JsonToken.VALUE_STRING;
                    }
                    case "tenant", "src_ip", "user_agent", "resource_id" -> {
                        if (v != JsonToken.VALUE_STRING && v != JsonToken.VALUE_NULL) {
                            return false;
                        }
                    }
                    case "outcome" -> {
                        if (v != JsonToken.VALUE_STRING || !outcome(p.getText())) {
                            return false;
                        }
                    }
                    case "bytes_in", "bytes_out" -> {
                        if (v != JsonToken.VALUE_NULL && (v != JsonToken.VALUE_NUMBER_INT || p.getLongValue() < 0)) {
                            return false;
                        }
                    }
                    case "cpu_pct", "mem_pct" -> {
                        if (v != JsonToken.VALUE_NULL && (!v.isNumeric() || p.getDoubleValue() < 0
                                || p.getDoubleValue() > 100)) {
                            return false;
                        }
                    }
                    case "raw" -> {
                        if (v != JsonToken.START_OBJECT && v != JsonToken.VALUE_NULL) {
                            return false;
                        }
                        p.skipChildren();
                    }
                    case EventCodec.REJECTED -> {
                        return false;
                    }
                    default -> p.skipChildren();
                }
            }
            return t == JsonToken.END_OBJECT && p.nextToken() == null && id && time && cls && op && type && who;
        }
    }

    private static boolean instant(String s) {
        try {
            Instant.parse(s);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static boolean knownClass(int uid) {
        for (EventClass c : EventClass.values()) {
            if (c.uid() == uid) {
                return true;
            }
        }
        return false;
    }

    private static boolean resourceType(String s) {
        try {
            ResourceType.fromWire(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean outcome(String s) {
        try {
            Outcome.fromWire(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
