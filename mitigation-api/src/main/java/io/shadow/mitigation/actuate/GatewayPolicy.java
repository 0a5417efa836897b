package io.shadow.mitigation.actuate;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The rules the gateway decision endpoint enforces, indexed by principal, resource and host so a
 * decision looks at only the rules that can match. Deny beats throttle beats allow; expired rules
 * are ignored (and removed by the expiry sweep). Throttling is a token bucket per rule: up to
 * {@code perMinute} requests a minute.
 */
public final class GatewayPolicy {
    /** One rule; null fields match anything. */
    public record Rule(String id, String effect, String tenant, String principal, String resource, String host,
            int perMinute, Instant expiresAt, String reason) {
    }

    private final Clock clock;
    private final Map<String, Rule> byId = new ConcurrentHashMap<>();
    private final Map<String, List<Rule>> byPrincipal = new ConcurrentHashMap<>();
    private final Map<String, List<Rule>> byResource = new ConcurrentHashMap<>();
    private final Map<String, List<Rule>> byHost = new ConcurrentHashMap<>();
    private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();

    public GatewayPolicy(Clock clock) {
        this.clock = clock;
    }

    public void add(Rule r) {
        byId.put(r.id(), r);
        if (r.principal() != null) {
            byPrincipal.computeIfAbsent(key(r.tenant(), r.principal()), k -> new CopyOnWriteArrayList<>()).add(r);
        } else if (r.resource() != null) {
            byResource.computeIfAbsent(key(r.tenant(), r.resource()), k -> new CopyOnWriteArrayList<>()).add(r);
        } else if (r.host() != null) {
            byHost.computeIfAbsent(key(r.tenant(), r.host()), k -> new CopyOnWriteArrayList<>()).add(r);
        }
        if ("throttle".equals(r.effect())) {
            buckets.put(r.id(), new TokenBucket(r.perMinute(), clock));
        }
    }

    public boolean remove(String ruleId) {
        Rule r = byId.remove(ruleId);
        if (r == null) {
            return false;
        }
        for (Map<String, List<Rule>> index : List.of(byPrincipal, byResource, byHost)) {
            index.values().forEach(list -> list.removeIf(x -> x.id().equals(ruleId)));
        }
        buckets.remove(ruleId);
        return true;
    }

    public int size() {
        return byId.size();
    }

    /** Decides for one request; any argument may be null when the gateway does not know it. */
    public GatewayDecision decide(String tenant, String principal, String resource, String host) {
        Instant now = clock.instant();
        GatewayDecision throttled = null;
        for (List<Rule> rules : List.of(get(byPrincipal, tenant, principal), resourceRules(tenant, resource),
                get(byHost, tenant, host))) {
            for (Rule r : rules) {
                if (!matches(r, principal, resource, host, now)) {
                    continue;
                }
                if ("deny".equals(r.effect())) {
                    return new GatewayDecision("deny", r.id(), r.reason(), 0);
                }
                if (throttled == null || "allow".equals(throttled.verdict())) {
                    TokenBucket b = buckets.get(r.id());
                    long wait = b == null ? 0 : b.tryTake();
                    throttled = wait > 0 ? new GatewayDecision("throttle", r.id(), r.reason(), wait)
                            : new GatewayDecision("allow", r.id(), "within the rate limit", 0);
                }
            }
        }
        return throttled != null ? throttled : GatewayDecision.ALLOW;
    }

    private static boolean matches(Rule r, String principal, String resource, String host, Instant now) {
        if (r.expiresAt() != null && !now.isBefore(r.expiresAt())) {
            return false;
        }
        return (r.principal() == null || r.principal().equals(principal))
                && (r.resource() == null || within(resource, r.resource()))
                && (r.host() == null || r.host().equals(host));
    }

    /** A rule on a resource covers everything under it: {@code /finance} covers {@code /finance/q1.csv}. */
    static boolean within(String resource, String ruleResource) {
        return resource != null && (resource.equals(ruleResource) || (resource.startsWith(ruleResource)
                && (ruleResource.endsWith("/") || resource.charAt(ruleResource.length()) == '/')));
    }

    /** Rules on the resource and on each of its ancestors ({@code a/b/c}, {@code a/b}, {@code a}). */
    private List<Rule> resourceRules(String tenant, String resource) {
        if (resource == null || byResource.isEmpty()) {
            return List.of();
        }
        List<Rule> out = new java.util.ArrayList<>(get(byResource, tenant, resource));
        for (int i = resource.lastIndexOf('/'); i > 0; i = resource.lastIndexOf('/', i - 1)) {
            out.addAll(get(byResource, tenant, resource.substring(0, i)));
        }
        return out;
    }

    private static List<Rule> get(Map<String, List<Rule>> index, String tenant, String value) {
        return value == null ? List.of() : index.getOrDefault(key(tenant, value), List.of());
    }

    private static String key(String tenant, String v) {
        return (tenant == null ? "default" : tenant) + "\u0000" + v;
    }

    /** Refills {@code perMinute} tokens a minute, continuously. */
    private static final class TokenBucket {
        private final double capacity;
        private final double perSecond;
        private final Clock clock;
        private double tokens;
        private long lastNanos;

        TokenBucket(int perMinute, Clock clock) {
            this.capacity = perMinute;
            this.perSecond = perMinute / 60.0;
            this.clock = clock;
            this.tokens = perMinute;
            this.lastNanos = nanos();
        }

        /** 0 if a request may pass now, else the seconds until one may. */
        synchronized long tryTake() {
            long now = nanos();
            tokens = Math.min(capacity, tokens + (now - lastNanos) / 1e9 * perSecond);
            lastNanos = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - tokens) / perSecond));
        }

        private long nanos() {
            Instant i = clock.instant();
            return i.getEpochSecond() * 1_000_000_000L + i.getNano();
        }
    }
}
