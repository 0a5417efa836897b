package io.shadow.mitigation.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.shadow.mitigation.profile.ActionRules;
import io.shadow.mitigation.profile.ActionSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The body of approve, reject and modify: an optional {@code comment} and, for modify, the
 * {@code actions}, checked by the rules profiles follow ({@link ActionRules}) before anything is
 * undone or recorded.
 *
 * @param actions null unless the decision is a modify
 */
record DecisionRequest(String comment, List<ActionSpec> actions) {
    static final String ACTIONS_EXAMPLE = "[{\"type\": \"rate_limit\", \"params\": {\"per_minute\": \"10\"}, "
            + "\"expires\": \"PT1H\"}, ...]";

    static DecisionRequest parse(String what, String body) throws JsonProcessingException {
        boolean modify = "modify".equals(what);
        JsonNode json = JsonBody.object(body, what, modify ? Set.of("comment", "actions") : Set.of("comment"),
                "{\"comment\": \"...\"}" + (modify ? " with \"actions\": " + ACTIONS_EXAMPLE : ""));
        String comment = RequestLimits.optionalText(json, "comment", RequestLimits.MAX_COMMENT_CHARS);
        return new DecisionRequest(comment, modify ? actions(json.path("actions")) : null);
    }

    private static List<ActionSpec> actions(JsonNode list) {
        if (!list.isArray() || list.isEmpty()) {
            throw new ApiError(400, "modify needs \"actions\": " + ACTIONS_EXAMPLE);
        }
        if (list.size() > RequestLimits.MAX_ACTIONS) {
            throw new ApiError(400, "modify takes at most " + RequestLimits.MAX_ACTIONS + " actions, got "
                    + list.size() + "; nothing was changed");
        }
        List<ActionSpec> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String at = "actions[" + i + "]";
            String type = list.get(i).path("type").asText("");
            ActionSpec spec = ActionRules.read(list.get(i), (pointer, message) -> problems.add(at
                    + (pointer.isEmpty() ? "" : "." + ActionRules.key(pointer))
                    + (type.isBlank() || pointer.equals("/type") ? "" : " (" + type + ")") + ": " + message));
            out.add(spec);
        }
        if (!problems.isEmpty()) {
            throw new ApiError(400, "modify refused, nothing was undone or recorded: " + String.join("; ", problems));
        }
        return out;
    }
}
