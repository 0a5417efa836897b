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
import java.util.Arrays;
import java.util.Locale;

/**
 * A streaming check that an event line is valid and already carries its {@code event_id} and its
 * {@code tenant}, without building a tree or an object: the fast path of intakes that keep lines as
 * sent. A line that fails it is not necessarily invalid (it may lack an id or a tenant, or use a form
 * only the full codec accepts); callers then fall back to {@link EventCodec#parse}, which completes
 * it or words the error.
 */
public final class EventLineCheck {
    private static final JsonFactory JSON = new JsonFactory();
    private static final EventClass[] CLASSES = EventClass.values();
    private static final char[][] RESOURCE_TYPES = Arrays.stream(ResourceType.values())
            .map(t -> t.wireName().toCharArray()).toArray(char[][]::new);
    private static final char[][] OUTCOMES = Arrays.stream(Outcome.values())
            .map(o -> o.name().toLowerCase(Locale.ROOT).toCharArray()).toArray(char[][]::new);

    private EventLineCheck() {
    }

    /**
     * True when the line is a valid event with an {@code event_id} and a tenant, reporting at most
     * {@link TransferLimit#DEFAULT_MAX_BYTES} in {@code bytes_in} and {@code bytes_out}, so it can be
     * stored as it is.
     */
    public static boolean validWithId(String line) {
        return validWithId(line, TransferLimit.DEFAULT_MAX_BYTES);
    }

    /** The same with {@code maxTransferBytes} for {@code bytes_in} and {@code bytes_out}. */
    public static boolean validWithId(String line, long maxTransferBytes) {
        return validWithId(line, maxTransferBytes, Long.MAX_VALUE);
    }

