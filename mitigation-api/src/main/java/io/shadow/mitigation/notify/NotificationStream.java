package io.shadow.mitigation.notify;

import io.javalin.http.sse.SseClient;
import io.shadow.mitigation.store.NotificationRecord;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SSE channel ({@code GET /v1/notifications/stream}): every notification is pushed at once to
 * the connected clients allowed to see it (a user sees those addressed to them, operators all).
 * Each client has its own bounded queue and sender thread, so a client that stops reading never
 * holds up the engine (which notifies while it acts) or the other clients; when a client's queue
 * is full its newest notifications are dropped for it (and counted) — they stay in the store,
 * where {@code GET /v1/notifications} and the web UI show them.
 */
public final class NotificationStream implements Notifier {
    /** Notifications waiting per client before further ones are dropped for it. */
    static final int QUEUE = 256;
    private static final Logger LOG = LoggerFactory.getLogger(NotificationStream.class);
    private final Map<SseClient, Sender> clients = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();

    /** Keeps {@code client} open and sends it the notifications {@code visible} admits. */
    public void connect(SseClient client, Predicate<NotificationRecord> visible) {
        client.keepAlive();
        Sender s = new Sender(client, visible);
        client.onClose(() -> {
            clients.remove(client);
            s.interrupt();
        });
        clients.put(client, s);
        client.sendComment("connected");
        s.start();
    }

    public int clients() {
        return clients.size();
    }

    /** Notifications dropped for clients that did not keep up. */
    public long dropped() {
        return dropped.get();
    }

    @Override
    public void send(NotificationRecord n) {
        clients.forEach((client, s) -> {
            if (client.terminated()) {
                clients.remove(client);
                s.interrupt();
            } else if (s.visible.test(n) && !s.queue.offer(n)) {
                dropped.incrementAndGet();
                LOG.warn("SSE client is not reading; notification {} dropped for it (it stays in the store)",
                        n.notificationId());
            }
        });
    }

    private static final class Sender extends Thread {
        final SseClient client;
        final Predicate<NotificationRecord> visible;
        final BlockingQueue<NotificationRecord> queue = new ArrayBlockingQueue<>(QUEUE);

        Sender(SseClient client, Predicate<NotificationRecord> visible) {
            super("shadow-sse-sender");
            setDaemon(true);
            this.client = client;
            this.visible = visible;
        }

        @Override
        public void run() {
            try {
                while (!client.terminated()) {
                    NotificationRecord n = queue.poll(1, TimeUnit.SECONDS);
                    if (n != null) {
                        client.sendEvent("notification", n, n.notificationId());
                    }
                }
            } catch (InterruptedException e) {
                // the client went away
            } catch (RuntimeException e) {
                LOG.info("SSE client dropped: {}", e.toString());
            }
        }
    }
}
