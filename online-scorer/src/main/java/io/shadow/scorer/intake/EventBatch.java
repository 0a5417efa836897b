package io.shadow.scorer.intake;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shadow.features.ActivityEvent;
import io.shadow.features.json.EventCodec;
import io.shadow.features.json.EventFormatException;
import io.shadow.features.json.Utf8Text;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A request body read as events: a JSON array of events (read element by element, never as one
 * tree) or NDJSON (one event per line; blank lines skipped, still counted for the index), or one
 * pretty-printed event. Malformed events, and events the scorer's {@link IntakeRules} refuse, are
 * listed with their index and the field at fault; the valid ones are kept. An empty body (or {@code []})
 * is an empty batch, not an error.
 */
public record EventBatch(List<ActivityEvent> events, List<Rejected> errors) {

    /** One malformed event: its position in the batch (array index or line number from 0). */
    public record Rejected(int index, String field, String error) {
    }

    /**
     * The events of a request body as sent: UTF-8, read strictly (a leading byte order mark is skipped;
     * invalid UTF-8 raises {@link EventFormatException} naming the byte offset and line, and nothing in the
     * body is kept: {@link Utf8Text}), then as {@link #parse(String, IntakeRules)}.
     */
    public static EventBatch parse(byte[] body, IntakeRules rules) {
        return parse(Utf8Text.decode(body, 0, body.length, "the body"), rules);
    }

    /** The events as the wire format alone allows them (an event without tenant is the default tenant's). */
    public static EventBatch parse(String body) {
        return parse(body, null);
    }

    /**
     * The events the scorer accepts under {@code rules}; null: the wire format alone. A body that is
     * not one batch (an array followed by more JSON), or an array that is not well-formed JSON (a syntax
     * error inside, a trailing comma, no closing bracket), raises {@link EventFormatException} naming the
     * line and column: nothing in it is kept. Elements that are well-formed JSON but not valid events are
     * listed in {@link #errors} and the rest kept.
     */
    public static EventBatch parse(String body, IntakeRules rules) {
        String trimmed = body.stripLeading();
        if (trimmed.isEmpty()) {
            return new EventBatch(List.of(), List.of()); // an agent flushing an empty buffer
        }
        if (trimmed.charAt(0) == '[') {
            return array(trimmed, rules);
        }
        EventBatch lines = lines(body, rules);
        // one object over several lines (pretty-printed), read as NDJSON, fails line by line; a second
        // read only on that error path finds it (an NDJSON body stops it at its second line)
        if (trimmed.charAt(0) == '{' && !lines.errors.isEmpty()) {
            EventBatch single = single(trimmed, rules);
            if (single != null) {
                return single;
            }
        }
        return lines;
    }

