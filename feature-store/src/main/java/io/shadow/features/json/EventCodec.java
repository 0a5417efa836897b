package io.shadow.features.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shadow.features.ActivityEvent;
import io.shadow.features.EventClass;
import io.shadow.features.EventIds;
import io.shadow.features.Outcome;
import io.shadow.features.ResourceType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The one JSON wire format of {@link ActivityEvent} (snake_case, ISO-8601 times), used by agents,
 * the landing zone, Spark ingest and the scorer alike. Unknown fields go to {@code raw}; a record
 * that breaks the schema raises {@link EventFormatException} naming the field.
 */
public final class EventCodec {
    /** Largest accepted single event; bigger records are rejected, not truncated. */
    public static final int MAX_EVENT_BYTES = 64 * 1024;

    /**
     * Key of a line an agent wrote for a source record it could not map ({@link #rejected}); ingest
     * quarantines it with the agent's reason and the original record, and keeps the good records
     * of the same file.
     */
    public static final String REJECTED = "shadow_rejected";

    /**
     * The earliest event time accepted: 1970-01-01T00:00:00Z. An earlier one is a sender's bug (an unset
     * clock, a wrong field), and times near the lower end of Java's range could not even be stored.
     */
    public static final Instant EARLIEST_TIME = Instant.EPOCH;

    /**
     * The smallest numeric {@code time} (epoch milliseconds) accepted: 10^11 ms, 1973-03-03T09:46:40Z. A
     * smaller number is almost certainly epoch seconds (1.8e9 today) sent where milliseconds are expected.
     */
    public static final long MIN_EPOCH_MILLIS = 100_000_000_000L;

