package io.shadow.model.registry;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * What {@link MlflowModelRegistry} sends as {@code Authorization}, as MLflow's own clients do: Basic
 * with a user and password, or a Bearer token; and where it came from, by name, so that a refused
 * call can say what was sent without ever showing a secret ({@link #toString} names the source only).
 */
public final class MlflowCredentials {
    /** MLflow's own variables, read by its Python client and CLI. */
    public static final String USERNAME_ENV = "MLFLOW_TRACKING_USERNAME";
    public static final String PASSWORD_ENV = "MLFLOW_TRACKING_PASSWORD";
    public static final String TOKEN_ENV = "MLFLOW_TRACKING_TOKEN";
    private static final MlflowCredentials NONE = new MlflowCredentials(null, "no credentials");

    private final String header;
    private final String source;

    private MlflowCredentials(String header, String source) {
        this.header = header;
        this.source = source;
    }

    public static MlflowCredentials none() {
        return NONE;
    }

    /** @param source where the user and password came from, by name, e.g. {@code registry.username and registry.password} */
    public static MlflowCredentials basic(String user, String password, String source) {
        String pair = user + ":" + (password == null ? "" : password);
        return new MlflowCredentials("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)),
                "Basic credentials (user " + user + ") from " + source);
    }

    /** @param source where the token came from, by name, e.g. {@code MLFLOW_TRACKING_TOKEN} */
    public static MlflowCredentials bearer(String token, String source) {
        return new MlflowCredentials("Bearer " + token, "a Bearer token from " + source);
    }

    /**
     * MLflow's variables: {@value #USERNAME_ENV} with {@value #PASSWORD_ENV} (Basic), else {@value
     * #TOKEN_ENV} (Bearer); with both set, Basic, as MLflow's client does.
     */
    public static MlflowCredentials fromEnvironment(Map<String, String> env) {
        String user = env.getOrDefault(USERNAME_ENV, "");
        if (!user.isEmpty()) {
            return basic(user, env.getOrDefault(PASSWORD_ENV, ""), USERNAME_ENV + " and " + PASSWORD_ENV);
        }
        String token = env.getOrDefault(TOKEN_ENV, "");
        return token.isEmpty() ? NONE : bearer(token, TOKEN_ENV);
    }

    /** The user and password in {@code http://user:password@host} (percent-decoded), or none. */
    public static MlflowCredentials fromUri(URI uri) {
        String info = uri.getRawUserInfo();
        if (info == null || info.isEmpty()) {
            return NONE;
        }
        int colon = info.indexOf(':');
        String user = decode(colon < 0 ? info : info.substring(0, colon));
        String password = colon < 0 ? "" : decode(info.substring(colon + 1));
        return basic(user, password, "the user:password in registry.uri");
    }

    /** These if there are any, else {@code other}. */
    public MlflowCredentials or(MlflowCredentials other) {
        return present() ? this : other;
    }

    public boolean present() {
        return header != null;
    }

    /** The {@code Authorization} header's value; null for none. */
    String header() {
        return header;
    }

    /** What is sent, by name: {@code Basic credentials (user alice) from MLFLOW_TRACKING_USERNAME and …}. */
    @Override
    public String toString() {
        return source;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
