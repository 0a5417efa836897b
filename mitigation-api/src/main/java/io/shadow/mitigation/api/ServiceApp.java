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
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP shell both services share: JSON with java.time, bearer-token auth checked against each
 * route's roles, request size limits, security headers on every answer ({@link SecurityHeaders}), and errors as {@code {"status", "error"}} bodies that say
 * what to fix. Modules add their routes through {@code routes}.
 */
public final class ServiceApp {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceApp.class);
    public static final String CALLER = "shadow.caller";
    private static final String ERROR_WRITTEN = "shadow.error-written";
    private static final String BEARER_REALM = "Bearer realm=\"shadow\"";
    /**
     * Connections the operating system queues for the service before it accepts them (Jetty's default,
     * 50, dropped connections of a gateway opening many at once, which nginx then answered 500 after its
     * 1 s connect timeout). The kernel caps it (net.core.somaxconn).
     */
    static final int ACCEPT_QUEUE = 1024;
    /**
     * The request line and headers Shadow reads (Jetty's default is 8 KiB): a gateway forwards what its
     * client sent (a path, an access key) of up to 8 KiB each in nginx, and an answer of 431 to such a
     * request would be an error the client can provoke (a fail-open gateway lets those through).
     */
    static final int MAX_HEADER_BYTES = 32 * 1024;

    /** Retry-After of a 503 answered while the mitigation store is unavailable. */
    static final int STORE_RETRY_AFTER_SECONDS = 5;
    public static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ServiceApp() {
    }

    /**
     * How the shell treats requests and its own stop.
     *
     * @param maxRequestBytes larger bodies get 413 ({@code server.max-request-bytes})
     * @param bodyTimeout the time a request body may take to arrive, from the request's start;
     *     later, 408 ({@code server.body-timeout})
     * @param stopTimeout how long {@code app.stop()} lets requests in progress finish once it stopped
     *     accepting new ones; zero: none, connections are closed at once ({@code server.shutdown-timeout})
     */
    /**
     * @param maxBodiesBytes the request bodies held at once, being read or worked on, in bytes ({@code
     *     server.max-bodies-bytes}); 0 for an eighth of the JVM's heap. A body that does not fit is answered
     *     503 before it is read.
     * @param maxConnections connections open at once ({@code server.max-connections}); more wait in the
     *     accept queue until one closes
     */
    public record Options(long maxRequestBytes, Duration bodyTimeout, Duration stopTimeout, long maxBodiesBytes,
            int maxConnections) {
        public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
        public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(30);
        public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(20);

        public Options {
            if (bodyTimeout.isNegative() || bodyTimeout.isZero() || stopTimeout.isNegative() || maxBodiesBytes < 0
                    || maxConnections < 1) {
                throw new IllegalArgumentException("bodyTimeout and maxConnections must be positive, stopTimeout and "
                        + "maxBodiesBytes not negative");
            }
        }

        public Options(long maxRequestBytes, Duration bodyTimeout, Duration stopTimeout) {
            this(maxRequestBytes, bodyTimeout, stopTimeout, 0, DEFAULT_MAX_CONNECTIONS);
        }

        /** {@link #maxBodiesBytes}, with 0 resolved to an eighth of this JVM's heap. */
        public long bodiesBudget() {
            return maxBodiesBytes > 0 ? maxBodiesBytes : Runtime.getRuntime().maxMemory() / 8;
        }

        public static Options defaults(long maxRequestBytes) {
            return new Options(maxRequestBytes, DEFAULT_BODY_TIMEOUT, DEFAULT_STOP_TIMEOUT);
        }
    }

    /**
     * Told of every request the service answered, once its status is known and before the answer is
     * sent: the method, the route template matched ({@code /v1/incidents/{id}}, not the path asked;
     * {@link #UNMATCHED} for 404 and 405, {@link #STATIC} for the web UI's files), the status and the
     * time from the request's start. Refusals count too: 401, 403, 413, 408.
     */
    @FunctionalInterface
    public interface RequestObserver {
        void request(String method, String route, int status, long nanos);
    }

    /** The route of an answer no route gave: no such path (404), or not with that method (405). */
    public static final String UNMATCHED = "unmatched";
    /** The route of a static file (the web UI). */
    public static final String STATIC = "static";
    private static final String STARTED = "shadow.started-nanos";
    /** Methods a metric names; any other is "OTHER", so that no client can add series at will. */
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    private static final String BODY_READ = "shadow.body-read";

    /**
     * @param maxRequestBytes larger bodies get 413
     */
    public static Javalin create(Tokens tokens, long maxRequestBytes, Consumer<JavalinConfig> routes) {
        return create(tokens, Options.defaults(maxRequestBytes), null, null, 0, routes);
    }

    public static Javalin create(Tokens tokens, long maxRequestBytes, Tls tls, String host, int port,
            Consumer<JavalinConfig> routes) {
        return create(tokens, Options.defaults(maxRequestBytes), tls, host, port, routes);
    }

    /**
     * A service that, with {@code tls} set, listens with HTTPS only on {@code host:port}; start it
     * with {@code app.start()} then (the connector carries the address). {@code app.stop()} stops
     * accepting connections, answers 503 to new requests on open ones, and waits up to
     * {@code options.stopTimeout()} for the requests in progress to be answered.
     */
    public static Javalin create(Tokens tokens, Options options, Tls tls, String host, int port,
            Consumer<JavalinConfig> routes) {
        long maxRequestBytes = options.maxRequestBytes();
        BodyBudget bodies = new BodyBudget(options.bodiesBudget());
        RefusedTokens refused = new RefusedTokens(java.time.Clock.systemUTC());
        return Javalin.create(cfg -> {
            if (tls != null) {
                cfg.jetty.addConnector((server, http) -> tls.connector(server, http, host, port));
            }
            cfg.jetty.modifyServer(server -> {
                // Javalin puts its servlet context inside: stop() lets the requests it counts finish
                server.setHandler(new org.eclipse.jetty.server.handler.GracefulHandler());
                server.setStopTimeout(options.stopTimeout().toMillis());
                // connections trickling their headers need no token: a bound keeps the descriptors that
                // checkpoints, reloads and the store need (beyond it new connections wait to be accepted)
                server.addBean(new org.eclipse.jetty.server.NetworkConnectionLimit(options.maxConnections(), server));
                // every connector (Javalin's default one is added at start) queues ACCEPT_QUEUE connections
                server.addEventListener(new org.eclipse.jetty.util.component.Container.Listener() {
                    @Override
                    public void beanAdded(org.eclipse.jetty.util.component.Container parent, Object child) {
                        if (child instanceof org.eclipse.jetty.server.ServerConnector c) {
                            c.setAcceptQueueSize(ACCEPT_QUEUE);
                        }
                    }

                    @Override
                    public void beanRemoved(org.eclipse.jetty.util.component.Container parent, Object child) {
                    }
                });
            });
            cfg.jetty.modifyHttpConfiguration(http -> http.setRequestHeaderSize(MAX_HEADER_BYTES));
            cfg.jsonMapper(new JavalinJackson(JSON, false));
            cfg.http.maxRequestSize = maxRequestBytes;
            // a path that exists with other methods answers 405 with Allow, not 404
            cfg.http.prefer405over404 = true;
            cfg.startup.showJavalinBanner = false;
            cfg.routes.before(ctx -> {
                ctx.attribute(STARTED, System.nanoTime());
                SecurityHeaders.set(ctx);
            });
            cfg.routes.beforeMatched(ctx -> {
                authorize(ctx, tokens, refused);
                String charset = hasBody(ctx) ? io.shadow.features.json.Utf8Text.foreignCharset(
                        ctx.header("Content-Type")) : null;
                if (charset != null) {
                    throw new ApiError(415, io.shadow.features.json.Utf8Text.charsetRefusal(charset));
                }
                // the whole body, within server.body-timeout, before any route works on it: a slow
                // or stalled upload holds a thread for a bounded time, and never a scoring slot
                readBody(ctx, options, bodies);
            });
            cfg.routes.after(bodies::release);
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

    private static void authorize(Context ctx, Tokens tokens, RefusedTokens refused) {
        Set<RouteRole> roles = ctx.routeRoles();
        if (roles.isEmpty()) {
            return;
        }
        String token;
        try {
            token = bearerToken(ctx.header("Authorization"));
        } catch (ApiError e) {
            // RFC 6750 3.1: no error code when no bearer token was sent; a bare "Bearer" is a malformed request
            String header = ctx.header("Authorization");
            boolean bareBearer = header != null && header.trim().equalsIgnoreCase("Bearer");
            ctx.header("WWW-Authenticate", BEARER_REALM + (bareBearer ? ", error=\"invalid_request\"" : ""));
            throw e;
        }
        Caller caller = tokens.caller(token).orElse(null);
        if (caller == null) {
            refused.refused(ctx.req().getRemoteAddr());
            ctx.header("WWW-Authenticate", BEARER_REALM + ", error=\"invalid_token\", error_description=\"unknown "
                    + "token\"");
            throw new ApiError(401, "unknown token");
        }
        if (caller.role() != Role.ADMIN && !roles.contains(caller.role())) {
            throw new ApiError(403, "role " + caller.role().name().toLowerCase() + " may not call " + ctx.method()
                    + " " + ctx.path() + "; allowed: " + roles.stream().map(r -> r.toString().toLowerCase())
                    .sorted().toList()
                    + (roles.contains(Role.ADMIN) ? "" : " (and admin, which may call every route)"));
        }
        ctx.attribute(CALLER, caller);
    }

    /**
     * Reads the request body now, if it has one, so that {@code ctx.body()} and its kin return it at
     * once: at most {@code server.max-request-bytes} (else 413), within {@code server.body-timeout}
     * of the request's start (else 408; the connection is closed after the answer). A body whose
     * length is declared above the limit is left unread for the 413 Javalin answers at the first read.
     */
    private static void readBody(Context ctx, Options options, BodyBudget bodies) throws Exception {
        if (ctx.attribute(BODY_READ) != null || !hasBody(ctx) || ctx.contentLength() > options.maxRequestBytes()) {
            return;
        }
        ctx.attribute(BODY_READ, true);
        ApiError refused = bodies.take(ctx, options.maxRequestBytes());
        Long started = ctx.attribute(STARTED);
        long deadline = (started == null ? System.nanoTime() : started) + options.bodyTimeout().toNanos();
        org.eclipse.jetty.server.Request request =
                org.eclipse.jetty.ee10.servlet.ServletContextRequest.getServletContextRequest(ctx.req());
        if (request == null) { // not served by Jetty's servlet layer: no deadline to enforce
            if (refused != null) {
                BodyBudget.skip(ctx, options.maxRequestBytes());
                throw refused;
            }
            ctx.bodyAsBytes();
            return;
        }
        BodyDeadline watch = new BodyDeadline(request.getConnectionMetaData().getConnection().getEndPoint());
        long left = deadline - System.nanoTime();
        org.eclipse.jetty.util.thread.Scheduler.Task task = left <= 0 ? null
                : request.getComponents().getScheduler().schedule(watch::expire, left,
                        java.util.concurrent.TimeUnit.NANOSECONDS);
        if (task == null) {
            watch.expire();
        }
        try {
            if (refused != null) {
                BodyBudget.skip(ctx, options.maxRequestBytes()); // within the deadline too
                throw refused;
            }
            ctx.bodyAsBytes();
        } catch (ApiError e) {
            throw e;
        } catch (Exception e) {
            if (watch.expired() && !(e instanceof io.javalin.http.HttpResponseException)) {
                throw new ApiError(408, "the request body did not arrive within " + seconds(options.bodyTimeout())
                        + " (server.body-timeout); send it faster, or send smaller batches");
            }
            if (e instanceof IOException) {
                for (Throwable c = e; c != null; c = c.getCause()) {
                    if (c instanceof java.util.concurrent.TimeoutException) { // no byte for the idle timeout
                        throw new ApiError(408, "the request body stopped arriving before all of it came ("
                                + c.getMessage() + ")");
                    }
                }
                throw new ApiError(400, "the request body ended before all of it came (" + e.getMessage() + ")");
            }
            throw e;
        } finally {
            if (task != null) {
                task.cancel();
            }
            watch.done();
        }
    }

    private static boolean hasBody(Context ctx) {
        return ctx.contentLength() > 0 || ctx.header("Transfer-Encoding") != null;
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /**
     * Ends a body read at its deadline: the connection's idle timeout, which bounds each wait for
     * bytes, is cut to nothing, so the read waiting now fails at once; put back once the body is in.
     */
    private static final class BodyDeadline {
        private final org.eclipse.jetty.io.EndPoint endPoint;
        private final long idleTimeout;
        private boolean expired;
        private boolean done;

        BodyDeadline(org.eclipse.jetty.io.EndPoint endPoint) {
            this.endPoint = endPoint;
            this.idleTimeout = endPoint.getIdleTimeout();
        }

        synchronized void expire() {
            if (!done) {
                expired = true;
                endPoint.setIdleTimeout(1);
            }
        }

        synchronized boolean expired() {
            return expired;
        }

        synchronized void done() {
            done = true;
            if (expired) {
                endPoint.setIdleTimeout(idleTimeout);
            }
        }
    }

    /**
     * Tells {@code observer} of every request {@code cfg}'s service answers (see {@link RequestObserver}):
     * the one place request metrics are taken, so that no route and no status is left out.
     */
    public static void observeRequests(JavalinConfig cfg, RequestObserver observer) {
        cfg.routes.after(ctx -> {
            Long started = ctx.attribute(STARTED);
            long nanos = started == null ? 0 : System.nanoTime() - started;
            io.javalin.router.Endpoint matched = ctx.endpoints().matchedHttpEndpoint();
            int status = ctx.statusCode();
            String route = matched != null ? matched.path : status == 404 || status == 405 ? UNMATCHED : STATIC;
            try {
                observer.request(METHODS.contains(ctx.req().getMethod()) ? ctx.req().getMethod() : "OTHER", route,
                        status, nanos);
            } catch (RuntimeException e) {
                LOG.warn("request metrics of {} {} not recorded", ctx.method(), route, e);
            }
        });
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
