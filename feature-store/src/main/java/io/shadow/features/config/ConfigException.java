package io.shadow.features.config;

/** A configuration error; the message names the key, the bad value and what is expected. */
public final class ConfigException extends IllegalArgumentException {
    private final String key;
    private final String value;
    private final String expected;

    public ConfigException(String message) {
        super(message);
        this.key = null;
        this.value = null;
        this.expected = null;
    }

    private ConfigException(String key, String value, String expected, String origin) {
        super("invalid " + key + " = " + value + (origin == null ? "" : " (from " + origin + ")") + "; expected "
                + expected);
        this.key = key;
        this.value = value;
        this.expected = expected;
    }

    /** "invalid {@code key} = {@code value}; expected {@code expected}". */
    public static ConfigException invalid(String key, Object value, String expected) {
        return new ConfigException(key, String.valueOf(value), expected, null);
    }

    public static void check(boolean ok, String key, Object value, String expected) {
        if (!ok) {
            throw invalid(key, value, expected);
        }
    }

    /** The key whose value is wrong, or null when the error is about no one key's value. */
    public String key() {
        return key;
    }

    /**
     * This error naming where the value came from (an environment variable, {@code --set}, a command's
     * option), in place of any origin it named; without a key, itself.
     */
    public ConfigException from(String origin) {
        return key == null ? this : new ConfigException(key, value, expected, origin);
    }
}