    /**
     * The same, and false also when the line's {@code time} is after {@code latestEpochMillis} (an intake
     * refusing events dated ahead of its clock, which the full path then words).
     */
    public static boolean validWithId(String line, long maxTransferBytes, long latestEpochMillis) {
        if (line.length() > EventCodec.MAX_EVENT_BYTES / 3) {
            return false;
        }
        try (JsonParser p = JSON.createParser(line)) {
            return check(p, maxTransferBytes, latestEpochMillis);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * The same for a UTF-8 line inside a buffer, without copying or decoding it; false also when the line
     * is not valid UTF-8.
     */
    public static boolean validWithId(byte[] buf, int offset, int length) {
        return validWithId(buf, offset, length, TransferLimit.DEFAULT_MAX_BYTES);
    }

    /** The same with {@code maxTransferBytes} for {@code bytes_in} and {@code bytes_out}. */
    public static boolean validWithId(byte[] buf, int offset, int length, long maxTransferBytes) {
        return validWithId(buf, offset, length, maxTransferBytes, Long.MAX_VALUE);
    }

    /** The same, and false also when the line's {@code time} is after {@code latestEpochMillis}. */
    public static boolean validWithId(byte[] buf, int offset, int length, long maxTransferBytes,
            long latestEpochMillis) {
        // the parser lets some invalid UTF-8 through (overlong forms, surrogates): such a line takes the
        // full path, which refuses it naming the byte (Utf8Text), as the scorer does
        if (length > EventCodec.MAX_EVENT_BYTES || !Utf8Text.valid(buf, offset, length)) {
            return false;
        }
        try (JsonParser p = JSON.createParser(buf, offset, length)) {
            return check(p, maxTransferBytes, latestEpochMillis);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean check(JsonParser p, long maxTransferBytes, long latest) throws IOException {
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
            boolean tenant = false;
            int seen = 0;
            java.util.List<String> others = null; // names of other fields, kept only when a line has some
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                int bit = fieldBit(f);
                if ((seen & bit) != 0) {
                    return false; // a field given twice: the full codec says which
                }
                seen |= bit;
                if (bit == 0) {
                    if (others == null) {
                        others = new java.util.ArrayList<>(2);
                    } else if (others.contains(f)) {
                        return false;
                    }
                    others.add(f);
                }
                JsonToken v = p.nextToken();
                switch (f) {
                    case "event_id" -> id = v == JsonToken.VALUE_STRING && !blank(p);
                    case "time" -> time = v == JsonToken.VALUE_STRING ? instant(p, latest)
                            : v == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER
                                    && p.getLongValue() >= EventCodec.MIN_EPOCH_MILLIS && p.getLongValue() <= latest;
                    case "class_uid" -> cls = v == JsonToken.VALUE_NUMBER_INT && knownClass(p.getIntValue());
                    case "operation" -> op = v == JsonToken.VALUE_STRING && !blank(p);
                    case "resource_type" -> type = v == JsonToken.VALUE_STRING
                            && (oneOf(p, RESOURCE_TYPES) || resourceType(p.getText()));
                    case "principal", "host" -> {
                        if (v != JsonToken.VALUE_STRING && v != JsonToken.VALUE_NULL
                                || v == JsonToken.VALUE_STRING && control(p)) {
                            return false;
                        }
                        who |= v == JsonToken.VALUE_STRING && !blank(p);
                    }
                    case "tenant" -> tenant = v == JsonToken.VALUE_STRING && !blank(p) && !control(p) && trimmed(p);
                    case "resource_id" -> {
                        if (v != JsonToken.VALUE_STRING && v != JsonToken.VALUE_NULL
                                || v == JsonToken.VALUE_STRING && control(p)) {
                            return false;
                        }
                    }
                    case "src_ip", "user_agent" -> {
                        if (v != JsonToken.VALUE_STRING && v != JsonToken.VALUE_NULL) {
                            return false;
                        }
                    }
                    case "outcome" -> {
                        if (v != JsonToken.VALUE_STRING || !(oneOf(p, OUTCOMES) || outcome(p.getText()))) {
                            return false;
                        }
                    }
                    case "bytes_in", "bytes_out" -> {
                        if (v != JsonToken.VALUE_NULL && (v != JsonToken.VALUE_NUMBER_INT || p.getLongValue() < 0
                                || p.getLongValue() > maxTransferBytes)) {
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
                        if (v == JsonToken.START_OBJECT ? !eachFieldOnce(p) : v != JsonToken.VALUE_NULL) {
                            return false;
                        }
                    }
                    case EventCodec.REJECTED -> {
                        return false;
                    }
                    default -> p.skipChildren();
                }
            }
            return t == JsonToken.END_OBJECT && p.nextToken() == null && id && time && cls && op && type && who
                    && tenant;
        }
    }

    /** Names an object inside {@code raw} compares in an array before it takes a set. */
    private static final int FEW_NAMES = 8;

    /**
     * Reads the object whose {@code START_OBJECT} is {@code p}'s current token to its end; false when it
     * or an object inside it gives a field twice (the full codec refuses that line naming the field, as
     * the scorer and the nightly ingest do). The few names of a typical object are compared in an array
     * (the parser's names are canonical, so mostly by identity): a set per object was most of the agent
     * intake's time. Nesting is bounded by the parser's depth limit.
     */
    private static boolean eachFieldOnce(JsonParser p) throws IOException {
        String[] few = null;
        int n = 0;
        java.util.Set<String> many = null;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            if (many != null) {
                if (!many.add(name)) {
                    return false;
                }
            } else {
                for (int i = 0; i < n; i++) {
                    if (few[i].equals(name)) {
                        return false;
                    }
                }
                if (few == null) {
                    few = new String[FEW_NAMES];
                }
                if (n < FEW_NAMES) {
                    few[n++] = name;
                } else {
                    many = new java.util.HashSet<>(Arrays.asList(few));
                    many.add(name);
                }
            }
            if (!eachFieldOnceIn(p, p.nextToken())) {
                return false;
            }
        }
        return t == JsonToken.END_OBJECT;
    }

    /** Reads the value {@code v} starts to its end; false when an object in it gives a field twice. */
    private static boolean eachFieldOnceIn(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.START_OBJECT) {
            return eachFieldOnce(p);
        }
        if (v == JsonToken.START_ARRAY) {
            JsonToken e;
            while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                if (!eachFieldOnceIn(p, e)) {
                    return false;
                }
            }
        }
        return v != null;
    }

    /**
     * The form Shadow's writers use ({@code 2026-11-09T10:00:00.073Z}) is checked character by
     * character; anything else goes to {@link Instant#parse} (the formatter was a third of the check's time).
     */
    private static boolean instant(JsonParser p, long latest) throws IOException {
        char[] c = p.getTextCharacters();
        int o = p.getTextOffset();
        int n = p.getTextLength();
        long millis = plainUtc(c, o, n);
        return millis != NOT_PLAIN ? millis <= latest : instant(new String(c, o, n), latest);
    }

    /** What {@link #plainUtc} answers for a text not in the plain form. */
    static final long NOT_PLAIN = Long.MIN_VALUE;

