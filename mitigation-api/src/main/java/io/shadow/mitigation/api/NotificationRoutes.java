package io.shadow.mitigation.api;

import static io.shadow.mitigation.api.Role.OPERATOR;
import static io.shadow.mitigation.api.Role.USER;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.shadow.mitigation.notify.NotificationStream;
import io.shadow.mitigation.store.MitigationStore;
import io.shadow.mitigation.store.NotificationRecord;
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
        cfg.routes.sse("/v1/notifications/stream", client -> stream.connect(client,
                visibleTo(ServiceApp.caller(client.ctx()))), USER, OPERATOR);
    }

    private void list(Context ctx) {
        Predicate<NotificationRecord> visible = visibleTo(ServiceApp.caller(ctx));
        ctx.json(store.notifications(ctx.queryParam("incident")).stream().filter(visible).toList());
    }

    private static Predicate<NotificationRecord> visibleTo(Caller c) {
        return n -> c.seesEverything() || n.recipient().equals(c.principal());
    }
}
