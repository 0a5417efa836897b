package io.shadow.model.intel;

import io.shadow.model.intel.index.IpBlock;
import java.util.List;
import java.util.Optional;

/**
 * Which network indicators (IPs and CIDR ranges) may be threat intelligence. A range wider than
 * {@code minPrefixIpv4} / {@code minPrefixIpv6} would match the whole Internet or a large part of it,
 * and an address or range in private, loopback, link-local, shared (CGNAT), multicast or reserved
 * space ("bogons", which FireHOL level1 lists on purpose) would match internal traffic: neither is
 * loaded, so one such feed line cannot send every first anomaly to the emergency path.
 *
 * <p>Documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) are left
 * alone: no real traffic comes from them, so they can match nothing that matters.
 *
 * @param minPrefixIpv4 the shortest IPv4 prefix loaded ({@code intel.min-prefix-ipv4}, 0-32)
 * @param minPrefixIpv6 the shortest IPv6 prefix loaded ({@code intel.min-prefix-ipv6}, 0-128)
 */
public record NetworkScope(int minPrefixIpv4, int minPrefixIpv6) {
    /** The shortest IPv4 prefix loaded by default: a /8 is 16.7 million addresses, anything wider is refused. */
    public static final int DEFAULT_MIN_PREFIX_IPV4 = 8;
    /** The shortest IPv6 prefix loaded by default: a /32 is a regional registry's usual allocation to one ISP. */
    public static final int DEFAULT_MIN_PREFIX_IPV6 = 32;
    public static final NetworkScope DEFAULT = new NetworkScope(DEFAULT_MIN_PREFIX_IPV4, DEFAULT_MIN_PREFIX_IPV6);

    /** Why a network indicator is not loaded, with the kind of space for per-reason counts. */
    public record Refusal(String reason, String why) {
    }

    private record Special(IpBlock block, String reason, String name) {
    }

    // IANA special-purpose registries (RFC 6890): space that is never a remote attacker's address
    private static final List<Special> SPECIAL = List.of(
            special("0.0.0.0/8", "reserved", "'this network' 0.0.0.0/8 (RFC 1122)"),
            special("10.0.0.0/8", "private", "private range 10.0.0.0/8 (RFC 1918)"),
            special("100.64.0.0/10", "shared (CGNAT)",
                    "shared address space 100.64.0.0/10 (RFC 6598, carrier-grade NAT)"),
            special("127.0.0.0/8", "loopback", "loopback 127.0.0.0/8"),
            special("169.254.0.0/16", "link-local", "link-local 169.254.0.0/16 (RFC 3927)"),
            special("172.16.0.0/12", "private", "private range 172.16.0.0/12 (RFC 1918)"),
            special("192.0.0.0/24", "reserved", "IETF protocol assignments 192.0.0.0/24 (RFC 6890)"),
            special("192.168.0.0/16", "private", "private range 192.168.0.0/16 (RFC 1918)"),
            special("198.18.0.0/15", "reserved", "benchmarking 198.18.0.0/15 (RFC 2544)"),
            special("224.0.0.0/4", "multicast", "multicast 224.0.0.0/4"),
            special("240.0.0.0/4", "reserved", "reserved 240.0.0.0/4 (and broadcast 255.255.255.255)"),
            special("::/128", "unspecified", "the unspecified address ::"),
            special("::1/128", "loopback", "loopback ::1"),
            special("100::/64", "reserved", "discard-only 100::/64 (RFC 6666)"),
            special("fc00::/7", "private", "unique local fc00::/7 (RFC 4193)"),
            special("fe80::/10", "link-local", "link-local fe80::/10"),
            special("fec0::/10", "private", "site-local fec0::/10 (deprecated, RFC 3879)"),
            special("ff00::/8", "multicast", "multicast ff00::/8"));

    /** Ranges that would match a large part of the Internet: the reason counted per refusal. */
    public static final String TOO_BROAD = "too broad";

    public NetworkScope {
        if (minPrefixIpv4 < 0 || minPrefixIpv4 > 32) {
            throw new IllegalArgumentException("invalid intel.min-prefix-ipv4 = " + minPrefixIpv4
                    + "; expected a prefix length 0-32 (default " + DEFAULT_MIN_PREFIX_IPV4 + ")");
        }
        if (minPrefixIpv6 < 0 || minPrefixIpv6 > 128) {
            throw new IllegalArgumentException("invalid intel.min-prefix-ipv6 = " + minPrefixIpv6
                    + "; expected a prefix length 0-128 (default " + DEFAULT_MIN_PREFIX_IPV6 + ")");
        }
    }

    private static Special special(String cidr, String reason, String name) {
        return new Special(IpBlock.parse(cidr), reason, name);
    }

    /** Why {@code i} is not to be loaded, or empty: it is no network indicator, or one in scope. */
    public Optional<Refusal> refusal(Indicator i) {
        return i.type().isNetwork() ? refusal(i.value()) : Optional.empty();
    }

    /** Why the IP or CIDR {@code value} is not to be loaded, or empty when it is in scope. */
    public Optional<Refusal> refusal(String value) {
        IpBlock b = IpBlock.parse(value);
        // an IPv6 block inside ::ffff:0:0/96 is IPv4 space (IpBlock keeps both families in one space)
        boolean v4Space = b.v4() || (b.prefix() >= 96 && b.startHi() == 0 && (b.startLo() >>> 32) == 0xffffL);
        int prefix = b.v4() ? b.prefix() : v4Space ? b.prefix() - 96 : b.prefix();
        // a range wholly in special space is named for that space, however wide (fc00::/7 is private)
        for (Special s : SPECIAL) {
            if (s.block().contains(b.startHi(), b.startLo()) && s.block().contains(b.endHi(), b.endLo())) {
                return Optional.of(new Refusal(s.reason(), "it lies in " + s.name() + ": an address there is "
                        + "no threat indicator, it would match internal or local traffic"));
            }
        }
        int min = v4Space ? minPrefixIpv4 : minPrefixIpv6;
        if (prefix < min) {
            return Optional.of(new Refusal(TOO_BROAD, "/" + prefix + " is wider than intel.min-prefix-"
                    + (v4Space ? "ipv4" : "ipv6") + " = /" + min + " (it would match " + share(prefix, v4Space)
                    + ")"));
        }
        for (Special s : SPECIAL) {
            IpBlock r = s.block();
            if (b.contains(r.startHi(), r.startLo()) && b.contains(r.endHi(), r.endLo())) {
                return Optional.of(new Refusal(s.reason(), "it includes " + s.name() + ", so it would match "
                        + "internal or local traffic"));
            }
        }
        return Optional.empty();
    }

    private static String share(int prefix, boolean v4) {
        if (prefix == 0) {
            return "every " + (v4 ? "IPv4" : "IPv6") + " address";
        }
        return "1/" + (1L << Math.min(prefix, 62)) + " of the " + (v4 ? "IPv4" : "IPv6") + " Internet";
    }
}
