package io.shadow.features;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * An enum's constants by their wire names (the lower-case constant names events and tables carry).
 * The usual spelling is found without copying the string, which matters per event and per row;
 * other spellings (upper case, surrounding blanks) are still accepted.
 */
final class WireNames<E extends Enum<E>> {
    private final Class<E> type;
    private final Map<String, E> byName;

    WireNames(Class<E> type, Function<E, String> wireName) {
        this.type = type;
        this.byName = Arrays.stream(type.getEnumConstants()).collect(Collectors.toUnmodifiableMap(wireName, e -> e));
    }

    /** The constant named {@code s} in any case and without surrounding blanks; null when there is none. */
    E find(String s) {
        E exact = byName.get(s);
        if (exact != null) {
            return exact;
        }
        try {
            return Enum.valueOf(type, s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
