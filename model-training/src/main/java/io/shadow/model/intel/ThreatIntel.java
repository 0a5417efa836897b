package io.shadow.model.intel;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Threat indicators indexed for online matching: IPv4/IPv6 addresses and CIDR ranges in a sorted
 * range map (a lookup is a floor search, not a scan; overlapping ranges are merged at build time
 * keeping the highest confidence), user agents by exact value.
 */
public final class ThreatIntel {
    private static final Pattern IP_CHARS = Pattern.compile("[0-9A-Fa-f:.]+(/\\d{1,3})?");
    public static final ThreatIntel EMPTY = new Builder().build();

    private record Range(BigInteger start, BigInteger end, ThreatMatch match) {
    }

    private final TreeMap<BigInteger, Range> ranges;
    private final Map<String, ThreatMatch> userAgents;

    private ThreatIntel(TreeMap<BigInteger, Range> ranges, Map<String, ThreatMatch> userAgents) {
        this.ranges = ranges;
        this.userAgents = userAgents;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Parses a plain blocklist: one IP or CIDR per line, '#' or ';' comments, blank lines ignored. */
    public static ThreatIntel fromBlocklist(List<String> lines, String source, double confidence) {
        Builder b = builder();
        int n = 0;
        for (String raw : lines) {
            n++;
            String line = raw.strip();
            int hash = line.indexOf('#');
            int semi = line.indexOf(';');
            int cut = hash < 0 ? semi : semi < 0 ? hash : Math.min(hash, semi);
            if (cut >= 0) {
                line = line.substring(0, cut).strip();
            }
            if (line.isEmpty()) {
                continue;
            }
            try {
                b.addNetwork(line, source, confidence);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("threat feed " + source + " line " + n + ": " + e.getMessage(), e);
            }
        }
        return b.build();
    }

    public Optional<ThreatMatch> matchIp(String ip) {
        if (ip == null || ranges.isEmpty()) {
            return Optional.empty();
        }
        BigInteger v;
        try {
            v = toNumber(ip);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        var floor = ranges.floorEntry(v);
        if (floor != null && floor.getValue().end().compareTo(v) >= 0) {
            return Optional.of(floor.getValue().match());
        }
        return Optional.empty();
    }

    public Optional<ThreatMatch> matchUserAgent(String ua) {
        return ua == null ? Optional.empty() : Optional.ofNullable(userAgents.get(ua));
    }

    public int size() {
        return ranges.size() + userAgents.size();
    }

    /** IPv4 addresses map into the IPv4-mapped IPv6 space so both families share one index. */
    static BigInteger toNumber(String ip) {
        if (!IP_CHARS.matcher(ip).matches()) {
            throw new IllegalArgumentException("'" + ip + "' is not an IP address");
        }
        try {
            byte[] b = InetAddress.getByName(ip).getAddress();
            BigInteger v = new BigInteger(1, b);
            return b.length == 4 ? v.or(BigInteger.valueOf(0xffffL).shiftLeft(32)) : v;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + ip + "' is not an IP address");
        }
    }

    /** Collects indicators, then builds the merged index. */
    public static final class Builder {
        private final List<Range> pending = new ArrayList<>();
        private final Map<String, ThreatMatch> userAgents = new HashMap<>();

        public Builder addNetwork(String indicator, String source, double confidence) {
            String s = indicator.strip();
            int slash = s.indexOf('/');
            String addr = slash < 0 ? s : s.substring(0, slash);
            if (!IP_CHARS.matcher(s).matches()) {
                throw new IllegalArgumentException("'" + s + "' is neither an IP address nor a CIDR range");
            }
            boolean v4 = addr.indexOf(':') < 0;
            int bits = v4 ? 32 : 128;
            int prefix = slash < 0 ? bits : Integer.parseInt(s.substring(slash + 1));
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("prefix /" + prefix + " of '" + s + "' is out of range 0-" + bits);
            }
            BigInteger base = toNumber(addr);
            BigInteger hostMask = BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE);
            BigInteger start = base.andNot(hostMask);
            pending.add(new Range(start, start.or(hostMask),
                    new ThreatMatch(s, slash < 0 ? (v4 ? "ipv4" : "ipv6") : "cidr", source, confidence)));
            return this;
        }

        public Builder addUserAgent(String ua, String source, double confidence) {
            userAgents.put(ua, new ThreatMatch(ua, "user_agent", source, confidence));
            return this;
        }

        public Builder addAll(ThreatIntel other) {
            pending.addAll(other.ranges.values());
            userAgents.putAll(other.userAgents);
            return this;
        }

        public ThreatIntel build() {
            List<Range> sorted = new ArrayList<>(pending);
            sorted.sort((a, b) -> a.start().compareTo(b.start()));
            TreeMap<BigInteger, Range> merged = new TreeMap<>();
            Range cur = null;
            for (Range r : sorted) {
                if (cur != null && r.start().compareTo(cur.end().add(BigInteger.ONE)) <= 0) {
                    BigInteger end = cur.end().max(r.end());
                    ThreatMatch keep = r.match().confidence() > cur.match().confidence() ? r.match() : cur.match();
                    cur = new Range(cur.start(), end, keep);
                } else {
                    if (cur != null) {
                        merged.put(cur.start(), cur);
                    }
                    cur = r;
                }
            }
            if (cur != null) {
                merged.put(cur.start(), cur);
            }
            return new ThreatIntel(merged, Map.copyOf(userAgents));
        }
    }
}
