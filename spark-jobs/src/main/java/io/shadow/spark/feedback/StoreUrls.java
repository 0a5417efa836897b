package io.shadow.spark.feedback;

/** JDBC URLs of the mitigation store as messages and reports may show them: never with a password. */
public final class StoreUrls {
    private StoreUrls() {
    }

    /** {@code url} with the value of a {@code password=} parameter, or of {@code user:password@}, as {@code ***}. */
    public static String withoutPassword(String url) {
        return url.replaceAll("(?i)([?&;]password=)[^&;]*", "$1***").replaceAll("(//[^/:@]*:)[^/@]*@", "$1***@");
    }
}
