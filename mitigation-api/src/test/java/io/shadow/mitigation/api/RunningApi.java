package io.shadow.mitigation.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.shadow.features.signal.Assessment;
import io.shadow.mitigation.MitigationOptions;
import io.shadow.mitigation.MitigationService;
import io.shadow.mitigation.StoreBackend;
import io.shadow.mitigation.engine.Outcome;
import io.shadow.mitigation.profile.ProfileSet;
import io.shadow.mitigation.store.Database;
import io.shadow.mitigation.store.MitigationStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * The mitigation service over a real H2 file in {@code dir}, served by a real Javalin on a free
 * port, with one token per role; requests go over real HTTP.
 */
public final class RunningApi implements AutoCloseable {
    public static final String SERVICE = "svc-token-0123456789abcdef";
    /** A token of role gateway: decisions only. */
    public static final String GATEWAY = "gateway-token-0123456789abcdef";
    public static final String AGENT = "agent-token-0123456789abcdef";
    public static final String OPERATOR = "operator-token-0123456789abcdef";
    /** A user token for principal u-1 of tenant acme. */
    public static final String USER_U1 = "user-u1-token-0123456789abcdef";
    /** A user token for principal u-2 of tenant acme. */
    public static final String USER_U2 = "user-u2-token-0123456789abcdef";
    /** A user token for principal u-1 of tenant globex: a namesake of acme's u-1, and someone else. */
    public static final String USER_GLOBEX_U1 = "user-globex-u1-token-0123456789";
    /** The server's body limit (server.max-request-bytes), above the mitigation routes' own limits. */
    public static final long MAX_REQUEST_BYTES = 2 * 1024 * 1024;

    private final MitigationService service;
    private final Javalin app;
    private final HttpClient http = HttpClient.newHttpClient();
    /** "METHOD route status" of every request answered, as {@link ServiceApp#observeRequests} tells them. */
    public final java.util.List<String> answered = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** An agent token bound to host ws-99 (its principal). */
    public static final String AGENT_WS99 = "agent-ws99-token-0123456789ab";
    /** An agent token bound to tenant acme and its host ws-17 (tenant and principal). */
    public static final String AGENT_ACME_WS17 = "agent-acme-ws17-token-0123456789";
    /** A gateway token bound to tenant acme. */
    public static final String GATEWAY_ACME = "gateway-acme-token-0123456789ab";
    /** The admin token, named "admin". */
    public static final String ADMIN = "admin-token-0123456789abcdef";

    private RunningApi(MitigationService service) {
        this.service = service;
        Tokens tokens = Tokens.of(SERVICE, new Caller("gateway", Role.SERVICE, null),
                GATEWAY, new Caller("nginx-gateway", Role.GATEWAY, null),
                AGENT, new Caller("agent-ws-17", Role.AGENT, null),
                OPERATOR, new Caller("olga@acme.example", Role.OPERATOR, null),
                USER_U1, new Caller("u-1@acme.example", Role.USER, "acme", "u-1"),
                USER_U2, new Caller("u-2@acme.example", Role.USER, "acme", "u-2"),
                USER_GLOBEX_U1, new Caller("u-1@globex.example", Role.USER, "globex", "u-1"),
                ADMIN, new Caller("admin", Role.ADMIN, null),
                AGENT_WS99, new Caller("agent-ws-99", Role.AGENT, "ws-99"),
                AGENT_ACME_WS17, new Caller("acme-ws-17", Role.AGENT, "acme", "ws-17"),
                GATEWAY_ACME, new Caller("acme-gateway", Role.GATEWAY, "acme", null));
        this.app = ServiceApp.create(tokens, MAX_REQUEST_BYTES,
                cfg -> {
                    ServiceApp.observeRequests(cfg, (method, route, status, nanos) -> answered.add(method + " "
                            + route + " " + status));
                    new MitigationRoutes(service).register(cfg);
                });
        app.start("127.0.0.1", 0);
    }

    /** Expiry sweep every hour: tests undo expired actions with {@code engine().expire()} when they choose. */
    public static RunningApi start(Path dir, ProfileSet profiles, Clock clock) {
        return start(dir, profiles, clock, MitigationOptions.defaults(dir.resolve("keys")));
    }

    public static RunningApi start(Path dir, ProfileSet profiles, Clock clock, MitigationOptions options) {
        return start(new StoreBackend("h2", dir, Database.h2Url(dir), "sa"), profiles, clock, options);
    }

    public static RunningApi start(StoreBackend store, ProfileSet profiles, Clock clock) {
        return start(store, profiles, clock, MitigationOptions.defaults(store.dir().resolve("keys")));
    }

    public static RunningApi start(StoreBackend store, ProfileSet profiles, Clock clock, MitigationOptions options) {
        return new RunningApi(new MitigationService(store.open(), profiles, clock, Duration.ofHours(1),
                Duration.ofHours(1), options));
    }

    /** With the default profiles and a real clock; {@code adminToken} must be {@link #ADMIN}. */
    public static RunningApi startWithAdmin(Path dir, String adminToken) {
        if (!ADMIN.equals(adminToken)) {
            throw new IllegalArgumentException("use RunningApi.ADMIN");
        }
        return start(dir, io.shadow.mitigation.profile.ProfileLoader.defaults(), Clock.systemUTC());
    }

