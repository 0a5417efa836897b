package io.shadow.mitigation.api;

import static io.shadow.mitigation.api.Role.OPERATOR;
import static io.shadow.mitigation.api.Role.USER;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.shadow.mitigation.notify.NotificationStream;
import io.shadow.mitigation.store.MitigationStore;
import io.shadow.mitigation.store.NotificationRecord;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import java.util.function.Predicate;

/** Notifications as stored (the web UI's channel) and as a live SSE stream. */
public final class NotificationRoutes {
    private final MitigationStore store;
    private final NotificationStream stream;

    public NotificationRoutes(MitigationStore store, NotificationStream stream) {
        this.store = store;
        this.stream = stream;
    }

    public void register(JavalinConfig cfg) {
        cfg.routes.get("/v1/notifications", this::list, USER, OPERATOR);
        cfg.routes.get("/v1/notifications/stream", this::stream, USER, OPERATOR);
    }

    /**
     * What Javalin's {@code sse()} does, except that it streams to a client that sends no Accept or
     * a wildcard (curl, plain HTTP libraries) and refuses one whose Accept excludes event streams:
     * {@code sse()} answers both with an empty 200, read as "no notifications".
     */
    private void stream(Context ctx) {
        String accept = ctx.header("Accept");
        if (!acceptsEventStream(accept)) {
            throw new ApiError(406, "GET /v1/notifications/stream is a stream of server-sent events and the "
                    + "request's Accept header (" + accept + ") excludes them; send 'Accept: text/event-stream' "
                    + "(GET /v1/notifications lists them as JSON)");
        }
        Predicate<NotificationRecord> visible = visibleTo(ServiceApp.caller(ctx));
        HttpServletResponse res = ctx.res();
        res.setStatus(200);
        res.setCharacterEncoding("UTF-8");
        res.setContentType("text/event-stream");
        res.addHeader("Connection", "close");
        res.addHeader("Cache-Control", "no-cache");
        res.addHeader("X-Accel-Buffering", "no");
        try {
            res.flushBuffer();
        } catch (IOException e) {
            return; // the client went away before the stream began
        }
        ctx.async(task -> task.timeout = 0, () -> stream.connect(new SseClient(ctx), visible));
    }

    private static boolean acceptsEventStream(String accept) {
        if (accept == null || accept.isBlank()) {
            return true;
        }
        for (String range : accept.split(",")) {
            String type = range.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
            if (type.equals("text/event-stream") || type.equals("text/*") || type.equals("*/*")) {
                return true;
            }
        }
        return false;
    }

    private void list(Context ctx) {
        Predicate<NotificationRecord> visible = visibleTo(ServiceApp.caller(ctx));
        ctx.json(store.notifications(ctx.queryParam("incident")).stream().filter(visible).toList());
    }

    private static Predicate<NotificationRecord> visibleTo(Caller c) {
        return n -> c.speaksFor(n.tenant(), n.recipient());
    }
}