    /** The tenant of an event that names none, where the reader allows that ({@link #parse(String)}). */
    public static final String DEFAULT_TENANT = "default";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /**
     * An event is read with each field once: of {@code "tenant":"acme",…,"tenant":"globex"} the tree
     * would keep the last, the sender may have meant the first. Checked only when a key repeats, so free.
     */
    private static final ObjectReader ELEMENT = MAPPER.reader()
            .with(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    /** One event's text is exactly one JSON value: {@code {…} {…}} is not the first event alone. */
    private static final ObjectReader ONE = ELEMENT.with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final String DUPLICATE = "Duplicate field '";
    private static final Set<String> KNOWN = Set.of("event_id", "time", "tenant", "class_uid", "operation",
            "principal", "src_ip", "user_agent", "host", "resource_type", "resource_id", "outcome", "bytes_in",
            "bytes_out", "cpu_pct", "mem_pct", "raw");

    private EventCodec() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** One event; one without {@code tenant} belongs to {@link #DEFAULT_TENANT}. */
    public static ActivityEvent parse(String json) {
        return parse(json, DEFAULT_TENANT);
    }

    /**
     * One event; one without {@code tenant} belongs to {@code defaultTenant}, or is rejected naming
     * {@code tenant} when that is null (readers that must not guess whose event it is).
     */
    public static ActivityEvent parse(String json, String defaultTenant) {
        checkSize(json, 0, json.length());
        return fromNode(tree(json), defaultTenant);
    }

    /**
     * The tree of one event's text: exactly one JSON value, each field once. A repeated field is
     * refused naming it; text that is not one JSON value, with no field.
     */
    public static JsonNode tree(String json) {
        try {
            return ONE.readTree(json);
        } catch (JsonProcessingException e) {
            throw unreadable(e);
        }
    }

    /**
     * The tree of the value at {@code p}'s current token, an element of {@code array}, each field once;
     * the parser stops after it. A repeated field raises {@link EventFormatException} naming it, after
     * the rest of the element is skipped, so the next element reads as usual. Other unreadable JSON is
     * thrown as the parser found it.
     */
    public static JsonNode readElement(JsonParser p, JsonStreamContext array) throws IOException {
        try {
            return ELEMENT.readTree(p);
        } catch (JsonProcessingException e) {
            EventFormatException twice = duplicate(e);
            if (twice == null) {
                throw e;
            }
            while (p.getParsingContext() != array && p.nextToken() != null) {
                // the rest of this element
            }
            throw twice;
        }
    }

    /** The error for a field given twice, or null when {@code e} is about something else. */
    public static EventFormatException duplicate(JsonProcessingException e) {
        String m = e.getOriginalMessage();
        if (m == null || !m.startsWith(DUPLICATE)) {
            return null;
        }
        String field = m.substring(DUPLICATE.length(), Math.max(DUPLICATE.length(), m.indexOf('\'', DUPLICATE.length())));
        return new EventFormatException(field, "appears twice in the event; which one was meant is unknown, so send "
                + "each field once");
    }

    /**
     * What a parser limit refused, in plain words, or null when {@code e} is about something else.
     * Jackson gives such an error no location, so it is named by the limit instead.
     */
    public static String overLimit(JsonProcessingException e) {
        if (!(e instanceof StreamConstraintsException)) {
            return null;
        }
        String m = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (m.startsWith("Document nesting depth")) {
            int max = StreamReadConstraints.defaults().getMaxNestingDepth();
            return "the JSON is nested too deep: more than " + max + " arrays and objects inside each other (the "
                    + "limit is " + max + ")";
        }
        // "… exceeds the maximum allowed (N, from `StreamReadConstraints.getX()`)": keep the limit, not the method
        return "the JSON exceeds a parser limit: " + m.replaceAll(",\\s*from `[^`]*`", "");
    }

    private static EventFormatException unreadable(JsonProcessingException e) {
        EventFormatException dup = duplicate(e);
        if (dup != null) {
            return dup;
        }
        String limit = overLimit(e);
        if (limit != null) {
            return new EventFormatException(null, limit + "; an event is one flat JSON object (with 'raw' one "
                    + "level of extra fields)");
        }
        String m = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (m.startsWith("Trailing token")) {
            return new EventFormatException(null, "more than one JSON value: another one follows the event" + at(
                    e.getLocation()) + "; send exactly one JSON object per event (in NDJSON, one per line)");
        }
        return new EventFormatException(null, "not valid JSON" + at(e.getLocation()) + " (" + plainMessage(e)
                + "); send one JSON object per event");
    }

    /**
     * The parser's message without its location in Jackson's own words ({@code [Source: REDACTED …; line: 1,
     * column: 9]}), which names a parser setting rather than the input; {@link #at} says where instead.
     */
    public static String plainMessage(JsonProcessingException e) {
        String m = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        return m.replaceAll("\\s*\\((?:start marker )?at \\[Source: [^\\]]*\\]\\)", "")
                .replaceAll("\\s*(?:at )?\\[Source: [^\\]]*\\]", "").replaceAll("\\s+", " ").strip();
    }

    /** " at line L, column C", or nothing when the location is unknown. */
    public static String at(JsonLocation l) {
        return l == null || l.getLineNr() < 1 ? "" : " at line " + l.getLineNr() + ", column " + l.getColumnNr();
    }

    /**
     * Refuses an event whose JSON text, {@code json} from {@code from} to {@code to}, is over
     * {@link #MAX_EVENT_BYTES} in UTF-8: rejected, not truncated.
     */
    public static void checkSize(String json, int from, int to) {
        // UTF-8 needs at most 3 bytes per char, so only long texts need counting
        if (to - from > MAX_EVENT_BYTES / 3) {
            int bytes = json.substring(from, to).getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_EVENT_BYTES) {
                throw new EventFormatException(null, "event of " + bytes + " bytes exceeds the limit of "
                        + MAX_EVENT_BYTES + "; split it or move bulky data out of 'raw'");
            }
        }
    }

    public static ActivityEvent fromNode(JsonNode node) {
        return fromNode(node, DEFAULT_TENANT);
    }

    /** As {@link #parse(String, String)}, from a parsed tree. */
    public static ActivityEvent fromNode(JsonNode node, String defaultTenant) {
        if (node == null || !node.isObject()) {
            throw new EventFormatException(null, "expected a JSON object per event, got "
                    + (node == null ? "nothing" : node.getNodeType().name().toLowerCase()));
        }
        ObjectNode o = (ObjectNode) node;
        if (o.has(REJECTED)) {
            JsonNode r = o.get(REJECTED);
            throw new EventFormatException(r.path("field").isTextual() ? r.get("field").asText() : null,
                    r.path("source").asText("agent") + " record: " + r.path("reason").asText("rejected by the agent"),
                    r.path("record").asText(null));
        }
        Instant time = time(o);
        String tenant = tenant(o, defaultTenant);
        EventClass eventClass = eventClass(o);
        String operation = requiredText(o, "operation");
        String principal = name(o, "principal");
        String srcIp = optText(o, "src_ip", null);
        String userAgent = optText(o, "user_agent", null);
        String host = name(o, "host");
        ResourceType resourceType = enumField(o, "resource_type", ResourceType::fromWire, null);
        if (resourceType == null) {
            throw new EventFormatException("resource_type", "is required; one of data_storage, database, network, "
                    + "compute, process, identity");
        }
        String resourceId = plain("resource_id", optText(o, "resource_id", null));
        Outcome outcome = enumField(o, "outcome", Outcome::fromWire, Outcome.UNKNOWN);
        long bytesIn = nonNegativeLong(o, "bytes_in");
        long bytesOut = nonNegativeLong(o, "bytes_out");
        Double cpu = percent(o, "cpu_pct");
        Double mem = percent(o, "mem_pct");
        if (principal == null && host == null) {
            throw new EventFormatException("principal", "an event needs a principal or a host to attribute it to "
                    + "(an empty or blank one counts as none)");
        }
        Map<String, String> raw = raw(o);
        String eventId = optText(o, "event_id", null);
        // a blank id is no id: ingest MERGEs on event_id, so every event sent with "" would become one
        if (eventId == null || eventId.isBlank()) {
            eventId = EventIds.forEvent(tenant, time, eventClass, operation, principal, host, resourceId, srcIp,
                    outcome, bytesIn, bytesOut, userAgent, cpu, mem);
        }
        return new ActivityEvent(eventId, time, tenant, eventClass, operation, principal, srcIp, userAgent, host,
                resourceType, resourceId, outcome, bytesIn, bytesOut, cpu, mem, raw);
    }

    /** The line an agent ships for a source record it could not map. */
    public static String rejected(String source, String field, String reason, String record) {
        ObjectNode o = MAPPER.createObjectNode();
        ObjectNode r = o.putObject(REJECTED);
        r.put("source", source);
        if (field != null) {
            r.put("field", field);
        }
        r.put("reason", reason);
        r.put("record", record);
        return o.toString();
    }

    public static String toJson(ActivityEvent e) {
        try {
            return MAPPER.writeValueAsString(toNode(e));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("cannot serialise event " + e.eventId(), ex);
        }
    }

    public static ObjectNode toNode(ActivityEvent e) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("event_id", e.eventId());
        o.put("time", e.time().toString());
        o.put("tenant", e.tenant());
        o.put("class_uid", e.eventClass().uid());
        o.put("operation", e.operation());
        putIfPresent(o, "principal", e.principal());
        putIfPresent(o, "src_ip", e.srcIp());
        putIfPresent(o, "user_agent", e.userAgent());
        putIfPresent(o, "host", e.host());
        o.put("resource_type", e.resourceType().wireName());
        putIfPresent(o, "resource_id", e.resourceId());
        o.put("outcome", e.outcome().wireName());
        if (e.bytesIn() != 0) {
            o.put("bytes_in", e.bytesIn());
        }
        if (e.bytesOut() != 0) {
            o.put("bytes_out", e.bytesOut());
        }
        if (e.cpuPct() != null) {
            o.put("cpu_pct", e.cpuPct());
        }
        if (e.memPct() != null) {
            o.put("mem_pct", e.memPct());
        }
        if (!e.raw().isEmpty()) {
            ObjectNode raw = o.putObject("raw");
            e.raw().forEach(raw::put);
        }
        return o;
    }

