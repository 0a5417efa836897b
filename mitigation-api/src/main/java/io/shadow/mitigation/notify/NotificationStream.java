package io.shadow.mitigation.notify;

import io.javalin.http.sse.SseClient;
import io.shadow.mitigation.store.NotificationRecord;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The SSE channel ({@code GET /v1/notifications/stream}): every notification is pushed at once to
 * the connected clients allowed to see it (a user sees those addressed to them, operators all).
 */
public final class NotificationStream implements Notifier {
    private final Map<SseClient, Predicate<NotificationRecord>> clients = new ConcurrentHashMap<>();

    /** Keeps {@code client} open and sends it the notifications {@code visible} admits. */
    public void connect(SseClient client, Predicate<NotificationRecord> visible) {
        client.keepAlive();
        client.onClose(() -> clients.remove(client));
        clients.put(client, visible);
        client.sendComment("connected");
    }

    public int clients() {
        return clients.size();
    }

    @Override
    public void send(NotificationRecord n) {
        clients.forEach((client, visible) -> {
            if (client.terminated()) {
                clients.remove(client);
            } else if (visible.test(n)) {
                client.sendEvent("notification", n, n.notificationId());
            }
        });
    }
}
