package io.shadow.model.intel;

import io.shadow.model.intel.index.IpBlock;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Normalises observed values and indicator values the same way, so that matching is a plain
 * equality (or prefix/suffix) test: canonical CIDR text, lower-case domains without a trailing dot,
 * URLs with lower-case scheme and host and without fragment, lower-case hex hashes.
 */
public final class Observables {
    private static final Pattern DOMAIN = Pattern.compile("[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*");
    private static final Pattern HEX = Pattern.compile("[0-9a-f]+");

    private Observables() {
    }

    /** IPV4, IPV6 or CIDR for an address or range, else an IllegalArgumentException naming the value. */
    public static IndicatorType networkType(String value) {
        IpBlock b = IpBlock.parse(value);
        return !b.isSingleAddress() ? IndicatorType.CIDR : b.v4() ? IndicatorType.IPV4 : IndicatorType.IPV6;
    }

    /** The normalised form of {@code raw} as a value of {@code type}; IllegalArgumentException naming it if invalid. */
    public static String normalize(IndicatorType type, String raw) {
        if (raw == null || raw.isBlank()) {
            throw new IllegalArgumentException("empty " + type.wireName() + " value");
        }
        String s = raw.strip();
        return switch (type) {
            case IPV4, IPV6, CIDR -> IpBlock.parse(s).canonical();
            case DOMAIN -> domain(s);
            case URL -> url(s);
            case MD5 -> hash(s, 32, type);
            case SHA1 -> hash(s, 40, type);
            case SHA256 -> hash(s, 64, type);
            case USER_AGENT -> s;
        };
    }

    private static String domain(String s) {
        String d = s.toLowerCase(Locale.ROOT);
        if (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        if (!DOMAIN.matcher(d).matches()) {
            throw new IllegalArgumentException("'" + s + "' is not a domain name");
        }
        return d;
    }

    private static String url(String s) {
        int sep = s.indexOf("://");
        if (sep <= 0 || s.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("'" + s + "' is not a URL (expected scheme://host/path)");
        }
        String rest = s.substring(sep + 3);
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            rest = rest.substring(0, hash);
        }
        int end = firstOf(rest, "/?");
        String host = rest.substring(0, end).toLowerCase(Locale.ROOT);
        if (host.isEmpty()) {
            throw new IllegalArgumentException("'" + s + "' is not a URL: it has no host");
        }
        String tail = rest.substring(end);
        return s.substring(0, sep).toLowerCase(Locale.ROOT) + "://" + host + (tail.isEmpty() ? "/" : tail);
    }

    /** The host of a URL (without user info and port), or null if it has none. */
    public static String urlHost(String url) {
        int sep = url == null ? -1 : url.indexOf("://");
        if (sep < 0) {
            return null;
        }
        String rest = url.substring(sep + 3);
        String authority = rest.substring(0, firstOf(rest, "/?#"));
        authority = authority.substring(authority.lastIndexOf('@') + 1);
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            return close < 0 ? null : authority.substring(1, close);
        }
        int colon = authority.indexOf(':');
        String host = colon < 0 ? authority : authority.substring(0, colon);
        return host.isEmpty() ? null : host.toLowerCase(Locale.ROOT);
    }

    private static int firstOf(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return s.length();
    }

    private static String hash(String s, int length, IndicatorType type) {
        String h = s.toLowerCase(Locale.ROOT);
        if (h.length() != length || !HEX.matcher(h).matches()) {
            throw new IllegalArgumentException("'" + s + "' is not a " + type.wireName() + " hash (" + length
                    + " hex digits)");
        }
        return h;
    }

    /**
     * Guesses what an observed value is (URL, hash by length, IP, domain), or null: used for free-form
     * values such as an event's resource id.
     */
    public static IndicatorType guess(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String s = value.strip().toLowerCase(Locale.ROOT);
        if (s.contains("://")) {
            return IndicatorType.URL;
        }
        if (HEX.matcher(s).matches()) {
            return switch (s.length()) {
                case 32 -> IndicatorType.MD5;
                case 40 -> IndicatorType.SHA1;
                case 64 -> IndicatorType.SHA256;
                default -> null;
            };
        }
        if (IpBlock.addressOrNull(s) != null) {
            return s.indexOf(':') >= 0 ? IndicatorType.IPV6 : IndicatorType.IPV4;
        }
        return s.indexOf('.') > 0 && DOMAIN.matcher(s.endsWith(".") ? s.substring(0, s.length() - 1) : s).matches()
                ? IndicatorType.DOMAIN : null;
    }
}
