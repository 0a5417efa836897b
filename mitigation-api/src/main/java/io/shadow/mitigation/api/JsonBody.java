package io.shadow.mitigation.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A request body that is a JSON object with known fields. Decisions are read strictly: a misspelt
 * field is refused before anything acts, not dropped (approving without the comment the caller
 * meant to record). Agent acknowledgements are not: an agent cannot act on a refusal, and a refused
 * acknowledgement would be replayed as refused under its idempotency key, the command pending for good.
 */
final class JsonBody {
    private JsonBody() {
    }

    /**
     * {@code body} as an object (an empty body is {@code {}}); 400 when it is not an object, showing
     * {@code example}, or when it has a field outside {@code known}, naming it and the known ones.
     *
     * @param what the request, as the message names it: "approve", "an agent ack"
     */
    static ObjectNode object(String body, String what, Set<String> known, String example)
            throws JsonProcessingException {
        ObjectNode object = anyObject(body, what, example);
        List<String> unknown = unknown(object, known);
        if (!unknown.isEmpty()) {
            throw new ApiError(400, "unknown field '" + unknown.get(0) + "' in the body of " + what + "; known fields: "
                    + known.stream().sorted().toList() + "; nothing was changed");
        }
        return object;
    }

    /** {@code body} as an object (an empty body is {@code {}}), whatever its fields; 400 when it is not an object. */
    static ObjectNode anyObject(String body, String what, String example) throws JsonProcessingException {
        JsonNode json = body.isBlank() ? ServiceApp.JSON.createObjectNode() : ServiceApp.JSON.readTree(body);
        if (!(json instanceof ObjectNode object)) {
            throw new ApiError(400, "the body of " + what + " must be a JSON object such as " + example);
        }
        return object;
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