    private static void putIfPresent(ObjectNode o, String field, String value) {
        if (value != null) {
            o.put(field, value);
        }
    }

    private static Instant time(ObjectNode o) {
        JsonNode t = o.get("time");
        if (t == null || t.isNull()) {
            String wrapper = wrapperField(o);
            if (wrapper != null) {
                throw new EventFormatException(null, "expected an event, got an object with field '" + wrapper
                        + "' holding an array; send each event as a JSON object of its own");
            }
            throw new EventFormatException("time", "is required, as an ISO-8601 instant like 2026-11-25T10:15:30Z "
                    + "or epoch milliseconds");
        }
        if (t.isIntegralNumber()) {
            return epochMillis(t);
        }
        if (t.isNumber()) {
            throw new EventFormatException("time", t + " is not epoch milliseconds written as a whole number (digits "
                    + "only, no fraction or exponent); send whole milliseconds (like 1795688130000; epoch seconds × "
                    + "1000, rounded) or an ISO-8601 instant like 2026-11-25T10:15:30.250Z");
        }
        Instant at;
        try {
            at = Instant.parse(t.asText());
        } catch (DateTimeParseException e) {
            throw new EventFormatException("time", "'" + t.asText() + "' is not an ISO-8601 instant; use a form like "
                    + "2026-11-25T10:15:30Z");
        }
        if (at.isBefore(EARLIEST_TIME)) {
            throw new EventFormatException("time", "'" + t.asText() + "' is before " + EARLIEST_TIME + ", the earliest "
                    + "time accepted (an event's time must be from 1970-01-01T00:00:00Z on, and the scorer also "
                    + "refuses one ahead of its clock): a time before the Unix epoch is a bug of the sender (an "
                    + "unset clock, a wrong field mapped); fix the sender's time");
        }
        return at;
    }