    /** Test profiles from {@code src/test/resources/profiles/NAME}. */
    public static ProfileSet profiles(String name) {
        try {
            return io.shadow.mitigation.profile.ProfileLoader.load(Path.of(RunningApi.class.getResource(
                    "/profiles/" + name).toURI()));
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return app.port();
    }

    public MitigationService service() {
        return service;
    }

    public MitigationStore store() {
        return service.store();
    }

    /** Hands an assessment to the engine directly, as the in-process scorer does. */
    public Outcome handle(Assessment a) {
        return service.engine().handle(a);
    }

    /** Asks the gateway decision endpoint whether {@code principal} may reach {@code resource}. */
    public HttpResponse<String> decision(String principal, String resource, String... extraHeaders) {
        HttpRequest.Builder b = request("/v1/decision", SERVICE).header("X-Shadow-Tenant", "acme")
                .header("X-Shadow-Principal", principal).header("X-Shadow-Resource", resource)
                .header("X-Shadow-Host", "ws-17");
        if (extraHeaders.length > 0) {
            b.headers(extraHeaders);
        }
        return send(b.GET().build());
    }

    /**
     * Asks the gateway decision endpoint over a plain socket with these header lines as UTF-8 bytes, as
     * nginx sends them ({@link java.net.http.HttpClient} sends '?' for every character beyond ASCII);
     * the answer's status and body.
     */
    public java.util.Map.Entry<Integer, String> rawDecision(String... headerLines) {
        StringBuilder req = new StringBuilder("GET /v1/decision HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                + "Authorization: Bearer " + SERVICE + "\r\n");
        for (String line : headerLines) {
            req.append(line).append("\r\n");
        }
        req.append("\r\n");
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(req.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            String answer = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            int status = Integer.parseInt(answer.substring(9, 12));
            return java.util.Map.entry(status, answer.substring(answer.indexOf("\r\n\r\n") + 4));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Asks the gateway decision endpoint with exactly these headers (name, value, ...), as a gateway would. */
    public HttpResponse<String> decisionWith(String... headers) {
        HttpRequest.Builder b = request("/v1/decision", SERVICE);
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b.GET().build());
    }

    public HttpResponse<String> send(String method, String path, String token) {
        return send(request(path, token).method(method, HttpRequest.BodyPublishers.noBody()).build());
    }

    public HttpResponse<String> get(String path, String token) {
        return send(request(path, token).GET().build());
    }

    /** A GET with extra {@code headers} (name, value, ...). */
    public HttpResponse<String> get(String path, String token, String... headers) {
        return send(request(path, token).headers(headers).GET().build());
    }

    public HttpResponse<String> post(String path, String token, String body) {
        return send(request(path, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** A POST with extra {@code headers} (name, value, ...), such as {@code Idempotency-Key}. */
    public HttpResponse<String> post(String path, String token, String body, String... headers) {
        HttpRequest.Builder b = request(path, token).header("Content-Type", "application/json");
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b.POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** An admin's {@code POST /v1/keys}: the secret of a new active key of {@code principal} in tenant acme. */
    public String issueKey(String principal) {
        HttpResponse<String> r = post("/v1/keys", ADMIN, "{\"tenant\": \"acme\", \"principal\": \"" + principal
                + "\"}");
        if (r.statusCode() != 201) {
            throw new IllegalStateException("POST /v1/keys answered " + r.statusCode() + ": " + r.body());
        }
        return json(r).path("secret").asText();
    }

    /** An operator's decision on a mitigation: {@code what} is approve, reject or modify. */
    public HttpResponse<String> decide(String mitigationId, String what, String body) {
        return post("/v1/mitigations/" + mitigationId + "/" + what, OPERATOR, body);
    }

    /** A POST whose body is streamed without a declared length (chunked), as a proxy may forward it. */
    public HttpResponse<String> postChunked(String path, String token, String body) {
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return send(request(path, token).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers
                .ofInputStream(() -> new java.io.ByteArrayInputStream(bytes))).build());
    }

    /** A gateway decision's status, {@code X-Shadow-Decision} header, verdict and reason. */
    public static void assertVerdict(HttpResponse<String> r, int status, String verdict, String reason) {
        org.assertj.core.api.Assertions.assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        org.assertj.core.api.Assertions.assertThat(r.headers().firstValue("X-Shadow-Decision")).hasValue(verdict);
        JsonNode body = json(r);
        org.assertj.core.api.Assertions.assertThat(body.path("verdict").asText()).isEqualTo(verdict);
        org.assertj.core.api.Assertions.assertThat(body.path("reason").asText()).isEqualTo(reason);
    }

    /**
     * The id of host ws-17's (tenant acme) command of {@code action}, fetched as its agent does (so a pending
     * one is in progress afterwards).
     */
    public String commandOf(String action) {
        for (JsonNode c : json(get("/v1/agent/commands?tenant=acme&host=ws-17", AGENT))) {
            if (c.path("action").asText().equals(action)) {
                return c.path("id").asText();
            }
        }
        throw new AssertionError("no " + action + " command for ws-17");
    }

    /** The action of {@code type} of the incident's first mitigation, as an operator reads it. */
    public JsonNode action(String incidentId, String type) {
        return actionIn(json(get("/v1/incidents/" + incidentId, OPERATOR)), type);
    }

    /** The action of {@code type} of an incident's first mitigation, or of a decision's answer. */
    public static JsonNode actionIn(JsonNode incidentOrDecision, String type) {
        JsonNode actions = incidentOrDecision.has("mitigations")
                ? incidentOrDecision.path("mitigations").get(0).path("actions") : incidentOrDecision.path("actions");
        for (JsonNode a : actions) {
            if (a.path("type").asText().equals(type)) {
                return a;
            }
        }
        throw new AssertionError("no " + type + " in " + incidentOrDecision);
    }

    public static JsonNode json(HttpResponse<String> r) {
        try {
            return ServiceApp.JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + r.body(), e);
        }
    }

    private HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private HttpResponse<String> send(HttpRequest r) {
        try {
            return http.send(r, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        service.stream().close();
        app.stop();
        service.close();
    }
}
