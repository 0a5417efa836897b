package io.shadow.agents.javalin;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.shadow.features.ActivityEvent;
import io.shadow.features.EventClass;
import io.shadow.features.Outcome;
import io.shadow.features.ResourceType;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Clock;
import java.util.Map;
import java.util.function.Function;

/**
 * Reports every API call a Javalin service serves to Shadow: who (principal), what (method and
 * route template, e.g. {@code GET /files/{id}}, and the path as the resource), bytes in and out,
 * latency and outcome. Install with {@code ShadowReporter.install(config, sink, options)}.
 */
public final class ShadowReporter {
    private static final String START = "shadow.reporter.start";

    /**
     * @param principal who made the call; by default the {@code X-User} header, else the basic-auth
     *     user, else {@code anonymous}
     * @param resourceType what the service's resources are
     */
    public record Options(String tenant, String service, ResourceType resourceType,
            Function<Context, String> principal) {
        public static Options of(String tenant, String service, ResourceType type) {
            return new Options(tenant, service, type, ShadowReporter::defaultPrincipal);
        }
    }

    private ShadowReporter() {
    }

    public static void install(JavalinConfig cfg, EventSink sink, Options options) {
        install(cfg, sink, options, Clock.systemUTC());
    }

    static void install(JavalinConfig cfg, EventSink sink, Options options, Clock clock) {
        cfg.routes.before(ctx -> ctx.attribute(START, System.nanoTime()));
        cfg.routes.after(ctx -> {
            Long start = ctx.attribute(START);
            long micros = start == null ? 0 : (System.nanoTime() - start) / 1000;
            // ctx.endpoint() here is this after-handler ("*"); the route served is the matched HTTP endpoint
            var served = ctx.endpoints().matchedHttpEndpoint();
            // an unmatched path (a scanner probing) is one operation, not one per probed path
            String route = served == null ? "<unmatched>" : served.path;
            int status = ctx.statusCode();
            sink.report(ActivityEvent.builder().tenant(options.tenant()).time(clock.instant())
                    .eventClass(EventClass.API_ACTIVITY).operation(ctx.method().name() + " " + route)
                    .principal(options.principal().apply(ctx)).srcIp(ctx.ip()).userAgent(ctx.userAgent())
                    .host(options.service()).resourceType(options.resourceType()).resourceId(ctx.path())
                    .outcome(status >= 400 ? Outcome.FAILURE : Outcome.SUCCESS)
                    .bytesIn(Math.max(0, ctx.contentLength())).bytesOut(responseBytes(ctx))
                    .raw(Map.of("status", Integer.toString(status), "latency_us", Long.toString(micros),
                            "service", options.service()))
                    .build());
        });
    }

    private static long responseBytes(Context ctx) {
        InputStream in = ctx.resultInputStream();
        // Javalin keeps string and byte results in memory, so their size is known without reading them
        return in instanceof ByteArrayInputStream b ? b.available() : 0;
    }

    static String defaultPrincipal(Context ctx) {
        String user = ctx.header("X-User");
        if (user != null && !user.isBlank()) {
            return user;
        }
        try {
            var basic = ctx.basicAuthCredentials();
            if (basic != null) {
                return basic.getUsername();
            }
        } catch (RuntimeException e) {
            // not basic auth
        }
        return "anonymous";
    }
}
