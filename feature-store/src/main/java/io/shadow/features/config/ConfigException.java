package io.shadow.features.config;

/** A configuration error; the message names the key, the bad value and what is expected. */
public final class ConfigException extends IllegalArgumentException {
    public ConfigException(String message) {
        super(message);
    }

    public static void check(boolean ok, String key, Object value, String expected) {
        if (!ok) {
            throw new ConfigException("invalid " + key + " = " + value + "; expected " + expected);
        }
    }
}
