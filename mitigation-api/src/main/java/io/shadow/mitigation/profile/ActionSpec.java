package io.shadow.mitigation.profile;

import com.fasterxml.jackson.annotation.JsonFormat;
import io.shadow.mitigation.actuate.ActionType;
import java.time.Duration;
import java.util.Map;

/**
 * One action of a profile.
 *
 * @param expires how long the action stays in force before it is undone automatically; null = until
 *     a user rejects or modifies it
 */
public record ActionSpec(ActionType type, Map<String, String> params,
        @JsonFormat(shape = JsonFormat.Shape.STRING) Duration expires) {
    public ActionSpec {
        params = params == null ? Map.of() : Map.copyOf(params);
    }
}