    /**
     * A numeric {@code time}: epoch milliseconds, a 64-bit integer of at least {@link #MIN_EPOCH_MILLIS}.
     * A smaller one is refused as a likely unit mistake: epoch seconds (1.8e9 today) read as milliseconds
     * would be January 1970.
     */
    private static Instant epochMillis(JsonNode t) {
        if (!t.canConvertToLong()) {
            throw new EventFormatException("time", t + " does not fit in a 64-bit integer of epoch milliseconds; "
                    + "send epoch milliseconds (like 1795688130000) or an ISO-8601 instant like 2026-11-25T10:15:30Z");
        }
        long ms = t.longValue();
        if (ms < 0) {
            throw new EventFormatException("time", ms + " (epoch milliseconds) is before " + EARLIEST_TIME + ", the "
                    + "earliest time accepted: a time before the Unix epoch is a bug of the sender; send epoch "
                    + "milliseconds (like 1795688130000) or an ISO-8601 instant like 2026-11-25T10:15:30Z");
        }
        if (ms < MIN_EPOCH_MILLIS) {
            throw new EventFormatException("time", ms + " read as epoch milliseconds is " + Instant.ofEpochMilli(ms)
                    + ", which looks like epoch seconds (or another unit) sent where milliseconds are expected; "
                    + "numeric times below " + MIN_EPOCH_MILLIS + " (" + Instant.ofEpochMilli(MIN_EPOCH_MILLIS) + ") are "
                    + "refused: send milliseconds (seconds × 1000) or an ISO-8601 instant like 2026-11-25T10:15:30Z");
        }
        return Instant.ofEpochMilli(ms);
    }

    /** The event's tenant; a blank one is as good as none: {@code dflt}, or refused when there is none. */
    private static String tenant(ObjectNode o, String dflt) {
        String t = optText(o, "tenant", null);
        if ((t == null || t.isBlank()) && dflt != null) {
            return dflt;
        }
        if (t == null || t.isBlank()) {
            throw new EventFormatException("tenant", "is required: the id of the tenant the event belongs to "
                    + "(case-sensitive, e.g. \"acme\"); its events are judged against that tenant's baselines");
        }
        plain("tenant", t);
        if (Character.isWhitespace(t.charAt(0)) || Character.isWhitespace(t.charAt(t.length() - 1))) {
            throw new EventFormatException("tenant", "starts or ends with white space ('" + t + "'): tenant ids are "
                    + "compared exactly, so remove it");
        }
        return t;
    }

