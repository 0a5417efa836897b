package io.shadow.model.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * JSON over HTTP to an MLflow tracking server ({@code /api/2.0/mlflow/...}) and its artifact proxy
 * ({@code /api/2.0/mlflow-artifacts/...}), with the JDK client. Every failure names the server,
 * the call, the HTTP status and MLflow's error code, so a wrong {@code registry.uri} or a server
 * started without {@code --serve-artifacts} reads as such; a refused one also names the credentials
 * sent. The server is shown with its password masked ({@code http://alice:***@host/}) everywhere.
 */
final class MlflowRest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Where credentials come from, for a 401's fix. */
    private static final String SETTINGS = MlflowCredentials.USERNAME_ENV + " and " + MlflowCredentials.PASSWORD_ENV
            + " (Basic) or " + MlflowCredentials.TOKEN_ENV + " (Bearer) in the environment, registry.username and "
            + "registry.password or registry.token (SHADOW_REGISTRY_USERNAME, SHADOW_REGISTRY_PASSWORD, "
            + "SHADOW_REGISTRY_TOKEN), or user:password in registry.uri";
    private final URI base;
    private final URI shown;
    private final MlflowCredentials credentials;
    private final HttpClient http;
    private final Duration timeout;

    /** A non-2xx answer: the status and MLflow's {@code error_code}. */
    static final class Failure extends RuntimeException {
        final int status;
        final String errorCode;

        Failure(String message, int status, String errorCode) {
            super(message);
            this.status = status;
            this.errorCode = errorCode;
        }
    }

    /** @param credentials sent with every call; a user:password in {@code base} goes only through them */
    MlflowRest(URI base, Duration timeout, MlflowCredentials credentials) {
        String s = base.toString();
        URI slashed = URI.create(s.endsWith("/") ? s : s + "/");
        this.shown = URI.create(ModelRegistries.shown(slashed.toString()));
        this.base = withoutUserInfo(slashed);
        this.credentials = credentials;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    /** The server as messages show it: a password in the URI masked. */
    URI shown() {
        return shown;
    }

    JsonNode get(String api, Map<String, String> query) {
        return json(send("GET", "api/2.0/mlflow/" + api + query(query), HttpRequest.BodyPublishers.noBody(), null));
    }

    JsonNode post(String api, Object body) {
        return json(send("POST", "api/2.0/mlflow/" + api, HttpRequest.BodyPublishers.ofString(write(body)),
                "application/json"));
    }

    /** Lists an artifact directory: {@code files[] {path, is_dir, file_size}}. */
    JsonNode listArtifacts(String path) {
        return json(send("GET", "api/2.0/mlflow-artifacts/artifacts" + query(Map.of("path", path)),
                HttpRequest.BodyPublishers.noBody(), null));
    }

    void upload(String path, Path file) throws IOException {
        send("PUT", "api/2.0/mlflow-artifacts/artifacts/" + encodePath(path),
                HttpRequest.BodyPublishers.ofFile(file), "application/octet-stream");
    }

    void download(String path, Path to) throws IOException {
        HttpRequest req = request("GET", "api/2.0/mlflow-artifacts/artifacts/" + encodePath(path),
                HttpRequest.BodyPublishers.noBody(), null);
        HttpResponse<InputStream> r = exchange(req, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            if (r.statusCode() / 100 != 2) {
                throw failure(req, r.statusCode(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            Files.createDirectories(to.getParent());
            Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private String send(String method, String path, HttpRequest.BodyPublisher body, String contentType) {
        HttpRequest req = request(method, path, body, contentType);
        HttpResponse<String> r = exchange(req, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw failure(req, r.statusCode(), r.body());
        }
        return r.body();
    }

    private HttpRequest request(String method, String path, HttpRequest.BodyPublisher body, String contentType) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).method(method, body);
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (credentials.present()) {
            b.header("Authorization", credentials.header());
        }
        return b.build();
    }

    private <T> HttpResponse<T> exchange(HttpRequest req, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(req, handler);
        } catch (IOException e) {
            throw new Failure("cannot reach the MLflow tracking server at " + shown + " (" + req.method() + " "
                    + req.uri().getPath() + ": " + e + "); start it or fix registry.uri", -1, "UNREACHABLE");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("interrupted while calling MLflow at " + shown, -1, "INTERRUPTED");
        }
    }

    private Failure failure(HttpRequest req, int status, String body) {
        String code = "";
        String message = body;
        try {
            JsonNode n = JSON.readTree(body);
            code = n.path("error_code").asText("");
            message = n.path("message").asText(body);
        } catch (IOException notJson) {
            // an HTML error page or a proxy's answer: keep the body as it is
        }
        String hint = status == 404 && req.uri().getPath().contains("mlflow-artifacts")
                ? "; start the server with --serve-artifacts so clients can upload and download models"
                : status == 403 && message.contains("Host header")
                        ? "; the server refuses this Host header: start it with --allowed-hosts"
                        : status == 401 ? "; sent " + credentials + ": " + (credentials.present()
                                ? "the server did not accept them; check them, or set others: " + SETTINGS
                                : "set " + SETTINGS)
                        : status == 403 ? "; sent " + credentials + ": the server knows this user but does not let it "
                                + "do this; grant it permission on the experiment and the model in MLflow (serve and "
                                + "models list read, nightly and train also write), or use another user" : "";
        return new Failure("MLflow at " + shown + ": " + req.method() + " " + req.uri().getPath() + " answered "
                + status + (code.isEmpty() ? "" : " " + code) + ": " + abbreviate(message) + hint, status, code);
    }

    private static URI withoutUserInfo(URI u) {
        if (u.getRawUserInfo() == null) {
            return u;
        }
        String authority = u.getRawAuthority();
        return URI.create(u.toString().replace(authority, authority.substring(authority.lastIndexOf('@') + 1)));
    }

    private static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ").trim();
        return one.length() > 300 ? one.substring(0, 300) + "…" : one;
    }

    private static JsonNode json(String body) {
        try {
            return body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException("MLflow answered with something that is not JSON: " + abbreviate(body), e);
        }
    }

    private static String write(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot encode an MLflow request body: " + body, e);
        }
    }

    private static String query(Map<String, String> q) {
        if (q.isEmpty()) {
            return "";
        }
        return new LinkedHashMap<>(q).entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&", "?", ""));
    }

    private static String encodePath(String path) {
        StringBuilder sb = new StringBuilder();
        for (String seg : path.split("/")) {
            if (!seg.isEmpty()) {
                sb.append(sb.length() == 0 ? "" : "/")
                        .append(URLEncoder.encode(seg, StandardCharsets.UTF_8).replace("+", "%20"));
            }
        }
        return sb.toString();
    }
}
