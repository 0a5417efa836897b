package io.shadow.model.intel;

import io.shadow.model.intel.feed.BlocklistParser;
import io.shadow.model.intel.index.IpRangeIndex;
import io.shadow.model.intel.index.ValueIndex;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Threat indicators indexed for online matching. IPs and CIDR ranges (IPv4 and IPv6) sit in a
 * sorted nested-range index, everything else in hash maps, so a look-up never scans. Each indicator
 * matches only inside its validity window at the observed time; revoked ones and versions superseded
 * by a newer {@code modified} of the same feed object are dropped when the index is built. When
 * several indicators match, the highest confidence wins (ties: the most specific).
 *
 * <p>Domains match exactly or as a parent: indicator {@code example.com} matches
 * {@code evil.example.com}, never the other way round.
 */
public final class ThreatIntel {
    public static final ThreatIntel EMPTY = builder().build();

    private final List<Indicator> indicators;
    private final IpRangeIndex networks;
    private final Map<IndicatorType, ValueIndex> values;

    private ThreatIntel(List<Indicator> indicators) {
        this.indicators = List.copyOf(indicators);
        this.networks = IpRangeIndex.of(this.indicators);
        Map<IndicatorType, List<Indicator>> byType = new EnumMap<>(IndicatorType.class);
        for (Indicator i : this.indicators) {
            if (!i.type().isNetwork()) {
                byType.computeIfAbsent(i.type(), t -> new ArrayList<>()).add(i);
            }
        }
        this.values = new EnumMap<>(IndicatorType.class);
        byType.forEach((t, l) -> values.put(t, ValueIndex.of(l)));
    }

    /** Ignoring network indicators out of {@link NetworkScope#DEFAULT}. */
    public static Builder builder() {
        return new Builder(NetworkScope.DEFAULT);
    }

    /** Ignoring network indicators out of {@code scope} (see {@link Builder#ignored}). */
    public static Builder builder(NetworkScope scope) {
        return new Builder(scope);
    }

    /** Parses a plain blocklist: one IP or CIDR per line, '#' or ';' comments, blank lines ignored. */
    public static ThreatIntel fromBlocklist(List<String> lines, String source, double confidence) {
        return builder().addAll(BlocklistParser.parse(lines, source, confidence)).build();
    }

    /** Matches now; see {@link #matchIp(String, Instant)}. */
    public Optional<ThreatMatch> matchIp(String ip) {
        return matchIp(ip, Instant.now());
    }

    public Optional<ThreatMatch> matchIp(String ip, Instant at) {
        return result(networks.match(ip, at));
    }

    /** Exact domain or a subdomain of an indicator domain. */
    public Optional<ThreatMatch> matchDomain(String domain, Instant at) {
        ValueIndex ix = values.get(IndicatorType.DOMAIN);
        String d = normalized(IndicatorType.DOMAIN, domain);
        return ix == null || d == null ? Optional.empty() : result(ix.domainOrParent(d, at));
    }

    /** The URL itself (normalised), else its host as an IP or domain. */
    public Optional<ThreatMatch> matchUrl(String url, Instant at) {
        ValueIndex ix = values.get(IndicatorType.URL);
        String u = normalized(IndicatorType.URL, url);
        Optional<ThreatMatch> exact = ix == null || u == null ? Optional.empty() : result(ix.exact(u, at));
        if (exact.isPresent()) {
            return exact;
        }
        String host = Observables.urlHost(url);
        Optional<ThreatMatch> byIp = matchIp(host, at);
        return byIp.isPresent() ? byIp : matchDomain(host, at);
    }

    /** An MD5, SHA-1 or SHA-256 hash, told apart by length. */
    public Optional<ThreatMatch> matchHash(String hash, Instant at) {
        IndicatorType t = Observables.guess(hash);
        if (t == null || !t.isHash() || !values.containsKey(t)) {
            return Optional.empty();
        }
        return result(values.get(t).exact(normalized(t, hash), at));
    }

