package io.shadow.mitigation.notify;

import io.shadow.mitigation.store.NotificationRecord;

/** Delivers a notification on one channel (store for the web UI, SSE, webhook, e-mail). */
public interface Notifier {
    void send(NotificationRecord notification);
}
