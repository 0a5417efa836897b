package io.shadow.mitigation.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;
import io.javalin.security.RouteRole;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP shell both services share: JSON with java.time, bearer-token auth checked against each
 * route's roles, request size limits, and errors as {@code {"status", "error"}} bodies that say
 * what to fix. Modules add their routes through {@code routes}.
 */
public final class ServiceApp {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceApp.class);
    public static final String CALLER = "shadow.caller";
    private static final String ERROR_WRITTEN = "shadow.error-written";
    /** Retry-After of a 503 answered while the mitigation store is unavailable. */
    static final int STORE_RETRY_AFTER_SECONDS = 5;
    public static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ServiceApp() {
    }

    /**
     * @param maxRequestBytes larger bodies get 413
     */
    public static Javalin create(Tokens tokens, long maxRequestBytes, Consumer<JavalinConfig> routes) {
        return create(tokens, maxRequestBytes, null, null, 0, routes);
    }

    /**
     * A service that, with {@code tls} set, listens with HTTPS only on {@code host:port}; start it
     * with {@code app.start()} then (the connector carries the address).
     */
    public static Javalin create(Tokens tokens, long maxRequestBytes, Tls tls, String host, int port,
            Consumer<JavalinConfig> routes) {
        return Javalin.create(cfg -> {
            if (tls != null) {
                cfg.jetty.addConnector((server, http) -> tls.connector(server, http, host, port));
            }
            cfg.jsonMapper(new JavalinJackson(JSON, false));
            cfg.http.maxRequestSize = maxRequestBytes;
            // a path that exists with other methods answers 405 with Allow, not 404
            cfg.http.prefer405over404 = true;
            cfg.startup.showJavalinBanner = false;
            cfg.routes.beforeMatched(ctx -> authorize(ctx, tokens));
            cfg.routes.exception(ApiError.class, (e, ctx) -> error(ctx, e.status(), e.getMessage()));
            cfg.routes.exception(IllegalArgumentException.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
            cfg.routes.exception(com.fasterxml.jackson.core.JsonProcessingException.class, (e, ctx) -> error(ctx, 400,
                    JsonBody.NOT_JSON + JsonBody.problem(e)));
            cfg.routes.exception(io.javalin.validation.ValidationException.class, (e, ctx) -> error(ctx, 400,
                    "invalid " + e.getErrors().entrySet().stream().map(f -> f.getKey() + ": " + f.getValue().stream()
                            .map(v -> v.getMessage() + " (got '" + v.value + "')").toList()).toList()));
            cfg.routes.exception(io.shadow.mitigation.store.StoreException.class, (e, ctx) -> {
                if (!e.isTransient()) {
                    LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
                    error(ctx, 500, "internal error; the server log has the details");
                    return;
                }
                // an outage (database stopped or unreachable, disk full): the client can retry later
                LOG.warn("{} {}: the mitigation store is unavailable: {}", ctx.method(), ctx.path(), e.reason());
                ctx.header("Retry-After", Integer.toString(STORE_RETRY_AFTER_SECONDS));
                error(ctx, 503, "the mitigation store is unavailable: " + e.reason() + "; the request did not "
                        + "complete, retry it after " + STORE_RETRY_AFTER_SECONDS + " s");
            });
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
                error(ctx, 500, "internal error; the server log has the details");
            });
            cfg.routes.exception(io.javalin.router.EndpointNotFound.class, (e, ctx) -> error(ctx, 404,
                    "no route " + ctx.method() + " " + ctx.path()));
            cfg.routes.exception(io.javalin.http.MethodNotAllowedResponse.class, (e, ctx) -> {
                String allowed = String.join(", ", e.getDetails().values());
                ctx.header("Allow", allowed);
                error(ctx, 405, "method " + ctx.method() + " is not allowed on " + ctx.path() + "; allowed: " + allowed);
            });
            cfg.routes.error(413, ctx -> {
                if (ctx.attribute(ERROR_WRITTEN) == null) { // a route's own, smaller limit has said it already
                    error(ctx, 413, "request body larger than " + maxRequestBytes + " bytes; send smaller batches");
                }
            });
            cfg.routes.get("/health", ctx -> ctx.json(Map.of("status", "ok")));
            routes.accept(cfg);
        });
    }

    /** The port a started service listens on (the HTTPS one when TLS is on). */
    public static int port(Javalin app) {
        for (var c : app.jettyServer().server().getConnectors()) {
            if (c instanceof org.eclipse.jetty.server.ServerConnector sc && sc.getLocalPort() > 0) {
                return sc.getLocalPort();
            }
        }
        return app.port();
    }

    public static void error(Context ctx, int status, String message) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("status", status);
        body.put("error", message == null ? "error" : message);
        ctx.attribute(ERROR_WRITTEN, true);
        ctx.status(status).json(body);
    }

    private static void authorize(Context ctx, Tokens tokens) {
        Set<RouteRole> roles = ctx.routeRoles();
        if (roles.isEmpty()) {
            return;
        }
        String token = bearerToken(ctx.header("Authorization"));
        Caller caller = tokens.caller(token).orElseThrow(() -> new ApiError(401, "unknown token"));
        if (caller.role() != Role.ADMIN && !roles.contains(caller.role())) {
            throw new ApiError(403, "role " + caller.role().name().toLowerCase() + " may not call " + ctx.method()
                    + " " + ctx.path() + "; allowed: " + roles.stream().map(r -> r.toString().toLowerCase())
                    .sorted().toList());
        }
        ctx.attribute(CALLER, caller);
    }

    /** The token of an {@code Authorization: Bearer <token>} header (any case of Bearer); else 401 saying why. */
    private static String bearerToken(String header) {
        String send = "; send 'Authorization: Bearer <token>'";
        if (header == null || header.isBlank()) {
            throw new ApiError(401, "missing 'Authorization: Bearer <token>' header");
        }
        String[] schemeAndToken = header.trim().split("\\s+", 2);
        String scheme = schemeAndToken[0];
        if (scheme.equalsIgnoreCase("Bearer")) {
            if (schemeAndToken.length < 2) {
                throw new ApiError(401, "the Authorization header has no token after 'Bearer '" + send);
            }
            return schemeAndToken[1].trim();
        }
        // a lone word is likely the token itself: never echoed
        throw new ApiError(401, schemeAndToken.length < 2 ? "the Authorization header has no 'Bearer ' scheme" + send
                : "the Authorization header has the scheme '" + scheme + "'" + send);
    }

    public static Caller caller(Context ctx) {
        return ctx.attribute(CALLER);
    }

    // --- OpenAPI document (issue 8): modules contribute fragments, the shell serves their merge ---

    /**
     * Serves {@code GET /openapi.json} (no token needed): the shell's fragment merged with the
     * modules' {@code fragments} (classpath resources, see {@link OpenApiFragments}). Call it from
     * the {@code routes} consumer; conflicting fragments fail here, at start.
     */
    public static void openApi(JavalinConfig cfg, List<String> fragments) {
        String doc = OpenApiFragments.merge(fragments).toString();
        cfg.routes.get("/openapi.json", ctx -> ctx.contentType("application/json").result(doc));
    }
}
