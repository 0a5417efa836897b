package io.shadow.model.intel.taxii;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Where and how to sync TAXII 2.1 collections.
 *
 * @param url the server's discovery endpoint, e.g. {@code https://taxii.example.org/taxii2/}
 * @param collections collection ids or titles to read; empty: every readable collection
 * @param user basic-auth user (with {@code password}); empty for none
 * @param token bearer token; empty for none (not together with {@code user})
 */
public record TaxiiSettings(URI url, List<String> collections, String user, String password, String token) {

    public TaxiiSettings {
        collections = List.copyOf(collections);
        user = user == null ? "" : user;
        password = password == null ? "" : password;
        token = token == null ? "" : token;
        if (!user.isEmpty() && !token.isEmpty()) {
            throw new IllegalArgumentException("set either intel.taxii.user/password or intel.taxii.token, not both");
        }
    }

    /** The Authorization header value, or null when no credentials are set. */
    String authorization() {
        if (!token.isEmpty()) {
            return "Bearer " + token;
        }
        if (!user.isEmpty()) {
            return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                    .getBytes(StandardCharsets.UTF_8));
        }
        return null;
    }

    @Override
    public String toString() { // never print credentials
        return "TaxiiSettings[url=" + url + ", collections=" + collections + ", auth="
                + (!token.isEmpty() ? "bearer" : !user.isEmpty() ? "basic " + user : "none") + "]";
    }
}
