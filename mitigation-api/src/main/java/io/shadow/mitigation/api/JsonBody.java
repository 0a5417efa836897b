package io.shadow.mitigation.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * A request body that is a JSON object with known fields (decisions, agent acks), read strictly:
 * a misspelt field is refused before anything acts, not dropped (approving without the comment the
 * caller meant to record).
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
        JsonNode json = body.isBlank() ? ServiceApp.JSON.createObjectNode() : ServiceApp.JSON.readTree(body);
        if (!(json instanceof ObjectNode object)) {
            throw new ApiError(400, "the body of " + what + " must be a JSON object such as " + example);
        }
        for (var names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new ApiError(400, "unknown field '" + name + "' in the body of " + what + "; known fields: "
                        + known.stream().sorted().toList() + "; nothing was changed");
            }
        }
        return object;
    }
}
