package io.shadow.mitigation.notify;

import io.shadow.mitigation.store.MitigationStore;
import io.shadow.mitigation.store.NotificationRecord;

/** Keeps notifications in the store, where the API and the web UI show them. */
public final class StoreNotifier implements Notifier {
    private final MitigationStore store;

    public StoreNotifier(MitigationStore store) {
        this.store = store;
    }

    @Override
    public void send(NotificationRecord n) {
        store.insertNotification(n);
    }
}
