package io.shadow.features.config;

import java.util.regex.Pattern;

/**
 * Locations as they may be shown: a URL or JDBC URL can carry a secret (a PostgreSQL driver takes
 * {@code ?password=…}, H2 {@code ;PASSWORD=…}, an HTTP URL {@code user:password@} or a token as its
 * user part), and messages, logs and the nightly run's reports (which sit beside the tables, readable
 * by whoever reads them) must never repeat it. The one place locations are masked: the store's JDBC
 * URL, the model registry's URI, the warehouse.
 */
public final class Credentials {
    /**
     * {@code user:password@} after {@code //}: the password part, to the last {@code @} of the location
     * (a password may hold {@code @}, {@code #} or {@code /}, as an S3 secret key does); when that
     * {@code @} was not the end of a password, more is hidden than needed, never less.
     */
    private static final Pattern USER_INFO = Pattern.compile("(//[^/@:?#;\\s]*:)\\S*@");
    /** The same for a password holding spaces, within the authority (up to the first {@code /}, ? or #). */
    private static final Pattern USER_INFO_SPACED = Pattern.compile("(//[^/@:?#;\\s]*:)[^@/?#\\n]*@");
    /** A user part without a password ({@code https://t0ken@host}), which may itself be a token. */
    private static final Pattern LONE_USER = Pattern.compile("(//)[^/@:?#;\\s]+@");
    /** A parameter naming a secret, in a query ({@code ?a&b}) or after {@code ;} (H2, SQL Server). */
    private static final Pattern SECRET_PARAM = Pattern.compile(
            "(?i)([?&;](?:password|pwd|passwd|sslpassword|sslkey_password|secret|token|access_token|api_key)=)"
                    + "[^&;\\s]*");

    private Credentials() {
    }

    /**
     * {@code text} (a location, or a message quoting one, such as a JDBC driver's) with every password
     * or token in it replaced by {@code ***}; null stays null.
     */
    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        // parameters first: a password=p@ss would otherwise look like user information ending at its @
        String s = SECRET_PARAM.matcher(text).replaceAll("$1***");
        s = USER_INFO_SPACED.matcher(s).replaceAll("$1***@");
        s = USER_INFO.matcher(s).replaceAll("$1***@");
        return LONE_USER.matcher(s).replaceAll("$1***@");
    }
}
