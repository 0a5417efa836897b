package io.shadow.scorer.intake;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import io.shadow.features.ActivityEvent;
import io.shadow.features.json.EventCodec;
import io.shadow.features.json.EventFormatException;
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

    /** The events as the wire format alone allows them (an event without tenant is the default tenant's). */
    public static EventBatch parse(String body) {
        return parse(body, null);
    }

    /** The events the scorer accepts under {@code rules}; null: the wire format alone. */
    public static EventBatch parse(String body, IntakeRules rules) {
        String trimmed = body.stripLeading();
        if (trimmed.isEmpty()) {
            return new EventBatch(List.of(), List.of()); // an agent flushing an empty buffer
        }
        if (trimmed.charAt(0) == '[') {
            return array(trimmed, rules);
        }
        EventBatch lines = lines(body, rules);
        if (lines.events.isEmpty() && trimmed.charAt(0) == '{' && lines.errors.size() > 1) {
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
            while (true) {
                JsonToken t = p.nextToken();
                if (t == null) {
                    errors.add(new Rejected(i, null, "the JSON array is not closed; the events before were read"));
                    break;
                }
                if (t == JsonToken.END_ARRAY) {
                    break;
                }
                JsonNode node = p.readValueAsTree();
                try {
                    ok.add(rules == null ? EventCodec.fromNode(node) : rules.decode(node));
                } catch (EventFormatException e) {
                    errors.add(new Rejected(i, e.field(), e.getMessage()));
                }
                i++;
            }
        } catch (JsonProcessingException e) {
            errors.add(new Rejected(i, null, "not valid JSON at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + " (" + e.getOriginalMessage() + "); the events before it were "
                    + "read, the rest of the array was not"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new EventBatch(ok, errors);
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
            node = EventCodec.mapper().readerFor(JsonNode.class)
                    .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(body);
        } catch (JsonProcessingException e) {
            return null;
        }
        try {
            return new EventBatch(List.of(rules == null ? EventCodec.fromNode(node) : rules.decode(node)), List.of());
        } catch (EventFormatException e) {
            return new EventBatch(List.of(), List.of(new Rejected(0, e.field(), e.getMessage())));
        }
    }
}
