package io.shadow.features.config;

import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * Says in plain words what a config value of the wrong type or shape should have been: the key
 * path ({@code auth.tokens[0].role}), the value given and what is expected ("a whole number"),
 * instead of Jackson's message about Java types.
 */
final class MappingErrors {
    private static final PropertyNamingStrategies.KebabCaseStrategy KEBAB =
            new PropertyNamingStrategies.KebabCaseStrategy();

    private MappingErrors() {
    }

    /** The error for {@code e}, raised while mapping {@code tree} (read from {@code file}, if any). */
    static ConfigException explain(JsonMappingException e, JsonNode tree, Path file) {
        String key = path(e.getPath());
        if (e instanceof UnrecognizedPropertyException u) {
            String parent = key.substring(0, Math.max(0, key.length() - u.getPropertyName().length()));
            List<String> known = keys(u.getReferringClass(), u.getKnownPropertyIds()).stream()
                    .map(k -> parent + k).toList();
            return new ConfigException((file == null ? "" : file + ": ") + "unknown key '" + key
                    + "'; known keys here: " + known);
        }
        JsonNode given = at(tree, e.getPath());
        Class<?> type = e instanceof MismatchedInputException m ? m.getTargetType()
                : e.getCause() instanceof InputCoercionException c ? c.getTargetType() : null;
        // a single value is shown only where a single value of a plain type belongs: given for a mapping or a list
        // (a scorer's "url token", a webhook's URL), it may well be the secret that belongs inside
        boolean secret = secret(key);
        boolean single = given != null && given.isValueNode() && !given.isNull();
        String value = secret ? "(hidden)" : single && !isPlain(type) ? "a single value (not shown)" : shown(given);
        return ConfigException.invalid(key, value, expected(type, secret || !isPlain(type) ? null : given));
    }

    /** A type whose values are single words or numbers: text, numbers, true/false, a choice of names. */
    private static boolean isPlain(Class<?> type) {
        return type != null && (type.isPrimitive() || type.isEnum() || type == String.class
                || Number.class.isAssignableFrom(type) || type == Boolean.class);
    }

    /** What {@code type} takes in words; {@code given} (null when it must not be shown) seeds the list example. */
    private static String expected(Class<?> type, JsonNode given) {
        if (type == null) {
            return "a value of another type (see docs/configuration.md)";
        }
        if (type == int.class || type == Integer.class) {
            return given != null && given.isIntegralNumber() ? "a whole number from " + Integer.MIN_VALUE + " to "
                    + Integer.MAX_VALUE : "a whole number";
        }
        if (type == long.class || type == Long.class || type == short.class || type == Short.class
                || type == BigInteger.class) {
            return "a whole number";
        }
        if (type == double.class || type == Double.class || type == float.class || type == Float.class
                || type == BigDecimal.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a text value";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list, e.g. [" + (given != null && given.isValueNode() ? given.asText() : "one, two") + "]";
        }
        return "a mapping of the keys " + String.join(", ", keys(type, List.of()));
    }

    /** The keys of {@code type} in declaration order, spelt as in YAML; {@code fallback} when it is no record. */
    private static List<String> keys(Class<?> type, Collection<Object> fallback) {
        if (type == null || !type.isRecord()) {
            return fallback.stream().map(String::valueOf).toList();
        }
        return Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).map(KEBAB::translate)
                .toList();
    }

    private static String path(List<JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                sb.append(sb.isEmpty() ? "" : ".").append(r.getFieldName());
            } else {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static JsonNode at(JsonNode tree, List<JsonMappingException.Reference> refs) {
        JsonNode node = tree;
        for (JsonMappingException.Reference r : refs) {
            if (node == null) {
                return null;
            }
            node = r.getFieldName() != null ? node.get(r.getFieldName()) : node.get(r.getIndex());
        }
        return node;
    }

    /**
     * Keys whose values never appear in a message (they would end up in logs): a token, password or secret, or an
     * item of a list of them ({@code auth.tokens[0]} written as a line of text holds a token); the other keys of a
     * token's entry ({@code auth.tokens[0].role}) are not secret.
     */
    private static boolean secret(String key) {
        String last = key.substring(key.lastIndexOf('.') + 1).replaceAll("\\[[^]]*]", "")
                .toLowerCase(java.util.Locale.ROOT);
        String one = last.endsWith("s") ? last.substring(0, last.length() - 1) : last;
        return one.equals("token") || one.endsWith("-token") || one.endsWith("password") || one.endsWith("secret");
    }

    /**
     * A value as the message shows it: a single value as given; a mapping or list by its shape only (its keys, how
     * many items), since what it holds may be a secret in the wrong place ({@code tokens: {name: ops, token: …}}).
     */
    private static String shown(JsonNode given) {
        if (given == null || given.isNull()) {
            return "(empty)";
        }
        if (given.isValueNode()) {
            return given.asText().isEmpty() ? "''" : given.asText();
        }
        if (given.isObject()) {
            List<String> keys = new ArrayList<>();
            given.fieldNames().forEachRemaining(keys::add);
            return "a mapping of " + String.join(", ", keys);
        }
        return "a list of " + given.size() + (given.size() == 1 ? " item" : " items");
    }
}
