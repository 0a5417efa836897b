package io.shadow.mitigation.actuate;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Actions enforced by the gateway through {@link GatewayPolicy}: rate limits, restrictions,
 * lock-outs, resource shutdowns and host isolation (with an agent command to cut the host's
 * network where an agent runs).
 */
public final class GatewayActuator implements Actuator {
    /** The action types enforced at the gateway, by their wire names. */
    public static final java.util.List<String> TYPES = java.util.stream.Stream.of(ActionType.RATE_LIMIT,
            ActionType.RESTRICT, ActionType.LOCK_USER, ActionType.SHUTDOWN_RESOURCE, ActionType.ISOLATE_HOST)
            .map(ActionType::wireName).toList();
    private final ActionType type;
    private final GatewayPolicy policy;
    private final AgentCommands agents;

    public GatewayActuator(ActionType type, GatewayPolicy policy, AgentCommands agents) {
        if (!TYPES.contains(type.wireName())) {
            throw new IllegalArgumentException(type + " is not a gateway action");
        }
        this.type = type;
        this.policy = policy;
        this.agents = agents;
    }

    @Override
    public ActionType type() {
        return type;
    }

    @Override
    public Applied apply(ActionTarget t, Map<String, String> params, Instant expiresAt) {
        String id = "rule-" + UUID.randomUUID();
        GatewayPolicy.Rule rule = rule(id, t, params, expiresAt);
        policy.add(rule);
        String detail = switch (type) {
            case RATE_LIMIT -> "gateway throttles " + t.principal() + " to " + rule.perMinute() + " requests/min";
            case RESTRICT -> "gateway denies " + t.principal() + " access to " + t.resourceId();
            case LOCK_USER -> "gateway denies every request of " + t.principal();
            case SHUTDOWN_RESOURCE -> "gateway denies every request to " + t.resourceId();
            default -> "gateway denies traffic of host " + t.host();
        };
        if (type == ActionType.ISOLATE_HOST) {
            String cmd = agents.issue(t.tenant(), t.host(), "isolate_host", Map.of());
            return new Applied(id + " " + cmd, detail + "; agent command " + cmd + " cuts its network");
        }
        return new Applied(id, detail);
    }

    /** The gateway rule of an action's handle ({@code rule-… [cmd-…]}). */
    public static String ruleId(String handle) {
        int space = handle.indexOf(' ');
        return space < 0 ? handle : handle.substring(0, space);
    }

    @Override
    public boolean undo(String handle) {
        String[] parts = handle.split(" ");
        policy.remove(parts[0]);
        if (parts.length > 1) {
            agents.revoke(parts[1]);
        }
        return true;
    }

    @Override
    public Optional<String> wouldSkip(ActionTarget t, Map<String, String> params) {
        try {
            rule("dry-run", t, params, null); // builds the rule only: nothing is added
            return Optional.empty();
        } catch (NotApplicableException e) {
            return Optional.of(e.getMessage());
        }
    }

    @Override
    public void restore(ActionTarget t, Map<String, String> params, Instant expiresAt, String handle) {
        policy.add(rule(ruleId(handle), t, params, expiresAt));
    }

    private GatewayPolicy.Rule rule(String id, ActionTarget t, Map<String, String> params, Instant expiresAt) {
        return switch (type) {
            case RATE_LIMIT -> new GatewayPolicy.Rule(id, "throttle", t.tenant(), need(t.principal(), "a principal"),
                    null, null, Integer.parseInt(params.getOrDefault("per_minute", "20")), expiresAt, "rate limited");
            case RESTRICT -> new GatewayPolicy.Rule(id, "deny", t.tenant(), need(t.principal(), "a principal"),
                    need(t.resourceId(), "a resource"), null, 0, expiresAt, "restricted on " + t.resourceId());
            case LOCK_USER -> new GatewayPolicy.Rule(id, "deny", t.tenant(), need(t.principal(), "a principal"), null,
                    null, 0, expiresAt, "user locked out");
            case SHUTDOWN_RESOURCE -> new GatewayPolicy.Rule(id, "deny", t.tenant(), null,
                    notWhole(t.tenant(), need(t.resourceId(), "a resource")), null, 0, expiresAt, "resource shut down");
            default -> new GatewayPolicy.Rule(id, "deny", t.tenant(), null, null, need(t.host(), "a host"), 0,
                    expiresAt, "host isolated");
        };
    }

    /**
     * A resource that names a whole application or store rather than a part of it: the root path, a bare
     * scheme ({@code s3://}), a web application's root ({@code https://app.example.com/}), a drive. A rule on
     * it covers everything under it, so shutting it down would deny every request of the tenant to every user.
     */
    private static final java.util.regex.Pattern WHOLE = java.util.regex.Pattern.compile(
            "[/*\\\\]*|[A-Za-z][A-Za-z0-9+.-]*://|(?i:https?)://[^/?#]*[/]?|[A-Za-z]:[/\\\\]?");

    private String notWhole(String tenant, String resource) {
        if (WHOLE.matcher(resource.strip()).matches()) {
            throw new NotApplicableException("shutdown_resource on '" + resource + "' would deny every request of "
                    + "tenant " + tenant + " to every user (a rule on a resource covers everything under it), so it "
                    + "was not applied; the mitigation's actions on the principal (restrict, lock_user) contain "
                    + "the activity, or an operator shuts down a narrower resource with a modify");
        }
        return resource;
    }

    private String need(String v, String what) {
        if (v == null) {
            throw new NotApplicableException(type.wireName() + " needs " + what + " and the anomaly has none");
        }
        return v;
    }
}
