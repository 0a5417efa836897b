package io.shadow.mitigation.notify;

import io.shadow.mitigation.store.NotificationRecord;
import io.shadow.mitigation.store.StoreException;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A channel that writes to the mitigation store (the web UI's list, the outbox of webhooks and e-mail) holding
 * its notices while the store is out, in memory and in order, and sending them once it answers, at the
 * next {@link #retry()} (the service runs one with every expiry sweep). A notice the store refuses
 * for another reason is not held (its error is the caller's to log). At most {@link #MAX_HELD} are held; beyond
 * that the oldest is dropped, logged with its subject. Held notices are lost if the process stops first (logged
 * at close).
 */
public final class HoldingNotifier implements Notifier {
    /** Notices held per channel: a long outage with many mitigations keeps the newest this many. */
    public static final int MAX_HELD = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(HoldingNotifier.class);
    private final String channel;
    private final Notifier inner;
    private final Deque<NotificationRecord> held = new ArrayDeque<>();
    /** Held by the one {@link #retry} running. */
    private final Object retrying = new Object();

    /** {@code channel} names it in logs ({@code web UI list}, {@code webhooks}, {@code e-mail}). */
    public HoldingNotifier(String channel, Notifier inner) {
        this.channel = channel;
        this.inner = inner;
    }

    /**
     * Sends {@code n}, or holds it behind the notices held already (the store was out at their last try: the
     * sweep's {@link #retry} sends them in order). The store is never called under this object's lock, so a
     * caller does not wait for another's timeout.
     */
    @Override
    public void send(NotificationRecord n) {
        synchronized (this) {
            if (!held.isEmpty()) {
                hold(n);
                return;
            }
        }
        try {
            inner.send(n);
        } catch (StoreException e) {
            if (!e.isTransient()) {
                throw e;
            }
            synchronized (this) {
                hold(n);
            }
            LOG.warn("notification {} ({}) held for the {}: the mitigation store is unavailable ({}); sent once it "
                    + "answers", n.notificationId(), n.subject(), channel, e.reason());
        }
    }

    /**
     * Sends the held notices, oldest first, until the store fails again; one retry at a time.
     *
     * @return how many were sent
     */
    public int retry() {
        synchronized (retrying) {
            int sent = 0;
            while (true) {
                NotificationRecord n;
                synchronized (this) {
                    n = held.peekFirst();
                }
                if (n == null) {
                    break;
                }
                try {
                    inner.send(n);
                    sent++;
                } catch (StoreException e) {
                    if (e.isTransient()) {
                        return sent;
                    }
                    LOG.error("held notification {} ({}) was refused by the store for the {} and is dropped: {}",
                            n.notificationId(), n.subject(), channel, e.getMessage());
                } catch (RuntimeException e) {
                    LOG.error("held notification {} ({}) could not be sent on the {} and is dropped",
                            n.notificationId(), n.subject(), channel, e);
                }
                synchronized (this) {
                    if (held.peekFirst() == n) { // not dropped meanwhile to make room
                        held.removeFirst();
                    }
                }
            }
            if (sent > 0) {
                LOG.info("the mitigation store answers again: {} held notification(s) sent on the {}", sent, channel);
            }
            return sent;
        }
    }

    /** Notices waiting for the store. */
    public synchronized int held() {
        return held.size();
    }

    /** Logs what is still held (lost with the process). */
    public synchronized void close() {
        if (!held.isEmpty()) {
            LOG.error("stopping with {} notification(s) not sent on the {} (the mitigation store was unavailable): {}",
                    held.size(), channel, held.stream().map(n -> n.notificationId() + " " + n.subject()).toList());
        }
    }

    /** The channel, as the engine's log of a failed notifier names it. */
    @Override
    public String toString() {
        return channel;
    }

    private void hold(NotificationRecord n) {
        if (held.size() >= MAX_HELD) {
            NotificationRecord dropped = held.removeFirst();
            LOG.error("{} notifications held for the {} while the mitigation store is unavailable: the oldest, {} ({}), "
                    + "is dropped", MAX_HELD, channel, dropped.notificationId(), dropped.subject());
        }
        held.addLast(n);
    }
}