    /**
     * The name of a field whose value is an array, when {@code o} names none of an event's required
     * fields: a batch wrapped in an object ({@code {"events":[…]}}) rather than an event. Null otherwise.
     */
    public static String wrapperField(ObjectNode o) {
        if (o.has("time") || o.has("class_uid") || o.has("operation")) {
            return null;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getValue().isArray()) {
                return f.getKey();
            }
        }
        return null;
    }

    /** An entity's name: absent when empty or blank (it names no one), plain text otherwise. */
    private static String name(ObjectNode o, String field) {
        String v = optText(o, field, null);
        return v == null || v.isBlank() ? null : plain(field, v);
    }

    /** {@code v} unless it holds a control character (a NUL, a line break…): ids are compared exactly. */
    private static String plain(String field, String v) {
        if (v != null) {
            for (int i = 0; i < v.length(); i++) {
                if (Character.isISOControl(v.charAt(i))) {
                    throw new EventFormatException(field, "contains the control character " + String.format(
                            "U+%04X", (int) v.charAt(i)) + ": it must be plain text (an id compared exactly); "
                            + "fix the sender's mapping");
                }
            }
        }
        return v;
    }

    private static EventClass eventClass(ObjectNode o) {
        JsonNode c = o.get("class_uid");
        if (c == null || c.isNull()) {
            throw new EventFormatException("class_uid", "is required (OCSF class: 6003 API activity, 6005 datastore, "
                    + "1007 process, 1001 file, 4001 network, 99001 resource usage)");
        }
        if (!c.canConvertToInt() || !c.isIntegralNumber()) {
            throw new EventFormatException("class_uid", "expected an integer, got " + c);
        }
        try {
            return EventClass.fromUid(c.intValue());
        } catch (IllegalArgumentException e) {
            throw new EventFormatException("class_uid", e.getMessage());
        }
    }

    private static String requiredText(ObjectNode o, String field) {
        String v = optText(o, field, null);
        if (v == null || v.isBlank()) {
            throw new EventFormatException(field, "is required and must be a non-empty string");
        }
        return v;
    }

    private static String optText(ObjectNode o, String field, String dflt) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isTextual()) {
            throw new EventFormatException(field, "expected a string, got " + n.getNodeType().name().toLowerCase());
        }
        return n.textValue();
    }

    private static <T> T enumField(ObjectNode o, String field, java.util.function.Function<String, T> parse, T dflt) {
        String v = optText(o, field, null);
        if (v == null) {
            return dflt;
        }
        try {
            return parse.apply(v);
        } catch (IllegalArgumentException e) {
            throw new EventFormatException(field, e.getMessage());
        }
    }

    private static long nonNegativeLong(ObjectNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return 0L;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < 0) {
            throw new EventFormatException(field, "expected a non-negative integer number of bytes, got " + n);
        }
        return n.longValue();
    }

    private static Double percent(ObjectNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isNumber() || n.doubleValue() < 0 || n.doubleValue() > 100 || Double.isNaN(n.doubleValue())) {
            throw new EventFormatException(field, "expected a percentage between 0 and 100, got " + n);
        }
        return n.doubleValue();
    }

    private static Map<String, String> raw(ObjectNode o) {
        Map<String, String> raw = new LinkedHashMap<>();
        JsonNode r = o.get("raw");
        if (r != null && !r.isNull()) {
            if (r.getNodeType() != JsonNodeType.OBJECT) {
                throw new EventFormatException("raw", "expected an object of extra fields, got "
                        + r.getNodeType().name().toLowerCase());
            }
            r.fields().forEachRemaining(f -> raw.put(f.getKey(), text(f.getValue())));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!KNOWN.contains(f.getKey())) {
                raw.put(f.getKey(), text(f.getValue()));
            }
        }
        return raw;
    }

    private static String text(JsonNode n) {
        return n.isValueNode() ? n.asText() : n.toString();
    }
}
