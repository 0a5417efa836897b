package io.shadow.mitigation.notify;

import io.javalin.http.sse.SseClient;
import io.shadow.mitigation.store.NotificationRecord;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SSE channel ({@code GET /v1/notifications/stream}): every notification is pushed at once to
 * the connected clients allowed to see it (a user sees those addressed to them, operators all).
 * Each client has its own bounded queue and sender thread, so a client that stops reading never
 * holds up the engine (which notifies while it acts) or the other clients; when a client's queue
 * is full its newest notifications are dropped for it (and counted) — they stay in the store,
 * where {@code GET /v1/notifications} and the web UI show them. A client that got nothing for
 * {@link #PING} is sent a comment, which is how a connection closed by the client is noticed.
 *
 * <p>A client that reconnects ({@code Last-Event-ID}) is first sent what it missed, a {@link Replay}
 * read from the store, then the live notifications, without a gap or a repeat: it is subscribed
 * before the replay is read, so a notification made meanwhile waits in its queue, and one that is
 * both in the replay and in the queue is sent once.
 */
public final class NotificationStream implements Notifier {
    /** Notifications waiting per client before further ones are dropped for it. */
    static final int QUEUE = 256;
    /** How long a client may go without a write before it gets a ping comment. */
    public static final Duration PING = Duration.ofSeconds(15);
    /** The event telling a reconnecting client to reload the list (see {@link Replay}); it has no id. */
    public static final String RELOAD = "reload";
    private static final Logger LOG = LoggerFactory.getLogger(NotificationStream.class);
    private final Map<SseClient, Sender> clients = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();
    /** Set by {@link #close()}: a client connecting afterwards is closed at once. */
    private volatile boolean closed;
    private final long pingNanos;

    public NotificationStream() {
        this(PING);
    }

    /**
     * @param ping a client that got nothing for this long is sent a comment: a connection the client
     *     closed is noticed only when a write fails, so without it a user who closed the page and gets
     *     no notification would hold a sender thread and an open request for good
     */
    public NotificationStream(Duration ping) {
        this.pingNanos = ping.toNanos();
    }

    /**
     * What a reconnecting client missed: the notifications to send before the live ones, oldest
     * first, and, when they are not everything it missed or cannot be told what it missed, why it
     * should reload the list instead ({@code reason} and {@code message}, sent as an event
     * {@value #RELOAD} before them; both null when the replay is complete).
     */
    public record Replay(List<NotificationRecord> missed, String reason, String message) {
        /** Nothing to replay: a client connecting for the first time. */
        public static final Replay NONE = new Replay(List.of(), null, null);

        public Replay {
            missed = List.copyOf(missed);
        }

        /** Nothing replayed; the client is told to reload the list. */
        public static Replay reload(String reason, String message) {
            return new Replay(List.of(), reason, message);
        }
    }

    /** Keeps {@code client} open and sends it the notifications {@code visible} admits. */
    public void connect(SseClient client, Predicate<NotificationRecord> visible) {
        connect(client, visible, () -> Replay.NONE);
    }

    /**
     * As {@link #connect(SseClient, Predicate)}, first sending what {@code replay} (read on the
     * client's sender thread, after it is subscribed) says it missed.
     */
    public void connect(SseClient client, Predicate<NotificationRecord> visible, Supplier<Replay> replay) {
        connect(client, visible, replay, () -> { });
    }

    /** As {@link #connect(SseClient, Predicate, Supplier)}, running {@code ended} once when the stream ends. */
    public void connect(SseClient client, Predicate<NotificationRecord> visible, Supplier<Replay> replay,
            Runnable ended) {
        client.keepAlive();
        Sender s = new Sender(client, visible, replay, pingNanos);
        java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable end = () -> {
            if (once.compareAndSet(false, true)) {
                ended.run();
            }
        };
        client.onClose(() -> {
            clients.remove(client);
            s.interrupt();
            end.run();
        });
        clients.put(client, s);
        if (closed) { // connected while the service stops: no sender may outlive the server
            clients.remove(client);
            client.close();
            end.run();
            return;
        }
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

    /** As the engine's log of a failed notifier names it. */
    @Override
    public String toString() {
        return "live stream";
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

    /**
     * Ends every client's stream and its sender thread; for a stopping server, before the HTTP server
     * stops (a sender left running would ping a connection the stopped server has already recycled).
     * A client connecting afterwards is closed at once.
     */
    public void close() {
        closed = true;
        clients.forEach((client, s) -> {
            clients.remove(client);
            s.interrupt();
            try {
                client.close();
            } catch (RuntimeException e) {
                LOG.debug("SSE client already gone: {}", e.toString());
            }
        });
    }

    private static final class Sender extends Thread {
        final SseClient client;
        final Predicate<NotificationRecord> visible;
        final BlockingQueue<NotificationRecord> queue = new ArrayBlockingQueue<>(QUEUE);
        final Supplier<Replay> replay;
        final long pingNanos;

        Sender(SseClient client, Predicate<NotificationRecord> visible, Supplier<Replay> replay, long pingNanos) {
            super("shadow-sse-sender");
            setDaemon(true);
            this.client = client;
            this.visible = visible;
            this.replay = replay;
            this.pingNanos = pingNanos;
        }

        @Override
        public void run() {
            try {
                // live notifications queue up meanwhile: this client was subscribed before the replay is read
                Set<String> replayed = replay();
                long lastWrite = System.nanoTime();
                long pollNanos = Math.min(TimeUnit.SECONDS.toNanos(1), pingNanos);
                while (!client.terminated()) {
                    NotificationRecord n = queue.poll(pollNanos, TimeUnit.NANOSECONDS);
                    if (n != null && replayed.remove(n.notificationId())) {
                        continue; // stored before the replay was read, pushed after this client subscribed: sent
                    }
                    if (n != null) {
                        client.sendEvent("notification", n, n.notificationId());
                        lastWrite = System.nanoTime();
                    } else if (System.nanoTime() - lastWrite >= pingNanos) {
                        // fails, and so ends this client, once the other side has closed the connection
                        client.sendComment("ping");
                        lastWrite = System.nanoTime();
                    }
                }
            } catch (InterruptedException e) {
                // the client went away
            } catch (RuntimeException e) {
                LOG.info("SSE client dropped: {}", e.toString());
            }
        }

        /** Sends what the client missed; returns the ids sent, which the live queue may hold too. */
        private Set<String> replay() {
            Replay r;
            try {
                r = replay.get();
            } catch (RuntimeException e) {
                LOG.warn("SSE client reconnected, but what it missed could not be read: {}", e.toString());
                r = Replay.reload("replay_failed", "the notifications made since Last-Event-ID could not be read ("
                        + "the store did not answer); reload them with GET /v1/notifications");
            }
            if (r.reason() != null) {
                Map<String, String> reload = new LinkedHashMap<>();
                reload.put("reason", r.reason());
                reload.put("message", r.message());
                client.sendEvent(RELOAD, reload, null); // no id: the client's last id stays the last notification's
            }
            Set<String> sent = new HashSet<>();
            for (NotificationRecord n : r.missed()) {
                client.sendEvent("notification", n, n.notificationId());
                sent.add(n.notificationId());
            }
            return sent;
        }
    }
}
