package io.shadow.mitigation.profile;

import com.fasterxml.jackson.databind.JsonNode;
import io.shadow.mitigation.actuate.ActionType;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The rules an action follows wherever it is asked for: in a profiles file ({@link ProfileLoader},
 * {@code bin/shadow profiles check}) and in a modify request of the API, so both refuse the same
 * actions with the same words. Problems go to a sink as (JSON pointer within the action, message).
 */
public final class ActionRules {
    /** The keys an action may have. */
    public static final Set<String> KEYS = Set.of("type", "params", "expires");
    /** The highest {@code rate_limit} {@code per_minute} the gateway's token bucket takes. */
    public static final int MAX_PER_MINUTE = Integer.MAX_VALUE;
    /** Characters of one param value (a path, a table, an executable, a webhook name). */
    public static final int MAX_PARAM_CHARS = 1024;
    /**
     * The longest {@code expires}: a year. Longer is a mistake (an expiry beyond the last instant the
     * engine can compute cannot be applied at all); an action meant to last is given no expiry.
     */
    public static final Duration MAX_EXPIRES = Duration.ofDays(365);

    private ActionRules() {
    }

    /**
     * Reads an action written as a mapping {@code {type, params, expires}}, reporting every problem
     * to {@code problem} as (pointer within the action, e.g. {@code /params/per_minute}, message).
     * Returns the action, or null when it has no known type.
     */
    public static ActionSpec read(JsonNode a, BiConsumer<String, String> problem) {
        if (a == null || !a.isObject()) {
            problem.accept("", "an action must be a mapping with type, optional params and expires");
            return null;
        }
        unknownKeys(a, "", KEYS, problem);
        if (a.path("type").asText("").isBlank()) {
            problem.accept("/type", "required; one of " + ActionType.wireNames());
            return null;
        }
        ActionType type;
        try {
            type = ActionType.fromWire(a.path("type").asText(""));
        } catch (IllegalArgumentException e) {
            problem.accept("/type", e.getMessage());
            return null;
        }
        Duration expires = null;
        if (a.hasNonNull("expires")) {
            try {
                expires = Duration.parse(a.get("expires").asText());
                expires(a.get("expires").asText(), expires, problem);
            } catch (DateTimeParseException e) {
                problem.accept("/expires", "'" + a.get("expires").asText() + "' is not an ISO-8601 duration; use "
                        + "e.g. PT30M or PT4H");
            }
        }
        Map<String, String> params = new LinkedHashMap<>();
        List<String> badParams = new ArrayList<>();
        JsonNode pm = a.path("params");
        if (!pm.isMissingNode() && !pm.isNull()) {
            if (!pm.isObject()) {
                problem.accept("/params", "params must be a mapping");
                badParams.add("params");
            } else {
                pm.fields().forEachRemaining(f -> {
                    if (f.getValue().isValueNode() && !f.getValue().isNull()) {
                        params.put(f.getKey(), f.getValue().asText());
                    } else {
                        problem.accept("/params/" + f.getKey(), "params." + f.getKey() + " must be text or a number, "
                                + "got " + f.getValue());
                        badParams.add(f.getKey());
                    }
                });
            }
        }
        ActionSpec spec = new ActionSpec(type, params, expires);
        if (badParams.isEmpty()) {
            params(spec, problem);
        }
        return spec;
    }

    /** The rules on an action's expiry and params (read from a file, a request or code); problems as in {@link #read}. */
    public static void check(ActionSpec spec, BiConsumer<String, String> problem) {
        if (spec.expires() != null) {
            expires(spec.expires().toString(), spec.expires(), problem);
        }
        params(spec, problem);
    }

    /** {@code expires} (written as {@code text}) is positive and at most {@link #MAX_EXPIRES}. */
    private static void expires(String text, Duration expires, BiConsumer<String, String> problem) {
        if (expires.isNegative() || expires.isZero()) {
            problem.accept("/expires", "expires must be a positive ISO-8601 duration such as PT1H");
        } else if (expires.compareTo(MAX_EXPIRES) > 0) {
            problem.accept("/expires", "'" + text + "' is longer than the longest expiry, " + MAX_EXPIRES.toDays()
                    + " days (P" + MAX_EXPIRES.toDays() + "D); give a shorter one such as PT4H or P30D, or leave "
                    + "expires out to keep the action until it is undone");
        }
    }

    /** The params each action type reads; any other is a typo that would silently do nothing. */
    public static Set<String> knownParams(ActionType type) {
        return switch (type) {
            case RATE_LIMIT -> Set.of("per_minute");
            case SUSPEND_PROCESS, KILL_PROCESS -> Set.of("pid", "exe", io.shadow.features.ProcessRef.START_TICKS);
            case ENCRYPT_DATA -> Set.of("path");
            case ROLLBACK_TABLE -> Set.of("table");
            case NOTIFY_EXTERNAL -> Set.of("webhook");
            default -> Set.of();
        };
    }

    private static void params(ActionSpec spec, BiConsumer<String, String> problem) {
        Set<String> known = knownParams(spec.type());
        spec.params().keySet().stream().filter(k -> !known.contains(k)).sorted().forEach(k -> problem.accept(
                "/params/" + k, "unknown param '" + k + "' of " + spec.type().wireName() + "; " + (known.isEmpty()
                        ? spec.type().wireName() + " takes no params" : "it takes " + known.stream().sorted().toList())));
        spec.params().forEach((k, v) -> {
            if (v.length() > MAX_PARAM_CHARS) {
                problem.accept("/params/" + k, "params." + k + " is " + v.length() + " characters long; at most "
                        + MAX_PARAM_CHARS + " are allowed");
            }
        });
        if (spec.type() == ActionType.RATE_LIMIT) {
            String rate = spec.params().get("per_minute");
            if (rate == null) {
                problem.accept("/params", "rate_limit needs params.per_minute, a positive whole number of requests");
            } else if (!positiveInt(rate)) {
                problem.accept("/params/per_minute", "'" + rate + "' is not a positive whole number of requests "
                        + "(1 to " + MAX_PER_MINUTE + "); use e.g. 20");
            }
        }
    }

    /** Every problem of {@code spec}, each as "key: message" (e.g. {@code params.per_minute: '-5' is not …}). */
    public static List<String> problems(ActionSpec spec) {
        List<String> out = new ArrayList<>();
        check(spec, (pointer, message) -> out.add(key(pointer) + ": " + message));
        return out;
    }

    /** A JSON pointer as a dotted key: {@code /params/per_minute} is {@code params.per_minute}. */
    public static String key(String pointer) {
        return pointer.isEmpty() ? "" : pointer.substring(1).replace('/', '.');
    }

    /** Reports every key of {@code node} outside {@code allowed}, at {@code at + "/" + key}. */
    static void unknownKeys(JsonNode node, String at, Set<String> allowed, BiConsumer<String, String> problem) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                problem.accept(at + "/" + k, "unknown key '" + k + "'; allowed here: "
                        + allowed.stream().sorted().toList());
            }
        }
    }

    private static boolean positiveInt(String s) {
        if (!s.matches("[1-9][0-9]{0,9}")) {
            return false;
        }
        return Long.parseLong(s) <= MAX_PER_MINUTE;
    }
}