    /** Matches now; see {@link #matchUserAgent(String, Instant)}. */
    public Optional<ThreatMatch> matchUserAgent(String ua) {
        return matchUserAgent(ua, Instant.now());
    }

    /** The exact user-agent string (leading and trailing blanks ignored). */
    public Optional<ThreatMatch> matchUserAgent(String ua, Instant at) {
        ValueIndex ix = values.get(IndicatorType.USER_AGENT);
        return ix == null || ua == null || ua.isBlank() ? Optional.empty() : result(ix.exact(ua.strip(), at));
    }

    /** A free-form value (e.g. a resource id) matched as whatever it looks like: URL, hash, IP or domain. */
    public Optional<ThreatMatch> matchObservable(String value, Instant at) {
        IndicatorType t = Observables.guess(value);
        if (t == null) {
            return Optional.empty();
        }
        return switch (t) {
            case URL -> matchUrl(value, at);
            case MD5, SHA1, SHA256 -> matchHash(value, at);
            case IPV4, IPV6, CIDR -> matchIp(value, at);
            case DOMAIN -> matchDomain(value, at);
            case USER_AGENT -> Optional.empty();
        };
    }

    /** Indicators held (active or not at any given time). */
    public int size() {
        return indicators.size();
    }

    public List<Indicator> indicators() {
        return indicators;
    }

    private static String normalized(IndicatorType t, String value) {
        try {
            return value == null ? null : Observables.normalize(t, value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Optional<ThreatMatch> result(Indicator i) {
        return i == null ? Optional.empty() : Optional.of(i.toMatch());
    }

    /**
     * Collects indicators, keeps the newest version of each feed object, then builds the index. Network
     * indicators out of its {@link NetworkScope} are ignored, whatever they come from (a table written
     * before the scope was enforced, a fixed list): the index never matches the whole Internet or
     * internal addresses.
     */
    public static final class Builder {
        private final List<Indicator> pending = new ArrayList<>();
        private final List<FeedBatch.Refused> ignored = new ArrayList<>();
        private final NetworkScope scope;

        private Builder(NetworkScope scope) {
            this.scope = java.util.Objects.requireNonNull(scope, "scope");
        }

        public Builder add(Indicator i) {
            Optional<NetworkScope.Refusal> r = i.revoked() ? Optional.empty() : scope.refusal(i);
            if (r.isPresent()) {
                ignored.add(new FeedBatch.Refused(i.source(), i.id(), i.value(), r.get()));
            } else {
                pending.add(i);
            }
            return this;
        }

        /** The network indicators left out as out of scope, in the order added. */
        public List<FeedBatch.Refused> ignored() {
            return List.copyOf(ignored);
        }

        /** An IP or CIDR from a list without versions or windows. */
        public Builder addNetwork(String indicator, String source, double confidence) {
            IndicatorType t = Observables.networkType(indicator);
            return add(Indicator.listed(t, Observables.normalize(t, indicator), source, confidence));
        }

        public Builder addUserAgent(String ua, String source, double confidence) {
            return add(Indicator.listed(IndicatorType.USER_AGENT, ua.strip(), source, confidence));
        }

        public Builder addAll(FeedBatch batch) {
            batch.indicators().forEach(this::add);
            return this;
        }

        public Builder addAll(ThreatIntel other) {
            other.indicators.forEach(this::add);
            return this;
        }

        public ThreatIntel build() {
            Map<String, Instant> newest = new HashMap<>();
            for (Indicator i : pending) {
                if (i.modified() != null) {
                    newest.merge(i.objectId(), i.modified(), (a, b) -> a.isAfter(b) ? a : b);
                }
            }
            Map<String, Indicator> live = new HashMap<>();
            for (Indicator i : pending) {
                Instant v = newest.get(i.objectId());
                boolean superseded = v != null && (i.modified() == null || i.modified().isBefore(v));
                if (!superseded) {
                    live.put(i.id(), i);
                }
            }
            return new ThreatIntel(live.values().stream().filter(i -> !i.revoked()).toList());
        }
    }
}
