package io.shadow.model.intel;

import java.util.Arrays;
import java.util.Locale;

/** What an indicator's value is; the wire name is what the {@code threat_indicators} table stores. */
public enum IndicatorType {
    IPV4("ipv4"),
    IPV6("ipv6"),
    /** An IPv4 or IPv6 range in CIDR notation. */
    CIDR("cidr"),
    DOMAIN("domain"),
    URL("url"),
    MD5("md5"),
    SHA1("sha1"),
    SHA256("sha256"),
    USER_AGENT("user_agent");

    private final String wireName;

    IndicatorType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public boolean isNetwork() {
        return this == IPV4 || this == IPV6 || this == CIDR;
    }

    public boolean isHash() {
        return this == MD5 || this == SHA1 || this == SHA256;
    }

    public static IndicatorType fromWire(String s) {
        String k = s == null ? "" : s.strip().toLowerCase(Locale.ROOT);
        for (IndicatorType t : values()) {
            if (t.wireName.equals(k)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown indicator type '" + s + "'; expected one of "
                + Arrays.stream(values()).map(IndicatorType::wireName).toList());
    }
}
