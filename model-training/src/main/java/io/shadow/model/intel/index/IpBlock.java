package io.shadow.model.intel.index;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An IP address or CIDR block as an inclusive range of 128-bit numbers ({@code hi}, {@code lo}
 * unsigned halves). IPv4 lives in the IPv4-mapped IPv6 space ({@code ::ffff:0:0/96}), so both
 * families share one index.
 */
public record IpBlock(long startHi, long startLo, long endHi, long endLo, boolean v4, int prefix) {
    private static final Pattern IP_CHARS = Pattern.compile("[0-9A-Fa-f:.]+(/\\d{1,3})?");
    private static final long V4_MAPPED_LO = 0xffffL << 32;

    /** Parses {@code 1.2.3.4}, {@code 1.2.3.0/24}, {@code 2001:db8::1} or {@code 2001:db8::/32}. */
    public static IpBlock parse(String s) {
        String t = s.strip();
        if (!IP_CHARS.matcher(t).matches()) {
            throw new IllegalArgumentException("'" + s + "' is neither an IP address nor a CIDR range");
        }
        int slash = t.indexOf('/');
        String addr = slash < 0 ? t : t.substring(0, slash);
        boolean v4 = addr.indexOf(':') < 0;
        int bits = v4 ? 32 : 128;
        int prefix = slash < 0 ? bits : Integer.parseInt(t.substring(slash + 1));
        if (prefix > bits) {
            throw new IllegalArgumentException("prefix /" + prefix + " of '" + s + "' is out of range 0-" + bits);
        }
        long[] a = address(addr);
        int hostBits = bits - prefix;
        long maskHi = hostBits <= 64 ? 0 : (hostBits == 128 ? -1L : (1L << (hostBits - 64)) - 1);
        long maskLo = hostBits >= 64 ? -1L : (1L << hostBits) - 1;
        return new IpBlock(a[0] & ~maskHi, a[1] & ~maskLo, a[0] | maskHi, a[1] | maskLo, v4, prefix);
    }

    /** The 128-bit number of an address, or null when {@code s} is not an IP literal. */
    public static long[] addressOrNull(String s) {
        if (s == null || !IP_CHARS.matcher(s).matches() || s.indexOf('/') >= 0) {
            return null;
        }
        try {
            return address(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static long[] address(String addr) {
        byte[] b;
        try {
            b = InetAddress.getByName(addr).getAddress(); // a literal (checked above): no DNS look-up
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + addr + "' is not an IP address");
        }
        if (b.length == 4) { // also "::ffff:1.2.3.4", which Java folds to IPv4: the same number either way
            return new long[] {0, V4_MAPPED_LO | toLong(b, 0, 4)};
        }
        return new long[] {toLong(b, 0, 8), toLong(b, 8, 16)};
    }

    private static long toLong(byte[] b, int from, int to) {
        long v = 0;
        for (int i = from; i < to; i++) {
            v = (v << 8) | (b[i] & 0xff);
        }
        return v;
    }

    public boolean contains(long hi, long lo) {
        return compare(startHi, startLo, hi, lo) <= 0 && compare(hi, lo, endHi, endLo) <= 0;
    }

    /** Canonical text: the network address and, for ranges, the prefix ({@code 10.1.2.3/8} → {@code 10.0.0.0/8}). */
    public String canonical() {
        String base;
        if (v4) {
            long a = startLo & 0xffffffffL;
            base = (a >>> 24) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
        } else {
            base = ipv6Text(startHi, startLo);
        }
        return prefix == (v4 ? 32 : 128) ? base : base + "/" + prefix;
    }

    /** RFC 5952 text: lower-case hex, the longest run of two or more zero groups as "::". */
    private static String ipv6Text(long hi, long lo) {
        int[] g = new int[8];
        for (int i = 0; i < 4; i++) {
            g[i] = (int) (hi >>> (48 - 16 * i)) & 0xffff;
            g[4 + i] = (int) (lo >>> (48 - 16 * i)) & 0xffff;
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; i++) {
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = Math.max(i, j);
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    public boolean isSingleAddress() {
        return prefix == (v4 ? 32 : 128);
    }

    static int compare(long aHi, long aLo, long bHi, long bLo) {
        int c = Long.compareUnsigned(aHi, bHi);
        return c != 0 ? c : Long.compareUnsigned(aLo, bLo);
    }
}
