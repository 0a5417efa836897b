package io.shadow.features.config;

import java.util.regex.Pattern;

/**
 * Locations as they may be shown: a URL or JDBC URL can carry a secret (a PostgreSQL driver takes
 * {@code ?password=…}, H2 {@code ;PASSWORD=…}, an HTTP URL {@code user:password@}), and messages, logs
 * and the nightly run's reports (which sit beside the tables, readable by whoever reads them) must
 * never repeat it.
 */
public final class Credentials {
    /** {@code user:password@} after {@code //}: the password part. */
    private static final Pattern USER_INFO = Pattern.compile("(//[^/@:?#;]*:)[^@/?#]*@");
    /** A parameter naming a secret, in a query ({@code ?a&b}) or after {@code ;} (H2, SQL Server). */
    private static final Pattern SECRET_PARAM = Pattern.compile(
            "(?i)([?&;](?:password|pwd|passwd|sslpassword|sslkey_password|secret|token|access_token|api_key)=)[^&;#]*");

    private Credentials() {
    }

    /** {@code location} with every password or token in it replaced by {@code ***}; null stays null. */
    public static String redact(String location) {
        if (location == null) {
            return null;
        }
        String s = USER_INFO.matcher(location).replaceAll("$1***@");
        return SECRET_PARAM.matcher(s).replaceAll("$1***");
    }
}
