package io.shadow.mitigation.store;

/**
 * How many characters the store's text columns hold ({@code db/migration/V1__mitigation_store.sql}).
 * Values are checked against them before anything acts: a value the store cannot hold would
 * otherwise fail the insert after the actions are in force, leaving them unrecorded.
 */
public final class ColumnLimits {
    public static final int TENANT = 128;
    public static final int ENTITY_ID = 256;
    public static final int PRINCIPAL = 256;
    public static final int HOST = 256;
    public static final int RESOURCE_ID = 512;
    public static final int PATTERN = 256;
    public static final int EVENT_ID = 64;
    public static final int PROFILE_NAME = 128;
    public static final int AUTHOR = 256;

    private ColumnLimits() {
    }

    /** Null when {@code value} fits in {@code max} characters, else what is wrong with {@code field}. */
    public static String tooLong(String field, String value, int max) {
        if (value == null || value.length() <= max) {
            return null;
        }
        return field + " is " + value.length() + " characters long; the store holds at most " + max;
    }
}
