package io.shadow.mitigation.actuate;

/**
 * The answer to a gateway asking whether a request may pass.
 *
 * @param verdict {@code allow}, {@code deny} or {@code throttle}
 * @param retryAfterSeconds for throttle: when the next request would pass
 */
public record GatewayDecision(String verdict, String ruleId, String reason, long retryAfterSeconds) {
    public static final GatewayDecision ALLOW = new GatewayDecision("allow", null, "no rule applies", 0);

    /** How much this holds a request back: deny, then throttle, then an allow under a rule, then a plain allow. */
    public int strictness() {
        return switch (verdict) {
            case "deny" -> 3;
            case "throttle" -> 2;
            default -> ruleId == null ? 0 : 1;
        };
    }

    public int httpStatus() {
        return switch (verdict) {
            case "deny" -> 403;
            case "throttle" -> 429;
            default -> 200;
        };
    }
}