    /**
     * The epoch milliseconds of {@code yyyy-MM-ddTHH:mm:ss[.f…]Z} with every field in range, from 1970 on
     * ({@link EventCodec#EARLIEST_TIME}), rounded up to the next millisecond when the fraction is finer (so
     * a comparison with a latest allowed time never lets a later one through); {@link #NOT_PLAIN} only means
     * "not this form".
     */
    static long plainUtc(char[] c, int o, int n) {
        if (n < 20 || n > 30 || c[o + 4] != '-' || c[o + 7] != '-' || c[o + 10] != 'T' || c[o + 13] != ':'
                || c[o + 16] != ':' || c[o + n - 1] != 'Z') {
            return NOT_PLAIN;
        }
        int year = digits(c, o, 4);
        int month = digits(c, o + 5, 2);
        int day = digits(c, o + 8, 2);
        int hour = digits(c, o + 11, 2);
        int minute = digits(c, o + 14, 2);
        int second = digits(c, o + 17, 2);
        if (year < 1970 || month < 1 || month > 12 || day < 1 || day > daysIn(month, year) || hour < 0 || hour > 23
                || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return NOT_PLAIN;
        }
        long millis = ((java.time.LocalDate.of(year, month, day).toEpochDay() * 24 + hour) * 60 + minute) * 60_000L
                + second * 1000L;
        if (n == 20) {
            return millis;
        }
        if (c[o + 19] != '.' || n < 22 || digits(c, o + 20, n - 21) < 0) {
            return NOT_PLAIN;
        }
        int fraction = n - 21; // 1 to 9 digits
        int ms = digits(c, o + 20, Math.min(fraction, 3));
        for (int i = fraction; i < 3; i++) {
            ms *= 10;
        }
        boolean finer = fraction > 3 && digits(c, o + 23, fraction - 3) > 0;
        return millis + ms + (finer ? 1 : 0);
    }

    /** The decimal value of {@code len} (≤ 9) ASCII digits, or -1 if any is not a digit. */
    private static int digits(char[] c, int from, int len) {
        int v = 0;
        for (int i = from; i < from + len; i++) {
            int d = c[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    private static int daysIn(int month, int year) {
        return switch (month) {
            case 2 -> year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** The fields the check looks at, one bit each, so a repeated one sends the line to the full codec. */
    private static int fieldBit(String f) {
        return switch (f) {
            case "event_id" -> 1;
            case "time" -> 1 << 1;
            case "class_uid" -> 1 << 2;
            case "operation" -> 1 << 3;
            case "resource_type" -> 1 << 4;
            case "principal" -> 1 << 5;
            case "host" -> 1 << 6;
            case "tenant" -> 1 << 7;
            case "src_ip" -> 1 << 8;
            case "user_agent" -> 1 << 9;
            case "resource_id" -> 1 << 10;
            case "outcome" -> 1 << 11;
            case "bytes_in" -> 1 << 12;
            case "bytes_out" -> 1 << 13;
            case "cpu_pct" -> 1 << 14;
            case "mem_pct" -> 1 << 15;
            case "raw" -> 1 << 16;
            default -> 0;
        };
    }

    /** Whether the string holds a control character (the full codec refuses ids with one). */
    private static boolean control(JsonParser p) throws IOException {
        char[] c = p.getTextCharacters();
        int o = p.getTextOffset();
        for (int i = o; i < o + p.getTextLength(); i++) {
            if (Character.isISOControl(c[i])) {
                return true;
            }
        }
        return false;
    }

    /** Whether the string has no white space at either end (a tenant id is compared exactly). */
    private static boolean trimmed(JsonParser p) throws IOException {
        char[] c = p.getTextCharacters();
        int o = p.getTextOffset();
        int n = p.getTextLength();
        return n > 0 && !Character.isWhitespace(c[o]) && !Character.isWhitespace(c[o + n - 1]);
    }

    private static boolean blank(JsonParser p) throws IOException {
        char[] c = p.getTextCharacters();
        int o = p.getTextOffset();
        for (int i = o; i < o + p.getTextLength(); i++) {
            if (!Character.isWhitespace(c[i])) {
                return false;
            }
        }
        return true;
    }

    /** Whether the current string is exactly one of the wire names (other spellings take the slow path). */
    private static boolean oneOf(JsonParser p, char[][] names) throws IOException {
        char[] c = p.getTextCharacters();
        int o = p.getTextOffset();
        int n = p.getTextLength();
        for (char[] name : names) {
            if (Arrays.equals(c, o, o + n, name, 0, name.length)) {
                return true;
            }
        }
        return false;
    }

    private static boolean instant(String s, long latest) {
        try {
            Instant t = Instant.parse(s);
            return !t.isBefore(EventCodec.EARLIEST_TIME) && !t.isAfter(Instant.ofEpochMilli(latest));
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static boolean knownClass(int uid) {
        for (EventClass c : CLASSES) {
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
