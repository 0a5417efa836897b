package io.shadow.mitigation.api;

import static io.shadow.mitigation.api.Role.OPERATOR;
import static io.shadow.mitigation.api.Role.USER;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.shadow.mitigation.notify.NotificationStream;
import io.shadow.mitigation.notify.NotificationStream.Replay;
import io.shadow.mitigation.store.MitigationStore;
import io.shadow.mitigation.store.NotificationRecord;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Notifications as stored (the web UI's channel) and as a live SSE stream. */
public final class NotificationRoutes {
    /**
     * The most notifications a reconnecting client is replayed: when it missed more, it gets the
     * newest this many and is told to reload the list for the others.
     */
    static final int REPLAY_MAX = 1000;
    /**
     * Live streams one caller (one token) may hold open at once: each has a server thread, and the process
     * also answers the gateway's decisions. A browser tab holds one; beyond this the answer is 429.
     */
    static final int MAX_STREAMS_PER_CALLER = 8;
    private final java.util.concurrent.ConcurrentHashMap<String, Integer> streamsOf =
            new java.util.concurrent.ConcurrentHashMap<>();
    /** Longer than any notification id ({@code notifications.notification_id}): not looked up. */
    private static final int MAX_ID_LENGTH = 64;
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
     * {@code sse()} answers both with an empty 200, read as "no notifications". A client that
     * reconnects ({@code Last-Event-ID}, or {@code ?lastEventId=} as EventSource polyfills send it)
     * first gets what it missed, see {@link #replay}.
     */
    private void stream(Context ctx) {
        String accept = ctx.header("Accept");
        if (!acceptsEventStream(accept)) {
            throw new ApiError(406, "GET /v1/notifications/stream is a stream of server-sent events and the "
                    + "request's Accept header (" + accept + ") excludes them; send 'Accept: text/event-stream' "
                    + "(GET /v1/notifications lists them as JSON)");
        }
        Caller caller = ServiceApp.caller(ctx);
        String who = caller.name();
        if (streamsOf.merge(who, 1, Integer::sum) > MAX_STREAMS_PER_CALLER) {
            ended(who);
            throw new ApiError(429, caller.name() + " has " + MAX_STREAMS_PER_CALLER + " notification streams open "
                    + "already, the most one caller may hold; close one (each browser tab holds one) or read "
                    + "GET /v1/notifications");
        }
        Predicate<NotificationRecord> visible = visibleTo(caller);
        String lastId = lastEventId(ctx);
        Supplier<Replay> replay = lastId == null ? () -> Replay.NONE : () -> replay(lastId, caller, visible);
        HttpServletResponse res = ctx.res();
        res.setStatus(200);
        res.setCharacterEncoding("UTF-8");
        res.setContentType("text/event-stream");
        res.addHeader("Connection", "close");
        res.setHeader("Cache-Control", "no-cache"); // replaces the shell's no-store: one value only
        res.addHeader("X-Accel-Buffering", "no");
        try {
            res.flushBuffer();
        } catch (IOException e) {
            ended(who);
            return; // the client went away before the stream began
        }
        ctx.async(task -> task.timeout = 0, () -> stream.connect(new SseClient(ctx), visible, replay,
                () -> ended(who)));
    }

    private void ended(String who) {
        streamsOf.computeIfPresent(who, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** The id of the last event a reconnecting client got: the header, else the query parameter; null if none. */
    private static String lastEventId(Context ctx) {
        String id = ctx.header("Last-Event-ID");
        if (id == null || id.isBlank()) {
            id = ctx.queryParam("lastEventId");
        }
        return id == null || id.isBlank() ? null : id.strip();
    }

    /**
     * What a client whose last event was {@code lastId} missed: the notifications stored after that
     * one which it may see (as the live stream filters), oldest first, at most {@link #REPLAY_MAX}
     * (the newest; then it is told to reload the list). An id it may not see — never stored, another
     * principal's, another tenant's — is answered alike, with nothing replayed and a reload: whether
     * such a notification exists does not leak.
     */
    private Replay replay(String lastId, Caller caller, Predicate<NotificationRecord> visible) {
        Optional<NotificationRecord> last = lastId.length() > MAX_ID_LENGTH ? Optional.empty()
                : store.notification(lastId);
        if (last.isEmpty() || !visible.test(last.get())) {
            return Replay.reload("unknown_last_event_id", "Last-Event-ID names no notification of this stream "
                    + "(one of a store since reset, or not the caller's), so what was missed is not known: reload "
                    + "the notifications with GET /v1/notifications");
        }
        // narrowed in the query as visibleTo narrows, so that the limit counts only what this caller sees
        boolean all = caller.seesEverything();
        List<NotificationRecord> missed = store.notificationsAfter(lastId, all ? null : caller.tenant(),
                all ? null : caller.principal(), REPLAY_MAX + 1).stream().filter(visible).toList();
        if (missed.size() > REPLAY_MAX) {
            return new Replay(missed.subList(missed.size() - REPLAY_MAX, missed.size()), "too_many_missed",
                    "more than " + REPLAY_MAX + " notifications were made since Last-Event-ID; the newest "
                            + REPLAY_MAX + " follow: reload the others with GET /v1/notifications");
        }
        return new Replay(missed, null, null);
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

    /**
     * The newest {@code limit} (default and most {@value RequestLimits#MAX_LIST}) notifications the caller may
     * read; a user's are selected in the store by tenant and recipient, not filtered from every tenant's.
     */
    private void list(Context ctx) {
        RequestLimits.onlyQueryParams(ctx, "incident", "limit");
        Caller c = ServiceApp.caller(ctx);
        int limit = ctx.queryParam("limit") == null ? RequestLimits.MAX_LIST : RequestLimits.listLimit(ctx);
        String tenant = c.seesEverything() ? null : c.tenant();
        String recipient = c.seesEverything() ? null : c.principal();
        if (!c.seesEverything() && recipient == null) {
            ctx.json(List.of()); // speaks for no principal: nothing addressed to it
            return;
        }
        Predicate<NotificationRecord> visible = visibleTo(c);
        ctx.json(store.notifications(ctx.queryParam("incident"), tenant, recipient, limit).stream().filter(visible)
                .toList());
    }

    private static Predicate<NotificationRecord> visibleTo(Caller c) {
        return c::reads;
    }
}
