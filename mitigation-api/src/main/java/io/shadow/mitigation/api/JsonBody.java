package io.shadow.mitigation.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shadow.features.json.EventCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A request body that is a JSON object with known fields. Decisions are read strictly: a misspelt
 * field is refused before anything acts, not dropped (approving without the comment the caller
 * meant to record). Agent acknowledgements keep unknown fields: an agent cannot act on a refusal, so
 * a refused acknowledgement leaves the command pending until the agent is fixed (an ack is read before
 * its idempotency key is reserved, so a corrected one may reuse the key). Every body is exactly one
 * JSON value with each field once ({@link #STRICT}).
 */
final class JsonBody {
    /** The start of every 400 for a body that is not JSON, or not JSON this route can read. */
    static final String NOT_JSON = "request body is not valid JSON for this endpoint: ";
    /**
     * Exactly one JSON value, each field once: with a second value or a repeated field, which one
     * counts would be a parser's choice, not the caller's (the docs promise only the documented fields).
     */
    static final ObjectReader STRICT = ServiceApp.JSON.reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private JsonBody() {
    }

    /**
     * {@code body} as an object (an empty body is {@code {}}); 400 when it is not an object, showing
     * {@code example}, or when it has a field outside {@code known}, naming it and the known ones.
     *
     * @param what the request, as the message names it: "approve", "an agent ack"
     */
    static ObjectNode object(String body, String what, Set<String> known, String example) {
        ObjectNode object = anyObject(body, what, example);
        List<String> unknown = unknown(object, known);
        if (!unknown.isEmpty()) {
            throw new ApiError(400, "unknown field '" + unknown.get(0) + "' in the body of " + what + "; known fields: "
                    + known.stream().sorted().toList() + "; nothing was changed");
        }
        return object;
    }

    /** {@code body} as an object (an empty body is {@code {}}), whatever its fields; 400 when it is not an object. */
    static ObjectNode anyObject(String body, String what, String example) {
        JsonNode json;
        try {
            json = body.isBlank() ? ServiceApp.JSON.createObjectNode() : STRICT.readTree(body);
        } catch (JsonProcessingException e) {
            throw new ApiError(400, NOT_JSON + problem(e) + "; send a JSON object such as " + example);
        }
        if (!(json instanceof ObjectNode object)) {
            throw new ApiError(400, "the body of " + what + " must be a JSON object such as " + example);
        }
        return object;
    }

    /**
     * What is wrong with a body Jackson could not read, in plain words with its line and column: no
     * parser internals ("[Source: REDACTED …]", class names, feature names).
     */
    static String problem(JsonProcessingException e) {
        String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        String at = location(e.getLocation());
        if (e instanceof UnrecognizedPropertyException u) {
            return "unknown field '" + u.getPropertyName() + "'" + at + "; known fields: "
                    + u.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList();
        }
        String limit = EventCodec.overLimit(e);
        if (limit != null) {
            return limit;
        }
        if (message.startsWith("No content to map")) {
            return "the body is empty";
        }
        if (message.startsWith("Unexpected end-of-input")) {
            return "unexpected end of input" + at + ": the JSON stops before an object, array or string is closed";
        }
        if (message.startsWith("Trailing token")) {
            return "more than one JSON value: another one follows the first" + at + "; the body must be exactly one";
        }
        if (message.startsWith("Duplicate field ")) {
            return "field " + message.substring("Duplicate field ".length()) + " appears twice" + at
                    + "; which one was meant is unknown, so send each field once";
        }
        String plain = message.replaceAll("\\s*\\(start marker at \\[Source:[^\\]]*\\]\\)", "")
                .replaceAll("\\s*(at )?\\[Source:[^\\]]*\\]", "").trim();
        String field = e instanceof JsonMappingException m && !m.getPath().isEmpty() ? " (field '" + m.getPath()
                .stream().map(r -> r.getFieldName() != null ? r.getFieldName() : String.valueOf(r.getIndex()))
                .collect(Collectors.joining(".")) + "')" : "";
        return (plain.isEmpty() ? "unreadable JSON" : Character.toLowerCase(plain.charAt(0)) + plain.substring(1))
                + field + at;
    }

    private static String location(JsonLocation l) {
        return l == null || l.getLineNr() < 1 ? "" : " at line " + l.getLineNr() + ", column " + l.getColumnNr();
    }

    /** The fields of {@code object} outside {@code known}, in their order. */
    static List<String> unknown(ObjectNode object, Set<String> known) {
        List<String> unknown = new ArrayList<>();
        object.fieldNames().forEachRemaining(name -> {
            if (!known.contains(name)) {
                unknown.add(name);
            }
        });
        return unknown;
    }
}