    private static EventBatch array(String body, IntakeRules rules) {
        List<ActivityEvent> ok = new ArrayList<>();
        List<Rejected> errors = new ArrayList<>();
        int i = 0;
        try (JsonParser p = EventCodec.mapper().createParser(body)) {
            p.nextToken();
            JsonStreamContext array = p.getParsingContext();
            while (true) {
                JsonToken t = p.nextToken();
                if (t == null) {
                    throw notClosed(p.currentLocation());
                }
                if (t == JsonToken.END_ARRAY) {
                    refuseTrailing(p);
                    break;
                }
                int from = (int) p.currentTokenLocation().getCharOffset();
                try {
                    JsonNode node = EventCodec.readElement(p, array);
                    EventCodec.checkSize(body, from, (int) p.currentLocation().getCharOffset());
                    ok.add(rules == null ? EventCodec.fromNode(node) : rules.decode(node));
                } catch (EventFormatException e) {
                    errors.add(new Rejected(i, e.field(), e.getMessage()));
                }
                i++;
            }
        } catch (JsonProcessingException e) {
            String limit = EventCodec.overLimit(e);
            if (limit != null) {
                // where the array stops being readable is unknown (no location): none of it is scored
                throw new EventFormatException(null, limit + "; nothing was scored: an event is one flat JSON object "
                        + "(with 'raw' one level of extra fields) and a batch one array of them");
            }
            // which events the sender meant is unknown once the array is broken (and its rest cannot be
            // read): none of it is scored, rather than the events before the error alone
            if (e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Unexpected end-of-input")) {
                throw notClosed(e.getLocation());
            }
            throw new EventFormatException(null, "the body is not a well-formed JSON array: not valid JSON"
                    + EventCodec.at(e.getLocation()) + " (" + EventCodec.plainMessage(e) + ", in or after element "
                    + i + "); nothing was scored: fix the JSON and send the whole batch again (an element that is "
                    + "well-formed JSON but not a valid event is listed in 'errors' instead, and the rest scored)");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new EventBatch(ok, errors);
    }

    private static EventFormatException notClosed(JsonLocation end) {
        return new EventFormatException(null, "the body is not a well-formed JSON array: the JSON array is not "
                + "closed (the body ends" + EventCodec.at(end) + " before its closing ']'); nothing was scored: the "
                + "body may have been cut off, so send the whole batch again");
    }

    /**
     * Refuses the body when anything but white space follows its array: {@code [E] [E]} is not the
     * first batch alone, and which events the sender meant to send is unknown.
     */
    private static void refuseTrailing(JsonParser p) throws IOException {
        JsonLocation at;
        try {
            if (p.nextToken() == null) {
                return;
            }
            at = p.currentTokenLocation();
        } catch (JsonProcessingException e) {
            at = e.getLocation();
        }
        throw new EventFormatException(null, "the body must be exactly one JSON array of events (or NDJSON, one "
                + "event per line), but more follows the array's end" + EventCodec.at(at) + "; nothing was scored: "
                + "send each batch as a request of its own");
    }

    private static EventBatch lines(String body, IntakeRules rules) {
        List<ActivityEvent> ok = new ArrayList<>();
        List<Rejected> errors = new ArrayList<>();
        int i = 0;
        int start = 0;
        int n = body.length();
        while (start < n) {
            int end = body.indexOf('\n', start);
            if (end < 0) {
                end = n;
            }
            String line = body.substring(start, end > start && body.charAt(end - 1) == '\r' ? end - 1 : end);
            if (!line.isBlank()) {
                try {
                    ok.add(rules == null ? EventCodec.parse(line) : rules.decode(line));
                } catch (EventFormatException e) {
                    errors.add(new Rejected(i, e.field(), e.getMessage()));
                }
            }
            i++;
            start = end + 1;
        }
        return new EventBatch(ok, errors);
    }

    /**
     * One event spread over several lines, or null when the body is not one JSON object (NDJSON of
     * several events that were all refused is answered line by line).
     */
    private static EventBatch single(String body, IntakeRules rules) {
        JsonNode node;
        try {
            node = EventCodec.tree(body);
        } catch (EventFormatException e) {
            // a repeated field is named when the body is one object; NDJSON is answered line by line
            return e.field() != null && oneValue(body)
                    ? new EventBatch(List.of(), List.of(new Rejected(0, e.field(), e.getMessage()))) : null;
        }
        String wrapper = node instanceof ObjectNode o ? EventCodec.wrapperField(o) : null;
        if (wrapper != null) {
            throw new EventFormatException(null, "expected a JSON array of events or NDJSON (one event per line), "
                    + "got an object with field '" + wrapper + "'; send the array itself");
        }
        try {
            EventCodec.checkSize(body, 0, body.stripTrailing().length());
            return new EventBatch(List.of(rules == null ? EventCodec.fromNode(node) : rules.decode(node)), List.of());
        } catch (EventFormatException e) {
            return new EventBatch(List.of(), List.of(new Rejected(0, e.field(), e.getMessage())));
        }
    }

    private static boolean oneValue(String body) {
        try (JsonParser p = EventCodec.mapper().createParser(body)) {
            p.nextToken();
            p.skipChildren();
            return p.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }
}
