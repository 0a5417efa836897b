package io.shadow.model.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real HTTP server in front of a real MLflow tracking server that answers as MLflow's basic-auth
 * app does (its own app is not installable here): 401 {@code UNAUTHENTICATED} with {@code
 * WWW-Authenticate} to a call without the right {@code Authorization}, 403 {@code PERMISSION_DENIED}
 * to a write by a read-only user; every other call is passed on. It records the {@code
 * Authorization} of every call, and can be stopped and started on the same port to be an outage.
 */
public final class MlflowGate implements AutoCloseable {
    static final String UNAUTHENTICATED = "You are not authenticated. Please see "
            + "https://www.mlflow.org/docs/latest/auth/index.html#authenticating-to-mlflow on how to authenticate.";
    private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");
    private final URI upstream;
    private final String required;
    private final boolean readOnly;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    /** The {@code Authorization} of every call, in order ({@code (none)} for a call without one). */
    public final List<String> authorizations = new CopyOnWriteArrayList<>();
    private int port;
    private HttpServer server;
    private ExecutorService threads;

    /**
     * @param required the {@code Authorization} value let through; null lets every call through
     * @param readOnly whether writes with it are refused with 403, as for a user with READ permission
     */
    public MlflowGate(URI upstream, String required, boolean readOnly) throws IOException {
        this.upstream = upstream;
        this.required = required;
        this.readOnly = readOnly;
        start();
    }

    /** A gate that lets every call through: an MLflow server to stop and start. */
    public static MlflowGate open(URI upstream) throws IOException {
        return new MlflowGate(upstream, null, false);
    }

    /** {@code http://127.0.0.1:port}, with {@code userInfo} (e.g. {@code alice:pw}) when not null. */
    public URI uri(String userInfo) {
        return URI.create("http://" + (userInfo == null ? "" : userInfo + "@") + "127.0.0.1:" + port);
    }

    public URI uri() {
        return uri(null);
    }

    /** Starts answering again, on the same port as before. */
    public synchronized void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
        port = server.getAddress().getPort();
        threads = Executors.newCachedThreadPool();
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Stops answering: connections to the port are refused, as when the server is down. */
    public synchronized void stop() {
        server.stop(0);
        threads.shutdownNow();
    }

    @Override
    public void close() {
        stop();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            authorizations.add(auth == null ? "(none)" : auth);
            byte[] body = ex.getRequestBody().readAllBytes();
            if (required != null && !required.equals(auth)) {
                ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"mlflow\"");
                answer(ex, 401, "application/json", ("{\"error_code\": \"UNAUTHENTICATED\", \"message\": \""
                        + UNAUTHENTICATED + "\"}").getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (readOnly && WRITES.contains(ex.getRequestMethod())) {
                answer(ex, 403, "application/json", ("{\"error_code\": \"PERMISSION_DENIED\", \"message\": \"Permission "
                        + "denied\"}").getBytes(StandardCharsets.UTF_8));
                return;
            }
            HttpRequest.Builder b = HttpRequest.newBuilder(upstream.resolve(ex.getRequestURI().getRawPath()
                    + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery())))
                    .method(ex.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            String type = ex.getRequestHeaders().getFirst("Content-Type");
            if (type != null) {
                b.header("Content-Type", type);
            }
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            answer(ex, r.statusCode(), r.headers().firstValue("Content-Type").orElse("application/octet-stream"),
                    r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void answer(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
