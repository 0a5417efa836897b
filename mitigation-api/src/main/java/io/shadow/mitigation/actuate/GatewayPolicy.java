package io.shadow.mitigation.actuate;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules the gateway decision endpoint enforces, indexed by principal, resource and host so a
 * decision looks at only the rules that can match. Deny beats throttle beats allow; expired rules
 * are ignored (and removed by the expiry sweep). Throttling counts per rule over a sliding minute: at
 * most {@code perMinute} requests pass in any 60 seconds, the first of them at once (no burst on top).
 *
 * <p>Tenant ids are compared as they are: {@code ACME} is not {@code acme}. A gateway that names a
 * tenant without rules while a tenant differing only in case has some (most likely a mistyped
 * SHADOW_TENANT, which lets every request pass) is still allowed, but the reason says so and a
 * warning names the tenant once; at most {@link #MAX_WARNED_TENANTS} are remembered, as a gateway
 * can name any string.
 */
public final class GatewayPolicy {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayPolicy.class);
    /** Tenants differing only in case warned about; past this many, their decisions still say so unlogged. */
    static final int MAX_WARNED_TENANTS = 1024;

    /** One rule; null fields match anything. */
    public record Rule(String id, String effect, String tenant, String principal, String resource, String host,
            int perMinute, Instant expiresAt, String reason) {
    }

    private final Clock clock;
    /** Principals compared whatever their case (mitigation.gateway.principal-case: ignore). */
    private final boolean ignorePrincipalCase;
    private final Map<String, Rule> byId = new ConcurrentHashMap<>();
    private final Map<String, List<Rule>> byPrincipal = new ConcurrentHashMap<>();
    private final Map<String, List<Rule>> byResource = new ConcurrentHashMap<>();
    /** How many resource rules have each resource length; written under the policy's lock. */
    private final Map<Integer, Integer> resourceLengthCounts = new java.util.HashMap<>();
    /** The lengths of {@link #resourceLengthCounts}, ascending: what a decision looks a resource up by. */
    private volatile int[] resourceLengths = new int[0];
    private final Map<String, List<Rule>> byHost = new ConcurrentHashMap<>();
    private final Map<String, SlidingMinute> buckets = new ConcurrentHashMap<>();
    /**
     * Rules held per tenant, grouped by the tenant in lower case: whether a tenant has rules, and
     * which tenants differ from it only in case, is one look-up.
     */
    private final Map<String, Map<String, Integer>> rulesByFoldedTenant = new ConcurrentHashMap<>();
    /** Guarded by {@link #warnOnce}'s lock. */
    private final Set<String> warnedTenants = new HashSet<>();
    /** Bumped by every change of the rules: a cached explanation of an earlier version is recomputed. */
    private volatile long rulesVersion;
    /** The explained allow per tenant differing only in case (at most {@link #MAX_WARNED_TENANTS}). */
    private final Map<String, Explained> explained = new ConcurrentHashMap<>();

    /** An explanation, good while the rules are those of {@code rulesVersion} and none it counted has expired. */
    private record Explained(long rulesVersion, Instant validUntil, GatewayDecision decision) {
        boolean holds(long version, Instant now) {
            return rulesVersion == version && now.isBefore(validUntil);
        }
    }

    /** Principals compared exactly (the default). */
    public GatewayPolicy(Clock clock) {
        this(clock, false);
    }

    /** With {@code ignorePrincipalCase}, a rule on {@code alice} also decides for {@code ALICE}. */
    public GatewayPolicy(Clock clock, boolean ignorePrincipalCase) {
        this.clock = clock;
        this.ignorePrincipalCase = ignorePrincipalCase;
    }

    /**
     * Whether {@code a} and {@code b} name the same principal for the gateway (null never does): by the
     * same fold the rule index uses, so no name can match a rule here and miss it there ({@code
     * equalsIgnoreCase} takes {@code alıce}, with a dotless i, for {@code alice}; the index does not).
     */
    public boolean samePrincipal(String a, String b) {
        return a != null && b != null && principalKey(a).equals(principalKey(b));
    }

    private String principalKey(String principal) {
        return principalKey(principal, ignorePrincipalCase);
    }

    /**
     * The form in which principals are compared: as given, or with {@code ignoreCase} folded to lower case
     * (the same fold wherever Shadow matches principals: gateway rules, the keys a rotation replaces).
     */
    public static String principalKey(String principal, boolean ignoreCase) {
        return principal == null || !ignoreCase ? principal : principal.toLowerCase(java.util.Locale.ROOT);
    }

    /** Adds (or replaces, by id) a rule; writers are serialised, decisions read without a lock. */
    public synchronized void add(Rule r) {
        if (byId.containsKey(r.id())) {
            remove(r.id()); // from the indexes too: the replaced rule must not decide beside its replacement
        }
        rulesVersion++;
        byId.put(r.id(), r);
        String t = tenant(r.tenant());
        rulesByFoldedTenant.computeIfAbsent(folded(t), k -> new ConcurrentHashMap<>()).merge(t, 1, Integer::sum);
        if (r.principal() != null) {
            byPrincipal.computeIfAbsent(key(r.tenant(), principalKey(r.principal())), k -> new CopyOnWriteArrayList<>())
                    .add(r);
        } else if (r.resource() != null) {
            byResource.computeIfAbsent(key(r.tenant(), r.resource()), k -> new CopyOnWriteArrayList<>()).add(r);
            countResourceLength(r.resource().length(), 1);
        } else if (r.host() != null) {
            byHost.computeIfAbsent(key(r.tenant(), r.host()), k -> new CopyOnWriteArrayList<>()).add(r);
        }
        if ("throttle".equals(r.effect())) {
            buckets.put(r.id(), new SlidingMinute(r.perMinute(), clock));
        }
    }

    public synchronized boolean remove(String ruleId) {
        Rule r = byId.remove(ruleId);
        if (r == null) {
            return false;
        }
        rulesVersion++;
        for (Map<String, List<Rule>> index : List.of(byPrincipal, byResource, byHost)) {
            index.values().forEach(list -> list.removeIf(x -> x.id().equals(ruleId)));
        }
        if (r.principal() == null && r.resource() != null) {
            countResourceLength(r.resource().length(), -1);
        }
        buckets.remove(ruleId);
        uncount(r);
        return true;
    }

    public int size() {
        return byId.size();
    }

    /** The ids of the rules held (a copy). */
    public Set<String> ids() {
        return new HashSet<>(byId.keySet());
    }

    /** Decides for one request; any argument may be null when the gateway does not know it. */
    public GatewayDecision decide(String tenant, String principal, String resource, String host) {
        Instant now = clock.instant();
        GatewayDecision throttled = null;
        for (List<Rule> rules : List.of(get(byPrincipal, tenant, principalKey(principal)),
                resourceRules(tenant, resource), get(byHost, tenant, host))) {
            for (Rule r : rules) {
                if (!matches(r, principal, resource, host, now)) {
                    continue;
                }
                if ("deny".equals(r.effect())) {
                    return new GatewayDecision("deny", r.id(), r.reason(), 0);
                }
                if (throttled == null || "allow".equals(throttled.verdict())) {
                    SlidingMinute b = buckets.get(r.id());
                    long wait = b == null ? 0 : b.tryTake();
                    if (wait > 0 && r.expiresAt() != null) {
                        // the rule ends first: a client told to wait longer would wait for nothing
                        long ends = (java.time.Duration.between(now, r.expiresAt()).toMillis() + 999) / 1000;
                        wait = Math.max(1, Math.min(wait, ends));
                    }
                    throttled = wait > 0 ? new GatewayDecision("throttle", r.id(), r.reason(), wait)
                            : new GatewayDecision("allow", r.id(), "within the rate limit", 0);
                }
            }
        }
        return throttled != null ? throttled : noRuleApplies(tenant(tenant), now);
    }

    /**
     * {@link GatewayDecision#ALLOW}, unless {@code tenant} has no rules and tenants differing from it
     * only in case have rules in force: then an allow whose reason names them.
     */
    private GatewayDecision noRuleApplies(String tenant, Instant now) {
        Map<String, Integer> variants = rulesByFoldedTenant.get(folded(tenant));
        if (variants == null || variants.containsKey(tenant)) {
            return GatewayDecision.ALLOW;
        }
        // a misconfigured gateway asks this for every request: explain once per change of the rules
        long version = rulesVersion;
        Explained cached = explained.get(tenant);
        if (cached != null && cached.holds(version, now)) {
            return cached.decision();
        }
        Explained fresh = explain(tenant, variants.keySet(), version, now);
        if (explained.size() < MAX_WARNED_TENANTS || explained.containsKey(tenant)) {
            explained.put(tenant, fresh);
        }
        return fresh.decision();
    }

    /** The allow for {@code tenant}, naming the {@code variants} (same tenant but for case) with rules in force. */
    private Explained explain(String tenant, Set<String> variants, long version, Instant now) {
        Map<String, Integer> inForce = new TreeMap<>();
        variants.forEach(t -> inForce.put(t, 0));
        Instant validUntil = Instant.MAX;
        for (Rule r : byId.values()) {
            if (inForce(r, now) && inForce.containsKey(tenant(r.tenant()))) {
                inForce.merge(tenant(r.tenant()), 1, Integer::sum);
                if (r.expiresAt() != null && r.expiresAt().isBefore(validUntil)) {
                    validUntil = r.expiresAt();
                }
            }
        }
        inForce.values().removeIf(n -> n == 0);
        if (inForce.isEmpty()) {
            return new Explained(version, validUntil, GatewayDecision.ALLOW);
        }
        List<String> counts = new ArrayList<>();
        inForce.forEach((t, n) -> counts.add("tenant '" + t + "' has " + n + " active rule" + (n == 1 ? "" : "s")));
        String reason = "no rule applies to tenant '" + tenant + "'; " + String.join(", ", counts)
                + " (tenant ids are case-sensitive: check the gateway's SHADOW_TENANT)";
        warnOnce(tenant, reason, inForce.keySet());
        return new Explained(version, validUntil, new GatewayDecision("allow", null, reason, 0));
    }

    private synchronized void warnOnce(String tenant, String reason, Set<String> meant) {
        if (warnedTenants.size() >= MAX_WARNED_TENANTS || !warnedTenants.add(tenant)) {
            return;
        }
        int tenants = rulesByFoldedTenant.values().stream().mapToInt(Map::size).sum();
        LOG.warn("{} (gateway rules exist for {} tenant(s); did the gateway mean {}?)", reason, tenants,
                String.join(" or ", meant));
        if (warnedTenants.size() == MAX_WARNED_TENANTS) {
            LOG.warn("warned about {} tenants that differ only in case from a tenant with gateway rules; further "
                    + "ones are not logged, their decisions still say so", MAX_WARNED_TENANTS);
        }
    }

    private void uncount(Rule r) {
        String t = tenant(r.tenant());
        rulesByFoldedTenant.computeIfPresent(folded(t), (f, counts) -> {
            counts.computeIfPresent(t, (k, n) -> n > 1 ? n - 1 : null);
            return counts.isEmpty() ? null : counts;
        });
    }

    private static String folded(String tenant) {
        return tenant.toLowerCase(java.util.Locale.ROOT);
    }

    private static boolean inForce(Rule r, Instant now) {
        return r.expiresAt() == null || now.isBefore(r.expiresAt());
    }

    private boolean matches(Rule r, String principal, String resource, String host, Instant now) {
        if (!inForce(r, now)) {
            return false;
        }
        return (r.principal() == null || samePrincipal(r.principal(), principal))
                && (r.resource() == null || within(resource, r.resource()))
                && (r.host() == null || r.host().equals(host));
    }

    /**
     * A rule on a resource covers everything under it: {@code /finance} covers {@code /finance/q1.csv},
     * and so does {@code /finance/} (a folder or prefix named with its slash), which also covers
     * {@code /finance} itself.
     */
    static boolean within(String resource, String ruleResource) {
        if (resource == null) {
            return false;
        }
        if (ruleResource.endsWith("/")) {
            return resource.startsWith(ruleResource)
                    || resource.length() == ruleResource.length() - 1 && ruleResource.startsWith(resource);
        }
        return resource.equals(ruleResource) || (resource.startsWith(ruleResource)
                && resource.charAt(ruleResource.length()) == '/');
    }

    /**
     * The rules that may cover {@code resource}: those on a prefix of it as long as some rule's
     * resource ({@code /finance} and {@code /finance/} for {@code /finance/q1.csv}; {@code /} for every
     * path), and on the resource with its folder slash ({@code /shared/} for {@code /shared});
     * {@link #within} then says which do. One look-up per distinct length of the resources with rules,
     * whatever the path's depth: an 8 KiB path of 4,000 segments costs what {@code /x} does.
     */
    private List<Rule> resourceRules(String tenant, String resource) {
        if (resource == null || byResource.isEmpty()) {
            return List.of();
        }
        List<Rule> out = new ArrayList<>();
        for (int length : resourceLengths) {
            if (length > resource.length() + 1) {
                break;
            }
            String candidate = length == resource.length() + 1 ? resource + "/" : resource.substring(0, length);
            out.addAll(get(byResource, tenant, candidate));
        }
        return out;
    }

    private void countResourceLength(int length, int delta) {
        resourceLengthCounts.merge(length, delta, (a, b) -> a + b == 0 ? null : a + b);
        resourceLengths = resourceLengthCounts.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    private static List<Rule> get(Map<String, List<Rule>> index, String tenant, String value) {
        return value == null ? List.of() : index.getOrDefault(key(tenant, value), List.of());
    }

    private static String key(String tenant, String v) {
        return tenant(tenant) + "\u0000" + v;
    }

    private static String tenant(String tenant) {
        return tenant == null ? "default" : tenant;
    }

    /**
     * At most {@code perMinute} requests in any 60 seconds, exactly: the times of the requests let
     * through in the last minute, oldest first, in a ring that grows with the traffic (never beyond
     * {@code perMinute} entries), so a rule of 20 a minute holds 20 times and a generous one costs
     * only what its traffic uses.
     */
    static final class SlidingMinute {
        private static final long MINUTE_NANOS = 60_000_000_000L;
        private final int perMinute;
        private final Clock clock;
        private long[] times = new long[8];
        private int head;
        private int size;

        SlidingMinute(int perMinute, Clock clock) {
            this.perMinute = perMinute;
            this.clock = clock;
        }

        /** 0 if a request may pass now (it is counted), else the whole seconds until one may. */
        synchronized long tryTake() {
            long now = nanos();
            if (size > 0 && times[(head + size - 1) % times.length] > now) {
                // the clock stepped back: what was counted happened at the latest now, not in the future
                for (int i = 0; i < size; i++) {
                    int at = (head + i) % times.length;
                    times[at] = Math.min(times[at], now);
                }
            }
            while (size > 0 && now - times[head] >= MINUTE_NANOS) {
                head = (head + 1) % times.length;
                size--;
            }
            if (size >= perMinute) {
                long waitNanos = times[head] + MINUTE_NANOS - now;
                return Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
            }
            if (size == times.length) {
                long[] grown = new long[(int) Math.min((long) perMinute, 2L * times.length)];
                for (int i = 0; i < size; i++) {
                    grown[i] = times[(head + i) % times.length];
                }
                times = grown;
                head = 0;
            }
            times[(head + size) % times.length] = now;
            size++;
            return 0;
        }

        private long nanos() {
            Instant i = clock.instant();
            return i.getEpochSecond() * 1_000_000_000L + i.getNano();
        }
    }
}
